package io.courier.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.junit.BeforeClass;
import org.junit.Test;

import io.courier.testing.postgresql.PostgresServer;

/**
 * Baselines on PostgreSQL, plain JDBC (the PostgreSQL driver with its defaults) into a fresh database,
 * {@value #DATABASE}, of the harness JVM's private PostgreSQL server ({@link PostgresServer#shared()}, default
 * settings: fsync and synchronous_commit on), the server {@link CourierPostgresBenchIT} runs Courier on in the same
 * run:
 * <ul>
 * <li>the per-commit and batch limits, as {@link JdbcBaselineIT} measures them on HSQLDB ({@link JdbcCommits}):
 * single-row insert+commit from 1 and 8 threads, 100 rows per commit; rows per second;
 * <li>a queue in a table, as River and pgmq keep one, end to end: {@value #PUBLISHERS} publishers each inserting
 * and committing one row at a time (the 256-byte payload), {@value #CONSUMERS} consumers each claiming up to
 * {@value #BATCH} of the oldest rows at a time, each statement its own transaction. Two ways of consuming:
 * <ul>
 * <li>at least once, as Courier delivers ({@code pg.queue}): the claim gives the rows a lease ({@link #CLAIM},
 * pgmq's {@code read} with its visibility timeout), and once they are consumed the consumer deletes them
 * ({@link #DELETE}, pgmq's {@code delete}); a consumer that dies between the two leaves its rows to another once
 * the lease ends;
 * <li>at most once ({@code pg.queue.pop}): claim and delete in one statement ({@link #POP}, pgmq's {@code pop});
 * a consumer that dies after it has lost its rows.
 * </ul>
 * A consumer claims again at once after a claim that found rows, and 1 ms after one that found none. Messages
 * per second from the round's first insert to the last claim, insert-to-claim latency (the insert time travels
 * in the payload), and the CPU time this JVM (publishers and consumers) and the server spent per message.
 * </ul>
 */
public class PostgresBaselineIT {

    static final String DATABASE = "bench_baseline";
    private static final int PUBLISHERS = 8;
    private static final int CONSUMERS = 2;
    private static final int BATCH = 100;
    /**
     * pgmq's read: the oldest rows no other consumer holds nor has a lease on, locked, leased for 30 s and returned
     * in one statement.
     */
    static final String CLAIM = "WITH claimed AS (SELECT id FROM queue WHERE vt <= clock_timestamp() ORDER BY id"
            + " LIMIT " + BATCH + " FOR UPDATE SKIP LOCKED) UPDATE queue q SET vt = clock_timestamp()"
            + " + interval '30 seconds', read_ct = q.read_ct + 1 FROM claimed WHERE q.id = claimed.id"
            + " RETURNING q.message, q.id";
    /** pgmq's delete: the rows consumed, by id. */
    static final String DELETE = "DELETE FROM queue WHERE id = ANY (?)";
    /** pgmq's pop: the oldest rows no other consumer holds, locked, deleted and returned in one statement. */
    static final String POP = "DELETE FROM queue WHERE id IN (SELECT id FROM queue ORDER BY id LIMIT " + BATCH
            + " FOR UPDATE SKIP LOCKED) RETURNING message, id";
    private static final long IDLE_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long DRAIN_TIMEOUT_MS = TimeUnit.MINUTES.toMillis(5);

    private static PostgresServer server;
    private static String url;

