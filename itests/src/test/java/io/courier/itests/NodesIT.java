package io.courier.itests;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.Test;

import io.courier.testing.postgresql.PostgresServer;

/**
 * Nodes sharing one PostgreSQL database, as an operator sees them in {@code courier:nodes}: two distributions
 * started as processes with their own {@code COURIER_NODE}; each lists both, live, with the services registered on
 * each; one killed with SIGKILL is shown gone once its lease is over; one stopped is shown stopped; a third
 * started with a name that a live node holds says so in its log and does not take the name.
 */
public class NodesIT {

    private static final long LEASE_MS = 3_000;

    @Test
    public void nodesSeeEachOtherLiveThenGoneAfterAKillAndStoppedAfterAStop() throws Exception {
        PostgresDatabase database = PostgresDatabase.create(PostgresServer.shared(), "nodes");
        try (KarafProcess a = node("a", database)) {
            a.start();
            try (KarafProcess b = node("b", database)) { // unpacked once a runs: its free ports not taken by a
                b.start();
                await("both nodes live, each with the test services, seen from node-a")
                        .atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                            Map<String, List<String>> nodes = nodes(a);
                            assertEquals(nodes.toString(), "live", state(nodes, "* node-a"));
                            assertEquals(nodes.toString(), "live", state(nodes, "node-b"));
                            assertTrue(nodes.toString(), nodes.get("node-b").get(6).contains("itest.recorder"));
                        });
                assertEquals("node-b marks itself", "live", state(nodes(b), "* node-b"));

                pauseOnOneNodeHoldsDeliveryOnBoth(a, b);
                aServiceOnOneNodeGetsWhatTheOtherPublishes(a, b);

                b.kill9();
                long killed = System.nanoTime();
                await("node-b gone, seen from node-a").atMost(Duration.ofSeconds(30))
                        .pollInterval(Duration.ofMillis(200)).until(() -> "gone".equals(state(nodes(a), "node-b")));
                long goneMs = (System.nanoTime() - killed) / 1_000_000;
                System.out.printf("NodesIT: node-b killed, seen gone by node-a after %d ms (lease %d ms)%n", goneMs,
                        LEASE_MS);
                assertTrue("gone after the lease, not before: " + goneMs + " ms", goneMs >= LEASE_MS - 1_000);

                b.start();
                await("node-b live again").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                        .until(() -> "live".equals(state(nodes(a), "node-b")));

                try (KarafProcess impostor = node("b-again", database)) {
                    impostor.environment("COURIER_NODE", "node-b");
                    impostor.start();
                    await("the second node-b saying the name is held").atMost(Duration.ofSeconds(60))
                            .pollInterval(Duration.ofMillis(500)).until(() -> Files.readString(impostor.data(
                                    "log/karaf.log")).contains("The node name 'node-b' is held by another"));
                    Map<String, List<String>> seen = nodes(impostor);
                    assertEquals("the impostor does not hold node-b: " + seen, "live", state(seen, "node-b"));
                    assertEquals("node-b still held by the first one", "live", state(nodes(b), "* node-b"));
                }

                a.stop();
                await("node-a stopped, seen from node-b").atMost(Duration.ofSeconds(30))
                        .pollInterval(Duration.ofMillis(200)).until(() -> "stopped".equals(state(nodes(b), "node-a")));
            }
        }
    }

    /**
     * A pause made on node-a holds the delivery of what is published on node-b, on both nodes, from a heartbeat
     * later (500 ms here); the resume on node-a releases it.
     */
    private static void pauseOnOneNodeHoldsDeliveryOnBoth(KarafProcess a, KarafProcess b) throws Exception {
        Path deliveredA = a.data("itest/delivered.log");
        Path deliveredB = b.data("itest/delivered.log");
        String paused = a.client("courier:pause itest.recorder");
        assertFalse(paused, paused.contains("ERROR"));
        // the pause is stored at once (node-b shows it); in force on every node from its next sweep (1 s)
        await("node-b showing the pause, a sweep later").pollDelay(Duration.ofMillis(1_500))
                .atMost(Duration.ofSeconds(10)).until(() -> b.client("courier:topic --no-format itest.recorder")
                        .lines().anyMatch(l -> l.startsWith("itest.recorder") && l.contains("paused")));
        int before = KarafProcess.lines(deliveredA).size() + KarafProcess.lines(deliveredB).size();
        String published = b.client("courier:invoke itest.publisher '{\"count\":10}'");
        assertTrue(published, published.contains("\"published\" : 10"));
        await("nothing delivered on either node for 3 s while paused").during(Duration.ofSeconds(3))
                .atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertEquals("delivered while paused (node-a "
                        + KarafProcess.lines(deliveredA) + ", node-b " + KarafProcess.lines(deliveredB) + ")", before,
                        KarafProcess.lines(deliveredA).size() + KarafProcess.lines(deliveredB).size()));

        a.client("courier:resume itest.recorder");
        List<String> acked = KarafProcess.lines(b.data("itest/acked.log"));
        await("the ten delivered once resumed").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    List<String> all = new ArrayList<>(KarafProcess.lines(deliveredA));
                    all.addAll(KarafProcess.lines(deliveredB));
                    return all.containsAll(acked);
                });
    }

    /**
     * With the examples uninstalled from node-b, {@code my.target} is registered on node-a only: a message
     * published to it on node-b is delivered on node-a (its log says so), found by node-a's sweep.
     */
    private static void aServiceOnOneNodeGetsWhatTheOtherPublishes(KarafProcess a, KarafProcess b) throws Exception {
        b.client("feature:uninstall courier-examples");
        await("my.target gone from node-b").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> b.client("courier:services --no-format").lines()
                        .anyMatch(l -> l.startsWith("my.target") && l.contains("unregistered")));
        long sent = System.nanoTime();
        String id = b.client("courier:publish my.target '{\"from\":\"node-b\"}'").strip();
        assertFalse(id, id.isEmpty() || id.contains("ERROR"));
        await("node-a's my.target logging the message").atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(50)).until(() -> Files.readString(a.data("log/karaf.log"))
                        .contains("My message is {from=node-b}"));
        System.out.printf("NodesIT: published on node-b, handled on node-a within %d ms%n",
                (System.nanoTime() - sent) / 1_000_000);
    }

    /** A distribution named {@code node-<name>} on the database, with a short lease. */
    private static KarafProcess node(String name, PostgresDatabase database) throws Exception {
        KarafProcess karaf = KarafProcess.withTestServices("nodes-" + name);
        karaf.usePostgres(database);
        karaf.environment("COURIER_NODE", "node-" + name);
        karaf.configure("io.courier.pubsub", "heartbeatMs", "500");
        karaf.configure("io.courier.pubsub", "nodeLeaseMs", String.valueOf(LEASE_MS));
        return karaf;
    }

    /** A node's state in {@link #nodes}: live, stopped or gone; absent if it is not listed. */
    private static String state(Map<String, List<String>> nodes, String name) {
        List<String> row = nodes.get(name);
        return row == null ? "absent" : row.get(4);
    }

    /** {@code courier:nodes --no-format}, each row's cells by its first (the name, marked * for the node asked). */
    private static Map<String, List<String>> nodes(KarafProcess karaf) throws Exception {
        return karaf.client("courier:nodes --no-format").lines().filter(l -> l.contains("\t"))
                .map(l -> Arrays.stream(l.split("\t")).map(String::strip).toList())
                .collect(Collectors.toMap(cells -> cells.get(0), Function.identity()));
    }
}
