package io.courier.itests;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.Test;

import io.courier.testing.karaf.KarafProcess;
import io.courier.testing.karaf.PostgresDatabase;
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
                assertEquals("courier:services on node-a: itest.recorder on both nodes", "node-a, node-b",
                        nodesOf(a, "itest.recorder"));

                pauseOnOneNodeHoldsDeliveryOnBoth(a, b);
                aServiceOnOneNodeGetsWhatTheOtherPublishesAtOnce(a, b);
                theClusterStatsAddUpWhatEachNodeCounted(a);

                b.kill9();
                long killed = System.nanoTime();
                await("node-b gone, seen from node-a").atMost(Duration.ofSeconds(30))
                        .pollInterval(Duration.ofMillis(200)).until(() -> "gone".equals(state(nodes(a), "node-b")));
                long goneMs = (System.nanoTime() - killed) / 1_000_000;
                System.out.printf("NodesIT: node-b killed, seen gone by node-a after %d ms (lease %d ms)%n", goneMs,
                        LEASE_MS);
                assertTrue("gone after the lease, not before: " + goneMs + " ms", goneMs >= LEASE_MS - 1_000);
                List<String> metrics = metrics(a);
                for (String expected : List.of("courier_node_live{node=\"node-a\"} 1.0",
                        "courier_node_live{node=\"node-b\"} 0.0",
                        "courier_queue_depth{service=\"itest.recorder\",topic=\"itest.recorder\"} 0.0")) {
                    assertTrue("node-a's metrics have " + expected + ": " + metrics, metrics.contains(expected));
                }
                assertTrue("node-a counts the twenty it delivered for node-b: " + metrics, metrics.stream().anyMatch(
                        l -> l.matches("courier_messages_delivered_total\\{node=\"node-a\",service=\"itest.recorder\"} "
                                + "(2\\d|[3-9]\\d|\\d{3,})\\.0")));

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
     * With the test services stopped on node-b, {@code itest.recorder} is registered on node-a only, whose sweep is
     * set to run once a minute: twenty messages published to it on node-b are each delivered once, on node-a, within
     * seconds only because node-b wakes node-a's delivery (LISTEN/NOTIFY). Prints their publish-to-handle times.
     */
    private static void aServiceOnOneNodeGetsWhatTheOtherPublishesAtOnce(KarafProcess a, KarafProcess b)
            throws Exception {
        a.client("config:property-set -p io.courier.pubsub sweepIntervalMs 60000");
        await("node-a's sweep once a minute").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(500))
                .until(() -> Files.readString(a.data("log/karaf.log")).contains("sweepIntervalMs=60000"));
        b.client("bundle:stop courier-itest-services");
        await("itest.recorder gone from node-b, on node-a only").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500)).until(() -> "node-a".equals(nodesOf(b, "itest.recorder")));
        a.client("courier:invoke itest.recorder '{\"latencies\":true}'"); // forgets the earlier messages' times
        Path deliveredA = a.data("itest/delivered.log");
        String out = b.client(IntStream.range(0, 20).mapToObj(i -> "courier:publish itest.recorder '{\"i\":" + i
                + "}'").collect(Collectors.joining("\n")));
        List<String> ids = out.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        assertEquals(out, 20, ids.size());
        await("the twenty delivered on node-a, its sweep idle").atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(100)).untilAsserted(() -> assertEquals("missing on node-a",
                        List.of(), ids.stream().filter(id -> !KarafProcess.lines(deliveredA).contains(id)).toList()));
        assertEquals("each once", ids.size(), KarafProcess.lines(deliveredA).stream().filter(ids::contains).count());
        String reply = a.client("courier:invoke itest.recorder '{\"latencies\":true}'");
        List<Long> latencies = Pattern.compile("\\d+").matcher(reply.substring(reply.indexOf('['))).results()
                .map(r -> Long.valueOf(r.group())).sorted().toList();
        assertEquals(reply, 20, latencies.size());
        System.out.printf("NodesIT: 20 published on node-b, handled on node-a: publish to handle p50 %d ms, max %d ms"
                + " (node-a's sweep once a minute)%n", latencies.get(9), latencies.get(19));
    }

    /**
     * {@code courier:stats --cluster} on node-a adds up both nodes' figures: the thirty messages published to
     * itest.recorder so far, all on node-b, and their thirty deliveries, on either node; node-a's own figures count
     * none of those publishes.
     */
    private static void theClusterStatsAddUpWhatEachNodeCounted(KarafProcess a) throws Exception {
        await("node-a's courier:stats --cluster counting the 30 published and delivered, node-b's as of its heartbeat")
                .atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> assertEquals(List.of("30", "30"), statsOfRecorder(a, "--cluster").subList(1, 3)));
        assertEquals("published on node-a", "0", statsOfRecorder(a, "").get(1));
        List<String> perNode = a.client("courier:stats --nodes --no-format").lines().map(l -> l.split("\\s*\t\\s*"))
                .filter(cells -> cells.length > 2 && cells[1].equals("itest.recorder"))
                .map(cells -> cells[0] + " " + cells[2]).toList();
        assertTrue("courier:stats --nodes: node-b's 30 publishes on its row: " + perNode, perNode.contains("node-b 30"));
    }

    /** The itest.recorder row of {@code courier:stats <options> --no-format}, cell by cell. */
    private static List<String> statsOfRecorder(KarafProcess karaf, String options) throws Exception {
        return karaf.client("courier:stats --no-format " + options).lines().filter(l -> l.startsWith("itest.recorder"))
                .map(l -> List.of(l.split("\\s*\t\\s*"))).findFirst().orElse(List.of("absent", "absent", "absent"));
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

    /** The Nodes cell of a service in {@code courier:services --no-format}: the live nodes it is registered on. */
    private static String nodesOf(KarafProcess karaf, String service) throws Exception {
        return karaf.client("courier:services --no-format").lines().map(l -> l.split("\\s*\t\\s*"))
                .filter(cells -> cells[0].equals(service)).map(cells -> cells[cells.length - 1].strip()).findFirst()
                .orElse("absent");
    }

    /** {@code GET /courier/api/metrics} of a node, line by line. */
    private static List<String> metrics(KarafProcess karaf) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(karaf.httpUrl()
                + "/courier/api/metrics")).header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        (KarafProcess.USER + ":" + KarafProcess.PASSWORD).getBytes(StandardCharsets.UTF_8))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(r.body(), 200, r.statusCode());
        return r.body().lines().toList();
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
