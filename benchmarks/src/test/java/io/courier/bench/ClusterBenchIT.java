package io.courier.bench;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.Test;

import io.courier.testing.karaf.KarafProcess;
import io.courier.testing.karaf.PostgresDatabase;
import io.courier.testing.postgresql.PostgresServer;

/**
 * Courier as a cluster: nodes of the built distribution started as processes, as a user starts them, on one database
 * of the harness's PostgreSQL server (the server {@link PostgresBaselineIT} measures in the same run), each with the
 * test services deployed. Figures named {@code cluster.*}:
 * <ul>
 * <li>{@code cluster.e2e.n1}, {@code .n2}, {@code .n3}: messages delivered per second by all nodes together while
 * every node publishes with 8 threads ({@code itest.flood}) to a service registered on every node ({@code itest.sink},
 * which only counts), in windows of {@link #WINDOW_MS}; with the CPU each process spent per message (from /proc):
 * every node's JVM together ({@code .cpu.jvm}) and the PostgreSQL server ({@code .cpu.pg}). The nodes are started one
 * after the other on the same database, the queue drained between the figures.</li>
 * <li>{@code cluster.takeover}: with three nodes, one killed with SIGKILL while it holds a message inside
 * {@code handle} ({@code itest.recorder}): the milliseconds from the kill until the last of the messages it had
 * claimed was delivered by another node; once per kill, the node started again in between. Lease and heartbeat
 * are the defaults (10 s, 1 s).</li>
 * <li>{@code cluster.crossNode}: publish-to-handle latency (p50, p99, max) of 200 messages published one after the
 * other through the shell of a node on which the service is not registered, delivered by the one node on which it
 * is (its sweep set to once a minute: only the wake-up by NOTIFY brings them at once).</li>
 * </ul>
 */
public class ClusterBenchIT {

    private static final int MAX_NODES = 3;
    private static final int PUBLISHERS = 8;
    private static final long WINDOW_MS = Bench.QUICK ? 5_000 : 10_000;
    private static final long WARM_UP_MS = Bench.QUICK ? 5_000 : 15_000;
    private static final int KILLS = Bench.QUICK ? 2 : 5;
    private static final int CROSS_NODE_MESSAGES = 200;
    private static final Pattern COUNT = Pattern.compile("\"(\\w+)\" : (\\d+)");

    @Test
    public void scenarios() throws Exception {
        if (!Bench.selected("cluster")) {
            return;
        }
        PostgresServer server = PostgresServer.shared();
        PostgresDatabase database = PostgresDatabase.create(server, "cluster_bench");
        List<KarafProcess> nodes = new ArrayList<>();
        try {
            for (int n = 1; n <= MAX_NODES; n++) {
                nodes.add(startNode(n, database));
                endToEnd(nodes, server.pid());
            }
            takeover(nodes);
            crossNode(nodes);
        } finally {
            for (KarafProcess node : nodes) {
                node.close();
            }
        }
    }

    /** A node named node-{@code n} on the database, started, its test services registered. */
    private static KarafProcess startNode(int n, PostgresDatabase database) throws Exception {
        KarafProcess node = KarafProcess.withTestServices("cluster-bench-" + n);
        node.usePostgres(database);
        node.environment("COURIER_NODE", "node-" + n);
        try {
            node.start();
            awaitTestServices(node);
        } catch (Exception | AssertionError e) {
            node.close(); // not yet among the nodes the scenario ends
            throw e;
        }
        return node;
    }

    private static void awaitTestServices(KarafProcess node) {
        await("the test services on " + node.home()).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                .until(() -> {
                    String services = node.client("courier:services --no-format");
                    return services.contains("itest.sink") && services.contains("itest.flood")
                            && services.contains("itest.recorder") && services.contains("itest.publisher");
                });
    }

