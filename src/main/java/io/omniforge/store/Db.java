package io.omniforge.store;

import io.agroal.api.AgroalDataSource;
import io.quarkus.agroal.DataSource;
import io.quarkus.flyway.FlywayDataSource;
import io.omniforge.observability.Correlation;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.flywaydb.core.Flyway;
import org.jboss.logging.Logger;

/**
 * The bridge between Mutiny pipelines and blocking JDBC. Reads run on a small bounded pool; writes have one
 * owner, a writer thread that takes whatever has queued up and commits it in one transaction (group commit). So
 * that one failure does not fail its neighbours, a batch in which an operation fails is rolled back and run again
 * with each operation inside its own savepoint. A write's Uni completes
 * only after its transaction committed. The writer keeps its connection and the statements it prepared on it
 * ({@link StatementCache}). Results are delivered back on the caller's Vert.x context, so no
 * pipeline ever continues on a store thread, and no JDBC ever runs on an event loop.
 *
 * <p>The database is the datasource named after {@code omniforge.store.kind}: {@code sqlite} or {@code postgresql}.
 * On PostgreSQL several processes write at once; the group commit stays (it is still one transaction per batch), and
 * a batch that loses a deadlock or a serialization check is run again whole, so that its operations keep their order.
 */
@Startup
@ApplicationScoped
public class Db {

    private static final Logger LOG = Logger.getLogger(Db.class);

    private final AgroalDataSource dataSource;
    private final Flyway flyway;
    private final StoreConfig config;
    private final StoreKind kind;
    private BlockingQueue<WriteOp<?>> writes;
    private ExecutorService readers;
    private Thread writer;
    /** Only the writer thread touches it, and {@link #writerLastUsed} (System.nanoTime()). */
    private StatementCache writerConnection;
    private long writerLastUsed;
    /**
     * A writer's connection idle for this long goes back to the pool before the next batch, and a fresh one is
     * taken: a connection kept for hours may have been dropped by the server or the network (PostgreSQL), and the pool
     * checks and renews the connections it holds.
     */
    static final long WRITER_IDLE_NANOS = TimeUnit.SECONDS.toNanos(60);
    private volatile long writerIdleNanos = WRITER_IDLE_NANOS;
    /** Connections the writer has taken from the pool so far. */
    private final java.util.concurrent.atomic.AtomicLong writerConnections = new java.util.concurrent.atomic.AtomicLong();
    private volatile boolean running;

    /** Operations per committed batch, and how long a batch takes from its first statement to its commit. */
    private final io.micrometer.core.instrument.DistributionSummary batchSize;
    private final io.micrometer.core.instrument.Timer batchTime;

    public Db(@Any Instance<AgroalDataSource> dataSources, @Any Instance<Flyway> flyways, StoreConfig config,
            io.micrometer.core.instrument.MeterRegistry meters) {
        this.config = config;
        this.batchSize = io.micrometer.core.instrument.DistributionSummary.builder("omniforge.store.write.batch")
                .description("Write operations committed together in one transaction (group commit)")
                .register(meters);
        this.batchTime = io.micrometer.core.instrument.Timer.builder("omniforge.store.write.commit")
                .description("Time to run and commit one batch of write operations").register(meters);
        this.kind = config.kind();
        String name = kind.datasource();
        try {
            this.dataSource = dataSources.select(new DataSource.DataSourceLiteral(name)).get();
            this.flyway = flyways.select(FlywayDataSource.FlywayDataSourceLiteral.of(name)).get();
        } catch (RuntimeException e) {
            throw new IllegalStateException("omniforge.store.kind is " + name + ", but its datasource is not usable"
                    + (kind == StoreKind.POSTGRESQL ? " (set quarkus.datasource.postgresql.jdbc.url, username and password)"
                    : "") + ": " + e.getMessage(), e);
        }
    }

    /** Which database this is. */
    public StoreKind kind() {
        return kind;
    }

