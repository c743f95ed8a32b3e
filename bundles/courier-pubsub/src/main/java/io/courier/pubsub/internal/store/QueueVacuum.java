package io.courier.pubsub.internal.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Vacuums the queue's tables after every {@value #EVERY} deliveries deleted (at most one every 10 s), on a thread of
 * its own, where the database needs it ({@link Dialect#vacuumQueue}). Every delivery acknowledged is a row deleted;
 * until a vacuum removes its index entry, each walk of the queue index steps over it: the fetch from the head of the
 * queue, the newest pending delivery of a drained queue, the next retry. Autovacuum looks at a database once a minute
 * ({@code autovacuum_naptime}); at a few thousand acknowledgements a second, a minute's dead entries make each fetch
 * cost milliseconds of the server's time (measured: a fetch of 100 behind 100k deleted rows read 607 pages and took
 * 2 ms; after a vacuum, a page or two). Before this, the durable benchmark on PostgreSQL run twice in one Karaf gave 8
 * publishers about half the rate the second time; with it, more.
 */
final class QueueVacuum implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(QueueVacuum.class);

    static final long EVERY = 10_000;
    /** At least this long between the end of one vacuum and the start of the next: each one reads every index. */
    static final long MIN_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final DataSource pool;
    private final String vacuum;
    private final AtomicLong deleted = new AtomicLong();
    private final AtomicBoolean running = new AtomicBoolean();
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "courier-vacuum");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong runs = new AtomicLong();
    private volatile long endedAt = System.nanoTime() - MIN_INTERVAL_NANOS;
    private volatile Statement underWay; // the VACUUM under way, to cancel at close
    private boolean failing; // vacuum thread only

    QueueVacuum(DataSource pool, String vacuum) {
        this.pool = pool;
        this.vacuum = vacuum;
    }

    /** Deliveries were deleted (committed); vacuums once enough were, unless a vacuum is still running. */
    void deleted(long count) {
        if (deleted.addAndGet(count) >= EVERY && System.nanoTime() - endedAt >= MIN_INTERVAL_NANOS
                && running.compareAndSet(false, true)) {
            deleted.set(0); // what this vacuum finds dead, it removes
            try {
                thread.execute(this::vacuum);
            } catch (RejectedExecutionException closed) {
                running.set(false);
            }
        }
    }

    /** Vacuums run so far. */
    long runs() {
        return runs.get();
    }

    private void vacuum() {
        try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
            c.setAutoCommit(true); // VACUUM runs outside any transaction
            underWay = st;
            st.execute(vacuum);
            runs.incrementAndGet();
            failing = false;
        } catch (SQLException e) {
            if (!failing) {
                failing = true;
                LOG.warn("Could not vacuum the queue's tables: {} (said once, until a vacuum succeeds; autovacuum"
                        + " still does it, later)", e.getMessage());
            }
        } finally {
            underWay = null;
            endedAt = System.nanoTime();
            running.set(false);
        }
    }

    @Override
    public void close() {
        Statement st = underWay;
        if (st != null) {
            try {
                st.cancel(); // an interrupt does not end a statement the server is running
            } catch (SQLException e) {
                // the connection is closing or closed: nothing runs on it
            }
        }
        thread.shutdownNow();
        try {
            thread.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