    /**
     * Every node floods for the warm-up and the rounds; the rate of each round is the sum over the nodes of what
     * each one's sink counted over the window, by the sink's own clock. Then the floods end and the queue drains.
     */
    private static void endToEnd(List<KarafProcess> nodes, long pgPid) throws Exception {
        int n = nodes.size();
        // each window also waits for a bin/client per node, seconds on a busy machine: the floods outlast them all
        long floodMs = WARM_UP_MS + Bench.ROUNDS * (WINDOW_MS + 10_000) + 20_000;
        for (KarafProcess node : nodes) {
            String out = node.client("courier:invoke itest.flood '{\"threads\":" + PUBLISHERS + ",\"ms\":" + floodMs
                    + "}'");
            assertTrue(out, out.contains("\"started\" : " + PUBLISHERS));
        }
        Thread.sleep(WARM_UP_MS);
        ExecutorService readers = Executors.newFixedThreadPool(n);
        try {
            List<long[]> before = sinks(nodes, readers);
            long jvm0 = jvmMicros(nodes);
            long pg0 = CpuTime.serverMicros(pgPid);
            long delivered0 = delivered(before);
            double[] rates = new double[Bench.ROUNDS];
            for (int r = 0; r < Bench.ROUNDS; r++) {
                Thread.sleep(WINDOW_MS);
                List<long[]> after = sinks(nodes, readers);
                double rate = 0;
                for (int i = 0; i < n; i++) {
                    rate += (after.get(i)[0] - before.get(i)[0]) * 1000.0 / (after.get(i)[1] - before.get(i)[1]);
                }
                rates[r] = rate;
                before = after;
            }
            assertEquals("publishers still publishing at the end of the last window (else it measured a drain)",
                    n * PUBLISHERS, floodsRunning(nodes));
            long messages = delivered(before) - delivered0;
            String key = "cluster.e2e.n" + n;
            Bench.record(key, "msg/s", rates);
            Bench.record(key + ".cpu.jvm", "µs/msg", (jvmMicros(nodes) - jvm0) / (double) messages);
            Bench.record(key + ".cpu.pg", "µs/msg", (CpuTime.serverMicros(pgPid) - pg0) / (double) messages);

            await("the floods of " + n + " nodes over").atMost(Duration.ofMillis(floodMs + 30_000))
                    .pollInterval(Duration.ofSeconds(2)).until(() -> floodsRunning(nodes) == 0);
            long published = 0;
            for (KarafProcess node : nodes) {
                published += count(node.client("courier:invoke itest.flood '{\"published\":true}'"), "published");
            }
            long expected = published;
            await("the queue drained: every published message delivered").atMost(Duration.ofMinutes(5))
                    .pollInterval(Duration.ofSeconds(2)).until(() -> delivered(sinks(nodes, readers)) >= expected);
            System.out.printf(Locale.ROOT, "BENCH cluster of %d: %d published in all, %d delivered%n", n, expected,
                    delivered(sinks(nodes, readers)));
        } finally {
            readers.shutdownNow();
        }
    }

    /** Each node's sink: {delivered, atMs}, read on every node at once. */
    private static List<long[]> sinks(List<KarafProcess> nodes, ExecutorService readers) throws Exception {
        List<Future<long[]>> reads = new ArrayList<>();
        for (KarafProcess node : nodes) {
            reads.add(readers.submit(() -> {
                String out = node.client("courier:invoke itest.sink");
                return new long[] { count(out, "delivered"), count(out, "atMs") };
            }));
        }
        List<long[]> counts = new ArrayList<>();
        for (Future<long[]> read : reads) {
            counts.add(read.get());
        }
        return counts;
    }

    private static long delivered(List<long[]> sinks) {
        return sinks.stream().mapToLong(s -> s[0]).sum();
    }

    private static long floodsRunning(List<KarafProcess> nodes) throws Exception {
        long running = 0;
        for (KarafProcess node : nodes) {
            running += count(node.client("courier:invoke itest.flood '{\"published\":true}'"), "running");
        }
        return running;
    }

    private static long jvmMicros(List<KarafProcess> nodes) {
        return nodes.stream().mapToLong(node -> CpuTime.ownMicros(node.pid())).sum();
    }

    /** A number of a service's answer as courier:invoke prints it ({@code "name" : 123}). */
    private static long count(String out, String name) {
        Matcher m = COUNT.matcher(out);
        while (m.find()) {
            if (m.group(1).equals(name)) {
                return Long.parseLong(m.group(2));
            }
        }
        throw new IllegalStateException("No \"" + name + "\" in: " + out);
    }

