package io.omniforge.support;

import io.omniforge.store.Db;
import io.omniforge.store.StoreKind;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;

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

    /**
     * Runs {@code test} while a SQLite trigger named {@code name} refuses what {@code when} says (for example
     * {@code BEFORE INSERT ON tasks WHEN NEW.context_id LIKE 'doomed-%'}), and drops the trigger after it. Skipped on
     * another store: the trigger is written in SQLite's syntax.
     */
    public static void whileSqliteRefuses(Db db, String name, String when, Runnable test) {
        Assumptions.assumeTrue(db.kind() == StoreKind.SQLITE,
                "the failing trigger is written for SQLite; this run's store is " + db.kind());
        execute(db, "CREATE TRIGGER IF NOT EXISTS " + name + " " + when
                + " BEGIN SELECT RAISE(ABORT, 'refused on purpose'); END");
        try {
            test.run();
        } finally {
            execute(db, "DROP TRIGGER IF EXISTS " + name);
        }
    }
}
