package io.courier.itests;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.awaitility.core.ConditionTimeoutException;

import org.junit.Test;

import io.courier.testing.karaf.KarafProcess;
import io.courier.testing.karaf.PostgresDatabase;
import io.courier.testing.postgresql.PostgresServer;

/**
 * Three nodes of the built distribution, as processes on one PostgreSQL database, each with the test services
 * deployed, publishing to one service that every node delivers. One node is killed with SIGKILL while it holds a
 * batch of deliveries (its recorder holds a message inside {@code handle}); the other two deliver what it held once
 * its heartbeat is older than the lease (the defaults: 1 s and 10 s). Then, while every node publishes, it is
 * started again, and the two others are restarted one by one (a rolling restart). Asserts that no acknowledged
 * publish is lost and nothing stays pending; prints the duplicates (bounded by what the killed node held) and the
 * time from the kill until every acknowledged publish was delivered.
 */
public class ClusterIT {

    private static final int NODES = 3;
    private static final int PER_NODE = 300;
    /** The killed node's recorder takes this many messages, then holds the next one. */
    private static final int BEFORE_HOLD = 30;
    private static final Duration QUIET = Duration.ofSeconds(20);
    /**
     * How long nothing is delivered once the frozen node is thawed before the test counts: the batch it held, at
     * 20 ms a message, is over in 2 s.
     */
    private static final Duration THAWED_QUIET = Duration.ofSeconds(5);

    @Test
    public void aNodeKilledMidDeliveryLosesNothingAndItsDeliveriesGoToTheOthers() throws Exception {
        PostgresDatabase database = PostgresDatabase.create(PostgresServer.shared(), "cluster");
        List<KarafProcess> nodes = new ArrayList<>();
        ExecutorService publishers = Executors.newFixedThreadPool(NODES);
        try {
            // each message takes a moment: every node has some in hand when the kill comes
            startNodes(nodes, NODES, "cluster", database, 5);
            KarafProcess victim = nodes.get(NODES - 1);
            assertTrue(victim.client("courier:invoke itest.recorder '{\"holdAfter\":" + BEFORE_HOLD + "}'")
                    .contains("holdingAfter"));

            List<Future<String>> published = new ArrayList<>();
            for (KarafProcess node : nodes) {
                published.add(publishers.submit(
                        () -> node.client("courier:invoke itest.publisher '{\"count\":" + PER_NODE + "}'")));
            }
            await("the victim's recorder holding a message").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> KarafProcess.lines(delivered(victim)).size() >= BEFORE_HOLD);
            // the victim's publisher goes on meanwhile: the kill interrupts publishes too
            int ackedOnVictim = KarafProcess.lines(acked(victim)).size();
            await("the victim publishing while its recorder holds").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> KarafProcess.lines(acked(victim)).size() >= Math.min(PER_NODE, ackedOnVictim + 20));
            victim.kill9();
            long killed = System.nanoTime();
            for (int i = 0; i < NODES - 1; i++) {
                String out = published.get(i).get();
                assertTrue(out, out.contains("\"published\" : " + PER_NODE));
            }

            List<String> acked = new ArrayList<>();
            nodes.forEach(node -> acked.addAll(KarafProcess.lines(acked(node))));
            long lastDeliveryMs = (awaitDelivered(nodes, acked) - killed) / 1_000_000;

            List<String> deliveries = new ArrayList<>();
            nodes.forEach(node -> deliveries.addAll(KarafProcess.lines(delivered(node))));
            List<String> lost = KarafProcess.missing(acked, deliveries);
            List<String> duplicates = KarafProcess.repeated(deliveries);
            System.out.printf("ClusterIT: %d publishes acknowledged on %d nodes, %d delivered, %d lost, %d duplicates;"
                    + " every acknowledged one delivered about %d ms after the kill (lease 10 s)%n", acked.size(),
                    NODES, new HashSet<>(deliveries).size(), lost.size(), duplicates.size(), lastDeliveryMs);
            assertEquals("acknowledged but never delivered: " + KarafProcess.describe(lost), List.of(), lost);
            assertTrue("duplicates beyond what the killed node could hold (a batch of 100): " + duplicates.size(),
                    duplicates.size() <= 100);
            List<String> unexpected = KarafProcess.missing(new LinkedHashSet<>(deliveries), acked);
            assertTrue("delivered but not acknowledged (publishes the kill interrupted): " + unexpected.size(),
                    unexpected.size() <= 100);

