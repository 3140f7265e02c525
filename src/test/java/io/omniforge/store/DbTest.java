package io.omniforge.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

@QuarkusTest
class DbTest {

    @Inject
    Db db;

    private String pragma(String name) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("PRAGMA " + name); ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }).await().atMost(Duration.ofSeconds(10));
    }

    @Test
    void sqliteRunsInWalModeWithABusyTimeoutAndFullSync() {
        assumeTrue(db.kind() == StoreKind.SQLITE, "SQLite's settings; this run's store is " + db.kind());
        assertEquals("wal", pragma("journal_mode"));
        assertEquals("5000", pragma("busy_timeout"));
        assertEquals("2", pragma("synchronous"), "FULL");
    }

    @Test
    void oneFailingWriteDoesNotFailTheOthersOfItsBatch() {
        List<Uni<Integer>> writes = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            int n = i;
            writes.add(db.write(c -> {
                if (n == 25) {
                    throw new SQLException("write " + n + " fails on purpose");
                }
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO agents (tenant, name, url, created_at) VALUES ('db-test', ?, 'http://x', 0)")) {
                    ps.setString(1, "a" + n);
                    return ps.executeUpdate();
                }
            }).onFailure().recoverWithItem(-1));
        }
        List<Integer> results = Uni.join().all(writes).andFailFast().await().atMost(Duration.ofSeconds(30));
        assertEquals(-1, results.get(25));
        assertEquals(49, results.stream().filter(r -> r == 1).count());
        int stored = db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM agents WHERE tenant = 'db-test'");
                    ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }).await().atMost(Duration.ofSeconds(10));
        assertEquals(49, stored, "the failed write left nothing behind, the others are all there");
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM agents WHERE tenant = 'db-test'")) {
                return ps.executeUpdate();
            }
        }).await().atMost(Duration.ofSeconds(10));
    }

    @Test
    void theWriterKeepsItsConnectionButRenewsOneThatSatIdle() {
        write(); // the writer has a connection (a new one if it had none, or one that sat idle)
        long before = db.writerConnections();
        write();
        write();
        assertEquals(before, db.writerConnections(), "busy, the writer keeps its connection");
        try {
            db.writerIdle(0); // every connection counts as idle from now on
            long idle = db.writerConnections();
            write();
            write();
            assertTrue(db.writerConnections() >= idle + 2, "an idle connection is given back and a new one taken");
        } finally {
            db.writerIdle(Db.WRITER_IDLE_NANOS);
        }
    }

    private void write() {
        db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM agents WHERE tenant = 'db-idle-test'")) {
                return ps.executeUpdate();
            }
        }).await().atMost(Duration.ofSeconds(10));
    }

    @Test
    void aDatabaseErrorIsAStoreException() {
        StoreException e = assertThrows(StoreException.class, () -> db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM no_such_table")) {
                return ps.executeQuery().next();
            }
        }).await().atMost(Duration.ofSeconds(10)));
        assertTrue(e.getMessage().contains("no_such_table"), e.getMessage());
    }
}
