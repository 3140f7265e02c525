package io.omniforge.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.UUID;

/**
 * The PostgreSQL server the tests may use: {@code OMNIFORGE_TEST_PG_URL}, {@code OMNIFORGE_TEST_PG_USER} and
 * {@code OMNIFORGE_TEST_PG_PASSWORD}, as {@code .ci/postgres start} prints them. Without them, the tests that need
 * PostgreSQL are skipped, saying so.
 */
public final class TestPostgres {

    public static final String SKIPPED = "PostgreSQL tests skipped: OMNIFORGE_TEST_PG_URL is not set"
            + " (run `eval \"$(.ci/postgres start /tmp/omniforge-pg)\"` first, as .ci/run does)";

    private TestPostgres() {
    }

    public static Optional<String> url() {
        return Optional.ofNullable(System.getenv("OMNIFORGE_TEST_PG_URL")).filter(s -> !s.isBlank());
    }

    public static String user() {
        return System.getenv().getOrDefault("OMNIFORGE_TEST_PG_USER", "");
    }

    public static String password() {
        return System.getenv().getOrDefault("OMNIFORGE_TEST_PG_PASSWORD", "");
    }

    /** The URL with {@code currentSchema} set. */
    public static String url(String schema) {
        String base = url().orElseThrow(() -> new IllegalStateException(SKIPPED));
        return base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    /** A new, empty schema of its own for one test. */
    public static String newSchema(String prefix) throws SQLException {
        String schema = prefix + "_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection c = DriverManager.getConnection(url().orElseThrow(), user(), password());
                Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        }
        return schema;
    }

    /** A connection of its own, outside any pool: what another replica would hold. */
    public static Connection connect(String schema) throws SQLException {
        return DriverManager.getConnection(url(schema), user(), password());
    }
}
