package io.omniforge.store;

import java.sql.Connection;
import java.sql.SQLException;

/** Work done with a JDBC connection; runs on a store thread, never on an event loop. */
@FunctionalInterface
public interface SqlWork<T> {
    T apply(Connection connection) throws SQLException;
}
