package io.courier.pubsub.internal.cluster;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.courier.pubsub.internal.store.NodeBeat;
import io.courier.pubsub.internal.store.NodeRow;
import io.courier.pubsub.internal.store.Store;

/**
 * This node's row in the store, written every {@code heartbeatMs}: its address, the services registered on it and
 * the deliveries it has in hand; and, where nodes share the database, every {@link #STATS_EVERY_MS} when they
 * changed, its own figures (for the cluster's {@code courier:stats}). Another node is live while its heartbeat is younger than {@code leaseMs}. A name
 * already held by a live node is not taken: this node says so once and tries again with each beat, so that it
 * takes the name once the other one stops or falls silent. A beat the store fails to write is said once, until
 * one succeeds.
 */
public final class Heartbeat {

    private static final Logger LOG = LoggerFactory.getLogger(Heartbeat.class);
    /** How often at most a beat carries the node's figures: they are rates over a minute, and can be long. */
    static final long STATS_EVERY_MS = 5_000;

    private final Store store;
    private final String name;
    private final Supplier<String> address;
    private final String incarnation;
    private final Supplier<List<String>> services;
    private final IntSupplier inFlight;
    private final Supplier<String> stats;
    private final long heartbeatMs;
    private final long leaseMs;
    private final ScheduledExecutorService timer;
    /**
     * Whether nodes share the database: others may take this node's claims over (it stops claiming when its beats
     * stop), and read its figures.
     */
    private final boolean shared;
    private volatile boolean stopped;
    // written by the timer's thread only
    private volatile boolean held;
    /** When the last beat was written (System.nanoTime). */
    private volatile long beatAt;
    private String refusedBy;
    private boolean failing;
    private boolean statsFailing;
    /** The figures the last beat that carried them wrote, and when (System.nanoTime). */
    private String statsWritten;
    private long statsWrittenAt;

    public Heartbeat(Store store, String name, Supplier<String> address, Supplier<List<String>> services,
            IntSupplier inFlight, Supplier<String> stats, long heartbeatMs, long leaseMs) {
        this.store = store;
        this.incarnation = store.incarnation();
        this.shared = store.sharedByNodes();
        this.name = name;
        this.address = address;
        this.services = services;
        this.inFlight = inFlight;
        this.stats = stats;
        this.heartbeatMs = heartbeatMs;
        this.leaseMs = leaseMs;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "courier-heartbeat");
            t.setDaemon(true);
            return t;
        });
    }

    /** Writes the first beat now, on the caller's thread, the next ones every {@code heartbeatMs}. */
    public void start() {
        timer.submit(this::beat);
        timer.scheduleWithFixedDelay(this::beat, heartbeatMs, heartbeatMs, TimeUnit.MILLISECONDS);
        try {
            timer.submit(() -> { }).get(); // the first beat is done
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    public String name() {
        return name;
    }

    /**
     * Whether this node holds its name: it may then claim deliveries, which hold while its heartbeat does. Until
     * its first beat, and while another live node holds the name, it does not; where nodes share the database,
     * neither once its last beat is older than half the lease (the database unreachable, the JVM frozen): it stops
     * claiming before the others take its claims over.
     */
    public boolean held() {
        return held && (!shared || System.nanoTime() - beatAt < TimeUnit.MILLISECONDS.toNanos(leaseMs / 2));
    }

    /** Whether a node's row is this node's: its name, written by this start. */
    public boolean holds(NodeRow row) {
        return row.name().equals(name) && row.incarnation().equals(incarnation);
    }

    /** How long a silent node is taken for live. */
    public long leaseMs() {
        return leaseMs;
    }

    private void beat() {
        if (stopped) {
            return; // a beat that began before the stop must not undo the node's leave
        }
        try {
            String figures = statsDue();
            Optional<NodeRow> holder = store.beat(new NodeBeat(name, incarnation, address.get(), services.get(),
                    inFlight.getAsInt(), figures), leaseMs);
            if (figures != null && holder.isEmpty()) {
                statsWritten = figures;
                statsWrittenAt = System.nanoTime();
            } else if (holder.isPresent()) {
                statsWritten = null; // the row is another's: the beat that takes it back writes the figures
            }
            if (failing) {
                failing = false;
                LOG.info("Node '{}': its heartbeat is written again", name);
            }
            if (holder.isEmpty()) {
                beatAt = System.nanoTime();
            }
            if (holder.isEmpty() && !held) {
                held = true;
                refusedBy = null;
                LOG.info("Node '{}' ({}) is in the database's nodes (heartbeat every {} ms, lease {} ms)", name,
                        address.get(), heartbeatMs, leaseMs);
            } else if (holder.isPresent() && !holder.get().incarnation().equals(refusedBy)) {
                held = false;
                refusedBy = holder.get().incarnation();
                LOG.error("The node name '{}' is held by another running node ({}, heartbeat {} ms ago): give this"
                        + " node a name of its own (COURIER_NODE, or node in etc/io.courier.pubsub.cfg); it takes the"
                        + " name if the other one stops or is silent for {} ms", name, holder.get().address(),
                        holder.get().sinceHeartbeatMs(), leaseMs);
            }
        } catch (RuntimeException | Error e) { // an Error too: it would end the timer's task for good
            if (!failing) {
                failing = true;
                String stops = shared ? "; it delivers nothing from " + leaseMs / 2 + " ms after its last beat" : "";
                LOG.warn("Node '{}': its heartbeat could not be written: {} (said once, until it is){}", name,
                        e.toString(), stops);
            }
        }
    }

    /**
     * The node's figures if this beat is to write them: where nodes share the database, at each beat that may take
     * the row (until the node holds its name), then when changed, at most every 5 s; never where the node has the
     * database to itself (it shows its own from memory). Null if they cannot be had: said once, the beat goes on.
     */
    private String statsDue() {
        if (!shared || held && statsWritten != null
                && System.nanoTime() - statsWrittenAt < TimeUnit.MILLISECONDS.toNanos(STATS_EVERY_MS)) {
            return null;
        }
        String figures;
        try {
            figures = stats.get();
        } catch (RuntimeException | LinkageError e) { // the figures are for people to see: the beat goes on
            if (!statsFailing) {
                statsFailing = true;
                LOG.warn("Node '{}': its figures for the other nodes could not be written: {} (said once)", name,
                        e.toString());
            }
            return null;
        }
        // a beat that may take the row (the first, or one after the name was held elsewhere) writes them anyway
        return held && figures.equals(statsWritten) ? null : figures;
    }

    /** Stops beating and marks the node stopped in the store, if it held its name: its claims go to others. */
    public void stop() {
        stopBeating();
        if (held) {
            try {
                store.leave(name, incarnation);
            } catch (RuntimeException e) {
                LOG.warn("Node '{}' could not mark itself stopped ({}); the others see it silent after {} ms", name,
                        e.toString(), leaseMs);
            }
        }
    }

    /**
     * Stops beating, leaving the row as it is: for a heartbeat that another one of the same incarnation replaces
     * (its settings changed), so that this node's claims hold on.
     */
    public void stopBeating() {
        stopped = true;
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
