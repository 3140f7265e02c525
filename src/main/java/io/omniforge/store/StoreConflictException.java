package io.omniforge.store;

/**
 * A write found that another process changed the same row first (a compare-and-set that did not match, or a key
 * another process took). Nothing was written; the caller reads again and decides.
 */
public class StoreConflictException extends StoreException {
    public StoreConflictException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Whether {@code e} is a unique or primary key violation (PostgreSQL 23505, SQLite's SQLITE_CONSTRAINT). */
    public static boolean isUniqueViolation(java.sql.SQLException e) {
        return "23505".equals(e.getSQLState()) || e.getErrorCode() == 19
                || (e.getMessage() != null && e.getMessage().contains("SQLITE_CONSTRAINT_PRIMARYKEY"));
    }
}
