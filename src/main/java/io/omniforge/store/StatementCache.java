package io.omniforge.store;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * The store writer's connection, which it keeps for as long as it works, with its prepared statements kept too: the
 * writer runs the same dozen statements over and over, and the SQLite driver would otherwise parse each one anew
 * every time (a sixth of the writer's time under load). PostgreSQL's driver keeps the server-side statements of a
 * connection that lasts, so it gains as well.
 *
 * <p>Repositories see an ordinary {@link Connection}: {@code prepareStatement(sql)} hands out the statement prepared
 * for that text before (its parameters and batch cleared when the repository closes it), or a new one when it is
 * already in use; {@code close()} is left to the writer. At most {@link #CAPACITY} statements are kept, the least
 * recently used closed first. Only the writer thread uses it. The interfaces proxied are constants, so a native
 * image registers both proxies by itself.
 */
final class StatementCache implements InvocationHandler {

    private static final Logger LOG = Logger.getLogger(StatementCache.class);
    static final int CAPACITY = 64;
    private static final Class<?>[] CONNECTION = { Connection.class };
    private static final Class<?>[] STATEMENT = { PreparedStatement.class };

    private final Connection connection;
    private final Connection proxy;
    private final Map<String, Kept> kept = new LinkedHashMap<>(CAPACITY * 2, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Kept> eldest) {
            if (size() > CAPACITY && !eldest.getValue().inUse) {
                eldest.getValue().closeQuietly();
                return true;
            }
            return false;
        }
    };

    StatementCache(Connection connection) {
        this.connection = connection;
        this.proxy = (Connection) Proxy.newProxyInstance(StatementCache.class.getClassLoader(), CONNECTION, this);
    }

    /** The connection to hand to repositories. */
    Connection connection() {
        return proxy;
    }

    /** The connection itself, for the writer's own transaction control. */
    Connection unwrapped() {
        return connection;
    }

    /** How many statements are kept. */
    int size() {
        return kept.size();
    }

    /** Closes every kept statement and the connection (which goes back to its pool). */
    void close() {
        kept.values().forEach(Kept::closeQuietly);
        kept.clear();
        try {
            connection.close();
        } catch (SQLException e) {
            LOG.debugf("closing the writer's connection: %s", e.getMessage());
        }
    }

    @Override
    public Object invoke(Object self, Method method, Object[] args) throws Throwable {
        switch (method.getName()) {
            case "prepareStatement":
                if (args.length == 1) {
                    return prepare((String) args[0]);
                }
                break;
            case "close":
                return null; // the writer's, not the repository's
            case "isClosed":
                return connection.isClosed();
            case "equals":
                return self == args[0];
            case "hashCode":
                return System.identityHashCode(self);
            default:
                break;
        }
        return call(connection, method, args);
    }

    private PreparedStatement prepare(String sql) throws SQLException {
        Kept statement = kept.get(sql);
        if (statement == null) {
            statement = new Kept(connection.prepareStatement(sql));
            kept.put(sql, statement);
        } else if (statement.inUse) {
            return connection.prepareStatement(sql); // the same text, nested: a statement of its own
        }
        statement.inUse = true;
        return statement.proxy;
    }

    private static Object call(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** A kept statement: closing it readies it for the next use instead. */
    private final class Kept implements InvocationHandler {
        final PreparedStatement statement;
        final PreparedStatement proxy;
        boolean inUse;

        Kept(PreparedStatement statement) {
            this.statement = statement;
            this.proxy = (PreparedStatement) Proxy.newProxyInstance(StatementCache.class.getClassLoader(), STATEMENT, this);
        }

        @Override
        public Object invoke(Object self, Method method, Object[] args) throws Throwable {
            switch (method.getName()) {
                case "close":
                    if (inUse) {
                        inUse = false;
                        statement.clearParameters();
                        statement.clearBatch();
                    }
                    return null;
                case "isClosed":
                    return !inUse || statement.isClosed();
                case "getConnection":
                    return StatementCache.this.proxy;
                case "equals":
                    return self == args[0];
                case "hashCode":
                    return System.identityHashCode(self);
                default:
                    return call(statement, method, args);
            }
        }

        void closeQuietly() {
            try {
                statement.close();
            } catch (SQLException e) {
                LOG.debugf("closing a kept statement: %s", e.getMessage());
            }
        }
    }
}
