package io.courier.pubsub.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import io.courier.core.Json;
import io.courier.pubsub.Latency;
import io.courier.pubsub.NodeStats;
import io.courier.pubsub.ServiceStats;

/**
 * Counts, per service, what pub/sub did since it started: messages stored for it, delivered, failed attempts
 * and dead letters, each with its rate over the last minute, and the last minute's times from publish to the end of
 * {@code handle}. Kept in memory: a restart starts from zero, the
 * store keeps the queues themselves.
 */
final class Metrics {

    private final Instant since;
    private final Map<String, Counters> services = new ConcurrentHashMap<>();

    Metrics(Instant since) {
        this.since = since;
    }

    Instant since() {
        return since;
    }

    void published(String service, int n) {
        counters(service).published.add(n);
    }

    void delivered(String service, int n) {
        counters(service).delivered.add(n);
    }

    void failed(String service, int n) {
        counters(service).failed.add(n);
    }

    void dead(String service, int n) {
        counters(service).dead.add(n);
    }

    /** A delivery that ended its {@code handle} now, published at the time given (the publishing node's clock). */
    void handled(String service, long publishedAtMs, long nowMs) {
        counters(service).latencies.add(Math.max(0, nowMs - publishedAtMs), nowMs);
    }

    /** The services counted so far, sorted by name. */
    List<ServiceStats> stats(long nowMs) {
        List<ServiceStats> list = new ArrayList<>();
        services.forEach((name, c) -> list.add(new ServiceStats(name, c.published.total(), c.delivered.total(),
                c.failed.total(), c.dead.total(), c.published.perSecond(nowMs), c.delivered.perSecond(nowMs),
                c.failed.perSecond(nowMs), c.latencies.lastMinute(nowMs))));
        list.sort((a, b) -> a.service().compareTo(b.service()));
        return list;
    }

    /** These figures as the heartbeat writes them for the other nodes to read ({@link #read}): JSON. */
    String snapshot(long nowMs) {
        return Json.write(new Snapshot(since.toEpochMilli(), stats(nowMs), nowMs));
    }

    /** The figures a node's heartbeat wrote ({@link #snapshot}). */
    static NodeStats read(String node, String snapshot) {
        Snapshot s = Json.read(snapshot, Snapshot.class);
        return new NodeStats(node, Instant.ofEpochMilli(s.since()), s.services() == null ? List.of() : s.services(),
                s.at() == null ? null : Instant.ofEpochMilli(s.at()));
    }

    /** The stored form of a node's figures; {@code at} null from an earlier build. */
    record Snapshot(long since, List<ServiceStats> services, Long at) {
    }

    private Counters counters(String service) {
        return services.computeIfAbsent(service, k -> new Counters());
    }

    private static final class Counters {
        final Counter published = new Counter();
        final Counter delivered = new Counter();
        final Counter failed = new Counter();
        final Counter dead = new Counter();
        final Latencies latencies = new Latencies();
    }

    /** The times of the last minute, as {@link Latency} buckets, in six slots of 10 seconds. */
    static final class Latencies {

        static final int SLOTS = 6;
        static final long SLOT_MS = 10_000;

        private final long[][] counts = new long[SLOTS][];
        private final long[] slotOf = new long[SLOTS];

        synchronized void add(long ms, long nowMs) {
            long slot = nowMs / SLOT_MS;
            int i = (int) (slot % SLOTS);
            if (counts[i] == null) {
                counts[i] = new long[Latency.buckets()];
            }
            if (slotOf[i] != slot) {
                slotOf[i] = slot;
                Arrays.fill(counts[i], 0);
            }
            counts[i][Latency.bucket(ms)]++;
        }

        /** The slots of the last minute: the current one and the five before. */
        synchronized Latency lastMinute(long nowMs) {
            long current = nowMs / SLOT_MS;
            long[] sum = new long[Latency.buckets()];
            boolean any = false;
            for (int i = 0; i < SLOTS; i++) {
                if (counts[i] != null && current - slotOf[i] < SLOTS) {
                    any = true;
                    for (int b = 0; b < sum.length; b++) {
                        sum[b] += counts[i][b];
                    }
                }
            }
            return any ? new Latency(Arrays.stream(sum).boxed().toList()) : Latency.NONE;
        }
    }

    /** A total and the counts of the last 60 seconds, one slot per second. */
    static final class Counter {

        static final int WINDOW_SECONDS = 60;

        private final LongAdder total = new LongAdder();
        private final long[] counts = new long[WINDOW_SECONDS];
        private final long[] seconds = new long[WINDOW_SECONDS];

        void add(int n) {
            add(n, System.currentTimeMillis());
        }

        void add(int n, long nowMs) {
            if (n <= 0) {
                return;
            }
            total.add(n);
            long second = nowMs / 1000;
            int slot = (int) (second % WINDOW_SECONDS);
            synchronized (this) {
                if (seconds[slot] != second) {
                    seconds[slot] = second;
                    counts[slot] = 0;
                }
                counts[slot] += n;
            }
        }

        long total() {
            return total.sum();
        }

        /** The average rate over the last full minute (the current second not yet included). */
        synchronized double perSecond(long nowMs) {
            long current = nowMs / 1000;
            long sum = 0;
            for (int i = 0; i < WINDOW_SECONDS; i++) {
                long age = current - seconds[i];
                if (age >= 1 && age <= WINDOW_SECONDS) {
                    sum += counts[i];
                }
            }
            return sum / (double) WINDOW_SECONDS;
        }
    }
}
