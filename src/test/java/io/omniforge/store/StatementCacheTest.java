package io.omniforge.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sqlite.SQLiteDataSource;

/** The writer's statement cache, on a real SQLite file. */
class StatementCacheTest {

    private Path file;
    private StatementCache cache;
    private Connection raw;

    @BeforeEach
    void open() throws Exception {
        Files.createDirectories(Path.of("target/test-data"));
        file = Files.createTempFile(Path.of("target/test-data"), "statements-", ".db");
        SQLiteDataSource sqlite = new SQLiteDataSource(); // not DriverManager: its lookup depends on the class loader
        sqlite.setUrl("jdbc:sqlite:" + file);
        raw = sqlite.getConnection();
        try (Statement s = raw.createStatement()) {
            s.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT NOT NULL)");
        }
        cache = new StatementCache(raw);
    }

    @AfterEach
    void close() throws Exception {
        cache.close();
        Files.deleteIfExists(file);
    }

    @Test
    void theSameTextGetsTheSameStatementReadyForReuse() throws SQLException {
        Connection c = cache.connection();
        PreparedStatement first;
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO t (k, v) VALUES (?, ?)")) {
            first = ps;
            ps.setInt(1, 1);
            ps.setString(2, "one");
            assertEquals(1, ps.executeUpdate());
        }
        assertTrue(first.isClosed(), "closed for its user");
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO t (k, v) VALUES (?, ?)")) {
            assertSame(first, ps, "the kept statement, not a new one");
            assertFalse(ps.isClosed());
            ps.setInt(1, 2);
            assertThrows(SQLException.class, ps::executeUpdate, "the last use's parameters were cleared");
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO t (k, v) VALUES (?, ?)")) {
            ps.setInt(1, 2);
            ps.setString(2, "two");
            ps.addBatch();
            ps.setInt(1, 3);
            ps.setString(2, "three");
            ps.addBatch();
            assertEquals(2, ps.executeBatch().length);
        }
        assertEquals(1, cache.size());
        assertEquals(3, count(c));
    }

    @Test
    void aStatementInUseIsNotHandedOutTwice() throws SQLException {
        Connection c = cache.connection();
        try (PreparedStatement outer = c.prepareStatement("SELECT v FROM t WHERE k = ?");
                PreparedStatement inner = c.prepareStatement("SELECT v FROM t WHERE k = ?")) {
            assertNotSame(outer, inner);
            outer.setInt(1, 1);
            inner.setInt(1, 2);
            try (ResultSet a = outer.executeQuery(); ResultSet b = inner.executeQuery()) {
                assertFalse(a.next());
                assertFalse(b.next());
            }
        }
        assertEquals(1, cache.size(), "only the first is kept");
    }

    @Test
    void atMostCapacityStatementsAreKeptAndTheConnectionIsTheWritersToClose() throws SQLException {
        Connection c = cache.connection();
        for (int i = 0; i < StatementCache.CAPACITY + 10; i++) {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + i + " FROM t")) {
                ps.executeQuery().close();
            }
        }
        assertEquals(StatementCache.CAPACITY, cache.size());
        c.close();
        assertFalse(raw.isClosed(), "a repository's close() leaves the writer's connection open");
        assertEquals(0, count(c));
        cache.close();
        assertTrue(raw.isClosed());
    }

    private static int count(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM t"); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