    @BeforeClass
    public static void createDatabase() throws Exception {
        server = PostgresServer.shared();
        url = server.createDatabase(DATABASE);
        try (Connection c = connect(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE msg (id BIGINT PRIMARY KEY, msg_id VARCHAR(64) NOT NULL, data TEXT NOT NULL,"
                    + " published BIGINT NOT NULL)");
            st.execute("CREATE TABLE queue (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
                    + " enqueued_at TIMESTAMPTZ NOT NULL DEFAULT now(), vt TIMESTAMPTZ NOT NULL DEFAULT now(),"
                    + " read_ct INTEGER NOT NULL DEFAULT 0, message TEXT NOT NULL)");
            try (ResultSet rs = st.executeQuery("SELECT 'PostgreSQL ' || current_setting('server_version')"
                    + " || ', private server with default settings: fsync ' || current_setting('fsync')"
                    + " || ', synchronous_commit ' || current_setting('synchronous_commit')"
                    + " || ', wal_sync_method ' || current_setting('wal_sync_method')"
                    + " || ', shared_buffers ' || current_setting('shared_buffers')")) {
                rs.next();
                Files.writeString(Bench.dir().resolve("postgresql.txt"), rs.getString(1), StandardCharsets.UTF_8);
            }
        }
        // what the scenarios before wrote reaches the server's files now rather than during a round
        server.psql(DATABASE, "CHECKPOINT");
    }

    private static Connection connect() throws SQLException {
        return DriverManager.getConnection(url, server.user(), server.password());
    }

    @Test
    public void limitsAndQueue() throws Exception {
        Bench.settleDisk("the PostgreSQL baselines");
        JdbcCommits.measure("pg.jdbc.commit1.t1", 1, 1, PostgresBaselineIT::connect);
        JdbcCommits.measure("pg.jdbc.commit1.t8", 8, 1, PostgresBaselineIT::connect);
        JdbcCommits.measure("pg.jdbc.commit100.t1", 1, 100, PostgresBaselineIT::connect);
        queue("pg.queue.e2e.p8", true);
        queue("pg.queue.pop.e2e.p8", false);
    }

    /** The queue end to end; {@code atLeastOnce}: claim with a lease then delete, else pop. */
    private static void queue(String figure, boolean atLeastOnce) throws Exception {
        List<Connection> publishers = new ArrayList<>();
        try (Consumers consumers = new Consumers(atLeastOnce)) {
            PreparedStatement[] inserts = new PreparedStatement[PUBLISHERS];
            for (int i = 0; i < PUBLISHERS; i++) {
                Connection c = connect();
                publishers.add(c);
                c.setAutoCommit(false);
                inserts[i] = c.prepareStatement("INSERT INTO queue (message) VALUES (?)");
            }
            double[] e2e = new double[Bench.ROUNDS];
            double[] lat50 = new double[Bench.ROUNDS];
            double[] lat99 = new double[Bench.ROUNDS];
            double[][] cpu = new double[2][Bench.ROUNDS];
            for (int r = -1; r < Bench.ROUNDS; r++) {
                consumers.reset();
                AtomicLong sent = new AtomicLong();
                CpuTime spent = CpuTime.start(server.pid());
                long start = System.nanoTime();
                Load.flatOut(PUBLISHERS, Bench.ROUND_MS, null, t -> {
                    inserts[t].setString(1, Bench.payload(System.nanoTime()));
                    inserts[t].executeUpdate();
                    publishers.get(t).commit();
                    sent.incrementAndGet();
                });
                long last = consumers.await(sent.get());
                if (r >= 0) {
                    e2e[r] = sent.get() / ((last - start) / 1e9);
                    lat50[r] = consumers.latencies.percentileMs(50);
                    lat99[r] = consumers.latencies.percentileMs(99);
                    cpu[0][r] = spent.jvmSince() / (double) sent.get();
                    cpu[1][r] = spent.pgSince() / (double) sent.get();
                }
            }
            Bench.record(figure, "msgs/s", e2e);
            Bench.record(figure + ".lat50", "ms", lat50);
            Bench.record(figure + ".lat99", "ms", lat99);
            Bench.record(figure + ".cpu.jvm", "µs/msg", cpu[0]);
            Bench.record(figure + ".cpu.pg", "µs/msg", cpu[1]);
        } finally {
            for (Connection c : publishers) {
                c.close();
            }
        }
    }

    /** The consumers' threads, each with a connection of its own in autocommit: a claim is a transaction. */
    private static final class Consumers implements AutoCloseable {

        final Latencies latencies = new Latencies(4_000_000);
        private final List<Connection> connections = new ArrayList<>();
        private final List<Thread> threads = new ArrayList<>();
        private volatile boolean running = true;
        // guarded by this
        private long consumed;
        private long lastConsumedAt;
        private Exception failure;

        Consumers(boolean atLeastOnce) throws SQLException {
            try {
                for (int i = 0; i < CONSUMERS; i++) {
                    Connection c = connect();
                    connections.add(c);
                    PreparedStatement claim = c.prepareStatement(atLeastOnce ? CLAIM : POP);
                    PreparedStatement delete = atLeastOnce ? c.prepareStatement(DELETE) : null;
                    Thread t = new Thread(() -> consume(claim, delete), "bench-consumer-" + i);
                    threads.add(t);
                    t.start();
                }
            } catch (SQLException | RuntimeException e) {
                close();
                throw e;
            }
        }

        /** Claims and consumes; {@code delete}, if not null, deletes what was claimed once it is consumed. */
        private void consume(PreparedStatement claim, PreparedStatement delete) {
            try {
                List<Long> ids = new ArrayList<>(BATCH);
                while (running) {
                    ids.clear();
                    long now;
                    try (ResultSet rs = claim.executeQuery()) {
                        now = System.nanoTime();
                        while (rs.next()) {
                            latencies.add(now - Bench.sentAt(rs.getString(1)));
                            ids.add(rs.getLong(2));
                        }
                    }
                    if (ids.isEmpty()) {
                        LockSupport.parkNanos(IDLE_POLL_NANOS);
                        continue;
                    }
                    if (delete != null) {
                        delete.setArray(1, delete.getConnection().createArrayOf("bigint", ids.toArray()));
                        delete.executeUpdate();
                    }
                    consumed(ids.size(), now);
                }
            } catch (SQLException | RuntimeException e) {
                failed(e);
            }
        }

        private synchronized void consumed(int rows, long at) {
            consumed += rows;
            lastConsumedAt = at;
            notifyAll();
        }

        private synchronized void failed(Exception e) {
            failure = e;
            notifyAll();
        }

        synchronized void reset() {
            consumed = 0;
            lastConsumedAt = 0;
            latencies.clear();
        }

        /** Waits until {@code count} messages were consumed since the last reset; returns when the last one was. */
        synchronized long await(long count) throws InterruptedException {
            long deadline = System.currentTimeMillis() + DRAIN_TIMEOUT_MS;
            while (consumed < count && failure == null) {
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    throw new AssertionError("Only " + consumed + " of the " + count + " messages published were"
                            + " consumed from the queue table after " + DRAIN_TIMEOUT_MS / 1000 + " s");
                }
                wait(left);
            }
            if (failure != null) {
                throw new AssertionError("A consumer failed: " + failure, failure);
            }
            return lastConsumedAt;
        }

        @Override
        public void close() throws SQLException {
            running = false;
            for (Thread t : threads) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            for (Connection c : connections) {
                c.close();
            }
        }
    }
}