    @PostConstruct
    void start() {
        config.sqliteFile().filter(file -> kind == StoreKind.SQLITE).ifPresent(file -> {
            Path parent = Path.of(file).toAbsolutePath().getParent();
            try {
                Files.createDirectories(parent);
            } catch (IOException e) {
                throw new IllegalStateException("cannot create the directory of the SQLite file " + file + ": " + e, e);
            }
        });
        flyway.migrate();
        writes = new ArrayBlockingQueue<>(config.writeQueueCapacity());
        AtomicInteger n = new AtomicInteger();
        readers = new ThreadPoolExecutor(config.readThreads(), config.readThreads(), 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(config.readQueueCapacity()),
                r -> {
                    Thread t = new Thread(r, "omniforge-db-reader-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        running = true;
        writer = new Thread(this::writeLoop, "omniforge-db-writer");
        writer.setDaemon(true);
        writer.start();
        LOG.infof("store ready (%s)", kind == StoreKind.SQLITE
                ? config.sqliteFile().map(f -> "SQLite file " + Path.of(f).toAbsolutePath()).orElse("SQLite")
                : "PostgreSQL " + redacted(dataSource.getConfiguration().connectionPoolConfiguration()
                        .connectionFactoryConfiguration().jdbcUrl()));
    }

    void stop(@Observes ShutdownEvent event) {
        close();
    }

    /** Stops taking work, lets the writer commit what was acknowledged to the queue, then stops. */
    synchronized void close() {
        if (!running) {
            return;
        }
        running = false;
        writer.interrupt();
        try {
            writer.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        readers.shutdown();
    }

    /** Runs a read on a reader thread. */
    public <T> Uni<T> read(SqlWork<T> work) {
        return Uni.createFrom().emitter(emitter -> {
            Context caller = Vertx.currentContext();
            try {
                readers.execute(Correlation.wrap(() -> {
                    try (Connection c = dataSource.getConnection()) {
                        T result = work.apply(c);
                        deliver(caller, () -> emitter.complete(result));
                    } catch (Throwable t) {
                        deliver(caller, () -> emitter.fail(wrap(t)));
                    }
                }));
            } catch (RejectedExecutionException e) {
                emitter.fail(new StoreException("store overloaded: too many reads waiting", e));
            }
        });
    }

    /** Queues a write for the writer; the Uni completes once its transaction has committed. */
    public <T> Uni<T> write(SqlWork<T> work) {
        return write(null, work);
    }

    /**
     * {@link #write(SqlWork)} with the log correlation the writer restores while it runs {@code work} (null: the
     * caller's, captured now); a caller that keeps its correlation at hand saves capturing it for every write.
     */
    public <T> Uni<T> write(Map<String, String> correlation, SqlWork<T> work) {
        return Uni.createFrom().emitter(emitter -> {
            Context caller = Vertx.currentContext();
            if (!running) {
                emitter.fail(new StoreException("store is closed", null));
                return;
            }
            WriteOp<T> op = new WriteOp<>(work, correlation != null ? correlation : Correlation.capture(), caller,
                    result -> deliver(caller, () -> emitter.complete(result)),
                    failure -> deliver(caller, () -> emitter.fail(failure)));
            if (!writes.offer(op)) {
                emitter.fail(new StoreException("store overloaded: " + config.writeQueueCapacity()
                        + " writes are already waiting", null));
            } else if (!running && writes.remove(op)) {
                // Closed between the check and the offer, and the writer did not take it: it never will.
                emitter.fail(new StoreException("store is closed", null));
            }
        });
    }

    private static void deliver(Context caller, Runnable action) {
        if (caller != null) {
            caller.runOnContext(v -> action.run());
        } else {
            action.run();
        }
    }

    /** The JDBC URL without its query, which may hold a password. */
    private static String redacted(String url) {
        int query = url == null ? -1 : url.indexOf('?');
        return query < 0 ? String.valueOf(url) : url.substring(0, query);
    }

    private static Throwable wrap(Throwable t) {
        if (t instanceof SQLException) {
            return new StoreException("database error: " + t.getMessage(), t);
        }
        return t;
    }

    private void writeLoop() {
        List<WriteOp<?>> batch = new ArrayList<>(config.maxBatch());
        while (running || !writes.isEmpty()) {
            try {
                WriteOp<?> first = running ? writes.take() : writes.poll();
                if (first == null) {
                    break;
                }
                batch.add(first);
                writes.drainTo(batch, config.maxBatch() - 1);
            } catch (InterruptedException e) {
                continue; // close() interrupts; the loop drains what is left
            }
            commit(batch);
            batch.clear();
        }
        if (writerConnection != null) {
            writerConnection.close();
            writerConnection = null;
        }
    }

    private void commit(List<WriteOp<?>> batch) {
        boolean savepoints = false; // an operation that fails on its own is rare: try without them first
        for (int attempt = 1;; attempt++) {
            List<Runnable> outcomes;
            try {
                outcomes = runBatch(batch, savepoints);
            } catch (OperationFailed e) {
                // Rolled back: the batch runs again with each operation in its own savepoint, so that only the
                // operation that failed fails. Not a retry of the batch: the attempt is not counted.
                savepoints = true;
                attempt--;
                continue;
            } catch (SQLException | RuntimeException e) {
                if (attempt <= config.writeRetries() && transientFailure(e)) {
                    LOG.debugf("a write batch of %d lost to a concurrent transaction (%s); running it again", batch.size(),
                            e.getMessage());
                    backOff(attempt);
                    continue;
                }
                LOG.error("a write batch failed and was rolled back", e);
                StoreException failure = new StoreException("database write failed: " + e.getMessage(), e);
                batch.forEach(op -> op.report(() -> op.onFailure.accept(failure)).run());
                return;
            }
            outcomes.forEach(Runnable::run);
            return;
        }
    }

    /**
     * One transaction for the whole batch. Without {@code savepoints}, the first operation that fails on its own
     * rolls the whole batch back ({@link OperationFailed}); with them, each operation runs in its own savepoint and
     * fails alone. Savepoints cost two statements per operation, so they are only used for a batch that needs them.
     */
    private List<Runnable> runBatch(List<WriteOp<?>> batch, boolean savepoints) throws SQLException {
        long start = System.nanoTime();
        List<Runnable> outcomes = new ArrayList<>(batch.size());
        StatementCache writing = writerConnection();
        Connection c = writing.unwrapped();
        boolean healthy = false;
        try {
            c.setAutoCommit(false);
            try {
                for (WriteOp<?> op : batch) {
                    outcomes.add(op.runIn(writing.connection(), savepoints));
                }
                c.commit();
                batchTime.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                batchSize.record(batch.size());
            } catch (OperationFailed e) {
                safeRollback(c);
                healthy = true; // the connection is fine: an operation failed
                throw e;
            } catch (SQLException | RuntimeException e) {
                safeRollback(c);
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
            healthy = true;
        } finally {
            if (!healthy) {
                // A failure of the whole batch may be the connection's own (a PostgreSQL restart): the next batch
                // starts on a new one.
                writerConnection = null;
                writing.close();
            }
        }
        return outcomes;
    }

    /** The connection the writer keeps, with its prepared statements; taken from the pool when there is none. */
    private StatementCache writerConnection() throws SQLException {
        long now = System.nanoTime();
        if (writerConnection != null && now - writerLastUsed > writerIdleNanos) {
            writerConnection.close();
            writerConnection = null;
        }
        writerLastUsed = now;
        if (writerConnection == null) {
            writerConnection = new StatementCache(dataSource.getConnection());
            writerConnections.incrementAndGet();
        }
        return writerConnection;
    }

    /** For tests: how long the writer keeps an idle connection, in nanoseconds. */
    void writerIdle(long nanos) {
        writerIdleNanos = nanos;
    }

    /** For tests: connections the writer has taken from the pool so far. */
    long writerConnections() {
        return writerConnections.get();
    }

    /**
     * PostgreSQL aborted the statement because of another transaction (a deadlock between two processes' batches,
     * or a serialization failure): the same batch succeeds when run again in a new transaction. Retrying only the
     * operation inside the batch would not do: the batch still holds the locks the other transaction waits for.
     */
    static boolean transientFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && ("40001".equals(sql.getSQLState()) || "40P01".equals(sql.getSQLState()))) {
                return true;
            }
        }
        return false;
    }

    /** Only ever called on the writer thread (from {@link #commit}): never on an event loop. */
    private static void backOff(int attempt) {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(5, 25L * attempt));
        } catch (InterruptedException e) {
            // close() interrupts to wake the writer: retry at once. The flag stays cleared, as in writeLoop, so that
            // the retry's getConnection is not refused.
        }
    }