    /**
     * The last node holds a message inside {@code handle} and the batch it claimed with it; killed, the others
     * deliver what it held once its heartbeat is older than the lease. Timed from the kill until every message
     * acknowledged was delivered, by the harness's polling of the nodes' delivered.log every 50 ms.
     */
    private static void takeover(List<KarafProcess> nodes) throws Exception {
        KarafProcess first = nodes.get(0);
        KarafProcess victim = nodes.get(nodes.size() - 1);
        double[] takeoverMs = new double[KILLS];
        for (int k = 0, attempt = 1; k < KILLS; attempt++) {
            assertTrue("the killed node held nothing in " + attempt + " attempts", attempt <= 3 * KILLS);
            for (KarafProcess node : nodes) {
                assertTrue(node.client("courier:invoke itest.recorder '{\"delayMs\":10}'").contains("delayMs"));
            }
            assertTrue(victim.client("courier:invoke itest.recorder '{\"holdAfter\":0}'").contains("holdingAfter"));
            Set<String> before = new HashSet<>(KarafProcess.lines(acked(first)));
            String out = first.client("courier:invoke itest.publisher '{\"count\":200}'");
            assertTrue(out, out.contains("\"published\" : 200"));
            List<String> acked = KarafProcess.lines(acked(first)).stream().filter(id -> !before.contains(id)).toList();
            // the others deliver all they can; what stays missing is what the victim holds
            AtomicInteger lastMissing = new AtomicInteger(-1);
            AtomicLong stableSince = new AtomicLong(System.nanoTime());
            await("the victim holding its claims, the others done").atMost(Duration.ofMinutes(1))
                    .pollInterval(Duration.ofMillis(200)).until(() -> {
                        int missing = KarafProcess.missing(acked, deliveredIds(nodes)).size();
                        if (missing != lastMissing.getAndSet(missing)) {
                            stableSince.set(System.nanoTime());
                        }
                        return System.nanoTime() - stableSince.get() > 2_000_000_000L;
                    });
            int held = lastMissing.get();
            if (held == 0) { // the others took every message this time: the victim holds nothing to take over
                continue;
            }
            victim.kill9();
            long killed = System.nanoTime();
            await("what the killed node held, delivered by the others").atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> KarafProcess.missing(acked, deliveredIds(nodes)).isEmpty());
            takeoverMs[k] = (System.nanoTime() - killed) / 1e6;
            System.out.printf(Locale.ROOT, "BENCH takeover %d: the killed node held %d of 200, delivered by the others"
                    + " %.0f ms after the kill%n", k + 1, held, takeoverMs[k]);
            k++;
            victim.start();
            awaitTestServices(victim);
        }
        Bench.record("cluster.takeover", "ms", takeoverMs);
    }

    /** Every running node's delivered.log, together. */
    private static List<String> deliveredIds(List<KarafProcess> nodes) {
        return nodes.stream().filter(KarafProcess::running).flatMap(node -> KarafProcess.lines(
                node.data("itest/delivered.log")).stream()).collect(Collectors.toList());
    }

    private static Path acked(KarafProcess node) {
        return node.data("itest/acked.log");
    }

    /**
     * The test services stopped on every node but the first, whose sweep is set to once a minute: what the second
     * node's shell publishes to itest.recorder is delivered by the first, woken by NOTIFY.
     */
    private static void crossNode(List<KarafProcess> nodes) throws Exception {
        KarafProcess receiver = nodes.get(0);
        KarafProcess publisher = nodes.get(1);
        receiver.client("config:property-set -p io.courier.pubsub sweepIntervalMs 60000");
        await("the receiver's sweep once a minute").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500))
                .until(() -> Files.readString(receiver.data("log/karaf.log")).contains("sweepIntervalMs=60000"));
        for (KarafProcess node : nodes.subList(1, nodes.size())) {
            node.client("bundle:stop courier-itest-services");
        }
        await("itest.recorder registered on the receiver only").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500)).until(() -> publisher.client("courier:services --no-format")
                        .lines().map(l -> l.split("\\s*\t\\s*"))
                        .anyMatch(cells -> cells[0].equals("itest.recorder") && cells[cells.length - 1].equals("node-1")));
        receiver.client("courier:invoke itest.recorder '{\"delayMs\":0}'");
        receiver.client("courier:invoke itest.recorder '{\"latencies\":true}'"); // forgets the earlier ones
        String out = publisher.client(IntStream.range(0, CROSS_NODE_MESSAGES)
                .mapToObj(i -> "courier:publish itest.recorder '{\"i\":" + i + "}'").collect(Collectors.joining("\n")));
        assertEquals(out, CROSS_NODE_MESSAGES, out.lines().filter(l -> !l.isBlank()).count());
        List<Long> latencies = new ArrayList<>();
        await("the " + CROSS_NODE_MESSAGES + " handled on the receiver").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofSeconds(1)).until(() -> {
                    String reply = receiver.client("courier:invoke itest.recorder '{\"latencies\":true}'");
                    if (reply.indexOf('[') < 0) {
                        return false; // no answer this time
                    }
                    Pattern.compile("\\d+").matcher(reply.substring(reply.indexOf('['))).results()
                            .forEach(r -> latencies.add(Long.valueOf(r.group())));
                    return latencies.size() >= CROSS_NODE_MESSAGES;
                });
        double[] ms = latencies.stream().mapToDouble(Long::doubleValue).sorted().toArray();
        Bench.record("cluster.crossNode.lat50", "ms", ms[ms.length / 2]);
        Bench.record("cluster.crossNode.lat99", "ms", ms[(int) Math.ceil(ms.length * 0.99) - 1]);
        Bench.record("cluster.crossNode.latMax", "ms", ms[ms.length - 1]);
    }
}
