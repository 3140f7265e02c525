package io.omniforge.support;

import io.omniforge.store.Db;
import java.time.Duration;

/** Statements a test runs on the service's own store (a trigger that makes it refuse something, and its removal). */
public final class Sql {

    private Sql() {
    }

    /** Runs {@code sql} as one write of the store's writer, and waits for its commit. */
    public static void execute(Db db, String sql) {
        db.write(c -> {
            try (java.sql.Statement st = c.createStatement()) {
                st.execute(sql);
            }
            return null;
        }).await().atMost(Duration.ofSeconds(10));
    }
}
