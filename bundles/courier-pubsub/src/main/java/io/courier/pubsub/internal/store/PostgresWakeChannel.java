package io.courier.pubsub.internal.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongConsumer;

import javax.sql.DataSource;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link WakeChannel} on PostgreSQL's LISTEN/NOTIFY: a node tells the others with {@code pg_notify} on the
 * channel {@value #CHANNEL}, and listens to it on a connection of the pool it keeps for that. A notification's
 * payload is the sender's incarnation and the subscriptions' ids ({@code "<incarnation> 12,15"}); a node ignores
 * its own. Wake-ups asked for while one is being sent are sent together, in one statement, by one thread: a burst
 * of publishes costs a few notifications, not one each. A listening connection that fails is given back closed, and
 * another one listens a second later.
 */
final class PostgresWakeChannel implements WakeChannel {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresWakeChannel.class);

    static final String CHANNEL = "courier_wake";
    /** PostgreSQL refuses a payload of 8,000 bytes or more; ids are ASCII. */
    static final int MAX_PAYLOAD = 7_900;
    /** How long the listener waits for notifications before it checks whether the channel closed. */
    private static final int POLL_MS = 500;
    /**
     * Every this many polls the listener asks the server something: waiting for notifications sends nothing, so a
     * connection that died silently (a firewall's timeout, a network cut) would otherwise look alive for ever.
     */
    private static final int POLLS_PER_CHECK = 20;
    private static final int CHECK_TIMEOUT_S = 5;
    private static final long RELISTEN_MS = 1_000;

    private final DataSource pool;
    private final String incarnation;
    private final LongConsumer wakeHere;
    private final Set<Long> pending = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean sending = new AtomicBoolean();
    private final ExecutorService sender = Executors.newSingleThreadExecutor(r -> daemon(r, "courier-wake-sender"));
    private final Thread listener;
    private volatile boolean closed;

    PostgresWakeChannel(DataSource pool, String incarnation, LongConsumer wakeHere) {
        this.pool = pool;
        this.incarnation = incarnation;
        this.wakeHere = wakeHere;
        this.listener = daemon(this::listen, "courier-wake-listener");
        listener.start();
    }

    @Override
    public void wakeOthers(long subscriptionId) {
        if (pending.add(subscriptionId) && sending.compareAndSet(false, true) && !closed) {
            sender.execute(this::send);
        }
    }

    /** Sends every wake-up asked for so far. */
    private void send() {
        sending.set(false); // a wake-up asked for from now on is sent by the next run
        List<Long> ids = new ArrayList<>(pending);
        pending.removeAll(ids);
        if (ids.isEmpty() || closed) {
            return;
        }
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT pg_notify(?, ?)")) {
            for (String payload : payloads(incarnation, ids)) {
                ps.setString(1, CHANNEL);
                ps.setString(2, payload);
                ps.execute();
            }
        } catch (SQLException e) {
            LOG.debug("Could not wake the other nodes for subscriptions {} (their sweep finds the work): {}", ids,
                    e.toString());
        }
    }

    /** The payloads that carry these ids, each under PostgreSQL's limit. */
    static List<String> payloads(String incarnation, List<Long> ids) {
        List<String> payloads = new ArrayList<>();
        StringBuilder payload = new StringBuilder();
        for (long id : ids) {
            String next = Long.toString(id);
            if (payload.length() > 0 && payload.length() + 1 + next.length() > MAX_PAYLOAD) {
                payloads.add(payload.toString());
                payload.setLength(0);
            }
            payload.append(payload.length() == 0 ? incarnation + " " : ",").append(next);
        }
        if (payload.length() > 0) {
            payloads.add(payload.toString());
        }
        return payloads;
    }

    /** Listens until closed, on a connection of the pool, a new one after a failure. */
    private void listen() {
        boolean failed = false;
        while (!closed) {
            try (Connection c = pool.getConnection()) {
                PGConnection pg = c.unwrap(PGConnection.class);
                try {
                    try (Statement st = c.createStatement()) {
                        st.execute("LISTEN " + CHANNEL);
                    }
                    if (failed) {
                        LOG.info("Listening again for the other nodes' wake-ups");
                        failed = false;
                    }
                    for (int polls = 1; !closed; polls++) {
                        PGNotification[] received = pg.getNotifications(POLL_MS);
                        if (received != null) {
                            for (PGNotification n : received) {
                                received(n.getParameter());
                            }
                        }
                        if (polls % POLLS_PER_CHECK == 0) {
                            check(c);
                        }
                    }
                } finally {
                    // never back in the pool still listening: its notifications would pile up in the server
                    ((Connection) pg).close();
                }
            } catch (SQLException | RuntimeException | LinkageError e) {
                if (!closed && !failed) {
                    LOG.info("Not listening for the other nodes' wake-ups (their work is found by the sweep meanwhile):"
                            + " {}", e.toString());
                    failed = true;
                }
            }
            sleep(RELISTEN_MS);
        }
    }

    /** Asks the server something on the listening connection: fails if it no longer answers. */
    private static void check(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.setQueryTimeout(CHECK_TIMEOUT_S);
            st.execute("SELECT 1");
        }
    }

    /** A notification's payload: wakes here the subscriptions another node named. */
    void received(String payload) {
        int space = payload.indexOf(' ');
        if (space < 0 || payload.substring(0, space).equals(incarnation)) {
            return;
        }
        for (String id : payload.substring(space + 1).split(",")) {
            try {
                wakeHere.accept(Long.parseLong(id));
            } catch (RuntimeException e) {
                LOG.debug("Ignored a wake-up of subscription '{}': {}", id, e.toString());
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        sender.shutdownNow();
        listener.interrupt();
        try {
            listener.join(POLL_MS * 4L);
            sender.awaitTermination(POLL_MS * 4L, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            // closed: the loop ends
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