    private static void safeRollback(Connection c) {
        try {
            c.rollback();
        } catch (SQLException e) {
            LOG.warn("rollback failed", e);
        }
    }

    /** An operation of a batch run without savepoints failed on its own: the batch is rolled back and run again. */
    private static final class OperationFailed extends RuntimeException {
        OperationFailed(Throwable cause) {
            super(cause.getMessage(), cause, false, false);
        }
    }

    private static final class WriteOp<T> {
        final SqlWork<T> work;
        final Consumer<T> onSuccess;
        final Consumer<Throwable> onFailure;
        /** The log correlation of whoever queued this write, restored while the writer runs it. */
        final Map<String, String> correlation;
        /**
         * The outcome is reported on the caller's Vert.x context, which has the caller's correlation already; without
         * one, it is reported on the writer, which then restores the correlation around it.
         */
        final boolean reportedHere;

        WriteOp(SqlWork<T> work, Map<String, String> correlation, Context caller, Consumer<T> onSuccess,
                Consumer<Throwable> onFailure) {
            this.work = work;
            this.correlation = correlation;
            this.reportedHere = caller == null;
            this.onSuccess = onSuccess;
            this.onFailure = onFailure;
        }

        private Runnable report(Runnable outcome) {
            return reportedHere ? Correlation.wrap(correlation, outcome) : outcome;
        }

        /**
         * Runs the operation (inside a savepoint if {@code inSavepoint}); returns what to report once the whole batch
         * committed. Without a savepoint, a failure of its own is thrown as {@link OperationFailed}.
         */
        Runnable runIn(Connection c, boolean inSavepoint) throws SQLException {
            Savepoint savepoint = inSavepoint ? c.setSavepoint() : null;
            try (Correlation.Scope ignored = Correlation.open(correlation)) {
                T result = work.apply(c);
                if (savepoint != null) {
                    c.releaseSavepoint(savepoint);
                }
                return report(() -> onSuccess.accept(result));
            } catch (SQLException | RuntimeException e) {
                if (transientFailure(e)) {
                    throw e; // the whole batch runs again
                }
                if (savepoint == null) {
                    throw new OperationFailed(e);
                }
                c.rollback(savepoint);
                Throwable failure = wrap(e);
                return report(() -> onFailure.accept(failure));
            }
        }
    }
}