            rollingRestartUnderLoad(nodes, database); // the killed node first: it rejoins under load
            await("the killed node live again, seen from node-1").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(500)).until(() -> nodes.get(0).client("courier:nodes --no-format")
                            .lines().anyMatch(l -> l.startsWith("node-" + NODES) && l.contains("\tlive")));
            for (KarafProcess node : nodes) {
                await("courier:topics showing the queue empty on every node, whichever node delivered")
                        .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1))
                        .until(() -> node.client("courier:topics --no-format").lines()
                                .filter(l -> l.startsWith("itest.recorder"))
                                .allMatch(l -> l.split("\\s*\t\\s*")[3].equals("0")));
            }
        } finally {
            publishers.shutdownNow();
            for (KarafProcess node : nodes) {
                node.close();
            }
        }
    }

    /**
     * Each node in turn stopped with {@code bin/stop} (one killed already is only started) and started again while
     * the others publish, as an upgrade node by node would: every publish acknowledged meanwhile is delivered,
     * nothing stays in the queue. Prints how long the restart took, the publishes and the duplicates.
     */
    private static void rollingRestartUnderLoad(List<KarafProcess> nodes, PostgresDatabase database)
            throws Exception {
        Set<String> before = new HashSet<>();
        nodes.forEach(node -> before.addAll(KarafProcess.lines(acked(node))));
        AtomicBoolean restarting = new AtomicBoolean(true);
        ExecutorService load = Executors.newFixedThreadPool(NODES);
        long started = System.nanoTime();
        try {
            for (KarafProcess node : nodes) {
                // each node publishes in rounds while it runs; the one stopped fails its round, which is fine:
                // what counts is what each acknowledged (its acked.log)
                load.submit(() -> {
                    while (restarting.get()) {
                        boolean published;
                        try {
                            published = node.client("courier:invoke itest.publisher '{\"count\":20}'")
                                    .contains("\"published\"");
                        } catch (IOException | RuntimeException stopped) { // not running, or stopped under the call
                            published = false;
                        }
                        if (!published) { // stopping or starting: the next round once its services answer again
                            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
                                    .until(() -> !restarting.get() || publisherAnswers(node));
                        }
                    }
                    return null;
                });
            }
            for (KarafProcess node : nodes.stream().sorted(Comparator.comparing(KarafProcess::running)).toList()) {
                node.stop();
                node.start();
            }
        } finally {
            restarting.set(false);
            load.shutdown();
            assertTrue("the publishers' rounds ended", load.awaitTermination(2, TimeUnit.MINUTES));
        }
        long restartMs = (System.nanoTime() - started) / 1_000_000;
        List<String> acked = new ArrayList<>();
        nodes.forEach(node -> acked.addAll(KarafProcess.lines(acked(node))));
        List<String> duringRestart = acked.stream().filter(id -> !before.contains(id)).toList();
        awaitDelivered(nodes, duringRestart);
        List<String> deliveries = new ArrayList<>();
        nodes.forEach(node -> deliveries.addAll(KarafProcess.lines(delivered(node))));
        List<String> lost = KarafProcess.missing(duringRestart, deliveries);
        System.out.printf("ClusterIT: rolling restart of %d nodes in %d ms under load: %d publishes acknowledged"
                + " meanwhile, %d lost, %d duplicates in all%n", NODES, restartMs, duringRestart.size(), lost.size(),
                KarafProcess.repeated(deliveries).size());
        assertTrue("publishes acknowledged during the restart: " + duringRestart.size(), duringRestart.size() > 0);
        assertEquals("acknowledged during the rolling restart but never delivered: " + KarafProcess.describe(lost),
                List.of(), lost);
        await("the queue empty").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> database.count("SELECT COUNT(*) FROM courier_delivery") == 0);
    }

    /**
     * Two nodes delivering one service; one frozen with SIGSTOP in the middle of a batch, for longer than the lease
     * (3 s here). The other delivers what it held; thawed, the frozen node finishes the call it was in and records
     * its outcome, which changes nothing (it says so in its log, printed here; the store's tests check the fencing
     * itself): every acknowledged publish delivered, the queue empty, duplicates no more than what the frozen node
     * held.
     */
    @Test
    public void aNodeFrozenPastItsLeaseDoesNotAcknowledgeWhatAnotherTookOver() throws Exception {
        PostgresDatabase database = PostgresDatabase.create(PostgresServer.shared(), "cluster_freeze");
        List<KarafProcess> nodes = new ArrayList<>();
        try {
            startNodes(nodes, 2, "cluster-freeze", database, 20, "heartbeatMs", "500", "nodeLeaseMs", "3000");
            KarafProcess other = nodes.get(0);
            KarafProcess frozen = nodes.get(1);
            String published = other.client("courier:invoke itest.publisher '{\"count\":" + PER_NODE + "}'");
            assertTrue(published, published.contains("\"published\" : " + PER_NODE));
            List<String> acked = KarafProcess.lines(acked(other));

            await("node-2 delivering").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                    .until(() -> KarafProcess.lines(delivered(frozen)).size() >= 10);
            frozen.freeze();
            int beforeThaw;
            try {
                KarafProcess.awaitIds(delivered(other), KarafProcess.missing(acked, KarafProcess.lines(
                        delivered(frozen))), QUIET, Duration.ofMinutes(2));
                beforeThaw = KarafProcess.lines(delivered(other)).size();
            } finally {
                frozen.thaw();
            }
            awaitDeliveries(nodes, THAWED_QUIET);
            // frozen in a call, node-2 finds its outcomes fenced and says so; frozen inside its commit, it held the
            // rows' locks, node-1 skipped them, and the commit goes through when thawed: nothing to say then
            boolean saidFenced = java.nio.file.Files.readString(frozen.data("log/karaf.log")).contains(
                    "changed nothing");

            List<String> deliveries = new ArrayList<>(KarafProcess.lines(delivered(other)));
            deliveries.addAll(KarafProcess.lines(delivered(frozen)));
            List<String> lost = KarafProcess.missing(acked, deliveries);
            List<String> duplicates = KarafProcess.repeated(deliveries);
            System.out.printf("ClusterIT: %d acknowledged, node-1 delivered %d before node-2 thawed, %d lost,"
                    + " %d duplicates; node-2's log saying its outcomes changed nothing: %s%n", acked.size(), beforeThaw,
                    lost.size(), duplicates.size(), saidFenced);
            assertEquals("acknowledged but never delivered: " + KarafProcess.describe(lost), List.of(), lost);
            assertTrue("duplicates beyond a batch: " + duplicates.size(), duplicates.size() <= 100);
            assertEquals("deliveries left in the queue", 0, database.count("SELECT COUNT(*) FROM courier_delivery"));
        } finally {
            for (KarafProcess node : nodes) {
                node.close();
            }
        }
    }

    /**
     * Starts {@code count} nodes named node-1, node-2... on the database, adding each to {@code nodes} (which the
     * caller closes), each unpacked (its free ports chosen) just before it starts, so that no other takes them
     * meanwhile; with these {@code io.courier.pubsub} settings (key, value...); then waits for the test services
     * on each and makes its recorder take {@code delayMs} over each message.
     */
    private static void startNodes(List<KarafProcess> nodes, int count, String folder, PostgresDatabase database,
            int delayMs, String... settings) throws Exception {
        for (int i = 1; i <= count; i++) {
            KarafProcess node = KarafProcess.withTestServices(folder + "-" + i);
            node.usePostgres(database);
            node.environment("COURIER_NODE", "node-" + i);
            for (int k = 0; k < settings.length; k += 2) {
                node.configure("io.courier.pubsub", settings[k], settings[k + 1]);
            }
            nodes.add(node);
            node.start();
        }
        for (KarafProcess node : nodes) {
            await("itest.recorder and itest.publisher registered").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofSeconds(1)).until(() -> {
                        String services = node.client("courier:services");
                        return services.contains("itest.publisher") && services.contains("itest.recorder");
                    });
            assertTrue(node.client("courier:invoke itest.recorder '{\"delayMs\":" + delayMs + "}'")
                    .contains("delayMs"));
        }
    }

    /** Whether a node runs with its test publisher registered. */
    private static boolean publisherAnswers(KarafProcess node) {
        try {
            return node.running() && node.client("courier:services --no-format").lines()
                    .anyMatch(l -> l.startsWith("itest.publisher") && l.contains("active"));
        } catch (IOException | RuntimeException notYet) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static Path delivered(KarafProcess node) {
        return node.data("itest/delivered.log");
    }

    private static Path acked(KarafProcess node) {
        return node.data("itest/acked.log");
    }

    /**
     * Waits until every one of {@code ids} was delivered on some node, at most 3 minutes; returns when (System.nanoTime).
     * Never fails by itself: the caller names what is missing.
     */
    private static long awaitDelivered(List<KarafProcess> nodes, List<String> ids) {
        try {
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200)).until(() -> {
                List<String> deliveries = new ArrayList<>();
                nodes.forEach(node -> deliveries.addAll(KarafProcess.lines(delivered(node))));
                return KarafProcess.missing(ids, deliveries).isEmpty();
            });
        } catch (ConditionTimeoutException stillMissing) {
            // the caller reports what is missing
        }
        return System.nanoTime();
    }

    /**
     * Waits until no delivery arrived on any node for {@code quiet}, at most 3 minutes; returns when the last one
     * arrived (System.nanoTime). Never fails by itself: the caller names what is missing.
     */
    private static long awaitDeliveries(List<KarafProcess> nodes, Duration quiet) {
        AtomicLong lastGrowth = new AtomicLong(System.nanoTime());
        AtomicInteger seen = new AtomicInteger(-1);
        try {
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200)).until(() -> {
                List<String> all = new ArrayList<>();
                nodes.forEach(node -> all.addAll(KarafProcess.lines(delivered(node))));
                if (all.size() != seen.getAndSet(all.size())) {
                    lastGrowth.set(System.nanoTime());
                }
                return System.nanoTime() - lastGrowth.get() >= quiet.toNanos();
            });
        } catch (ConditionTimeoutException stillArriving) {
            // still arriving at the limit: the caller reports what is missing
        }
        return lastGrowth.get();
    }
}
