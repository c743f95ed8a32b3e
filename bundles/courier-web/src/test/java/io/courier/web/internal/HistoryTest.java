package io.courier.web.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.courier.pubsub.Latency;
import io.courier.pubsub.NodeInfo;
import io.courier.pubsub.NodeStats;
import io.courier.pubsub.ServiceInfo;
import io.courier.pubsub.ServiceStats;
import io.courier.pubsub.TopicInfo;

class HistoryTest {

    private static final long T0 = 1_800_000_000_000L;
    private static final Instant A_STARTED = Instant.ofEpochMilli(T0 - 60_000);

    private final History history = new History();

    @Test
    void ratesComeFromWhatEachNodeCountedBetweenTwoSamples() {
        sample(0, stats("node-a", A_STARTED, "orders", 100, 90, 4, 1), stats("node-b", A_STARTED, "orders", 10, 10, 0, 0));
        sample(5_000, stats("node-a", A_STARTED, "orders", 150, 140, 9, 2), stats("node-b", A_STARTED, "orders", 20, 25, 0, 0));

        Map<String, Object> overview = history.overview();
        assertEquals(List.of(T0, T0 + 5_000), overview.get("at"));
        assertEquals(Arrays.asList(null, 12.0), figure(overview.get("cluster"), "published"), "(50 + 10) / 5 s");
        assertEquals(Arrays.asList(null, 13.0), figure(overview.get("cluster"), "delivered"));
        assertEquals(Arrays.asList(null, 1.0), figure(overview.get("cluster"), "failed"));
        assertEquals(Arrays.asList(null, 0.2), figure(overview.get("cluster"), "deadLettered"));
        Map<?, ?> nodes = (Map<?, ?>) overview.get("nodes");
        assertEquals(Arrays.asList(null, 2.0), figure(nodes.get("node-b"), "published"));
        assertEquals(Arrays.asList(7.0, 7.0), figure(nodes.get("node-a"), "inFlight"));
        assertEquals(Arrays.asList(null, 12.0), figure(history.of("orders").get("series"), "published"), "both nodes");
        assertEquals(Arrays.asList(2.0, 2.0), figure(history.of("/events").get("series"), "depth"));
        assertEquals(Arrays.asList(3.0, 3.0), figure(history.of("orders").get("series"), "depth"));
        assertEquals(Arrays.asList(3.0, 3.0), figure(overview.get("cluster"), "depth"));
        assertTrue(history.deadLettered("orders", 60_000));
        assertFalse(history.deadLettered("billing", 60_000));
    }

    @Test
    void aNodeThatRestartedCountsFromZeroAndOneSeenFirstCountsNothingOfItsPast() {
        sample(0, stats("node-a", A_STARTED, "orders", 100, 100, 0, 0));
        Instant restarted = Instant.ofEpochMilli(T0 + 2_000);
        sample(5_000, stats("node-a", restarted, "orders", 20, 20, 0, 0),
                stats("node-c", A_STARTED, "orders", 5_000, 5_000, 0, 0));
        List<Double> published = figure(history.overview().get("cluster"), "published");
        assertEquals(2, published.size());
        assertEquals(20 / 3.0, published.get(1), 0.001,
                "node-a's 20 in the 3 s since its restart; node-c's earlier 5,000 are not this sample's");
    }

    @Test
    void aNodesRatesAreOverTheTimeBetweenItsOwnFiguresAndGoOnUntilItWritesNewOnes() {
        Instant t0 = Instant.ofEpochMilli(T0);
        sample(0, new NodeStats("node-b", A_STARTED, List.of(orders(100)), t0.minusMillis(1_000)));
        sample(5_000, new NodeStats("node-b", A_STARTED, List.of(orders(160)), t0.plusMillis(5_000)));
        sample(10_000, new NodeStats("node-b", A_STARTED, List.of(orders(160)), t0.plusMillis(5_000)));
        sample(15_000, new NodeStats("node-b", A_STARTED, List.of(orders(220)), t0.plusMillis(15_000)));
        assertEquals(Arrays.asList(null, 10.0, 10.0, 6.0), figure(history.overview().get("cluster"), "published"),
                "60 in the node's 6 s; no newer figures: the same; 60 in its 10 s");
    }

    @Test
    void aGapWhereNoSampleCouldBeTakenAndTheRatesStartAfresh() {
        sample(0, stats("node-a", A_STARTED, "orders", 100, 100, 0, 0));
        history.gap(T0 + 5_000);
        sample(10_000, stats("node-a", A_STARTED, "orders", 200, 200, 0, 0));
        sample(15_000, stats("node-a", A_STARTED, "orders", 210, 210, 0, 0));
        assertEquals(Arrays.asList(null, null, null, 2.0), figure(history.overview().get("cluster"), "published"));
        assertEquals(Arrays.asList(3.0, null, 3.0, 3.0), figure(history.overview().get("cluster"), "depth"));
    }

    private static ServiceStats orders(long published) {
        return new ServiceStats("orders", published, 0, 0, 0, 0, 0, 0);
    }

    @Test
    void aServiceFirstCountedOnAKnownNodeCountsAllItsTotals() {
        sample(0, stats("node-a", A_STARTED, "orders", 1, 1, 0, 0));
        sample(5_000, new NodeStats("node-a", A_STARTED, List.of(
                new ServiceStats("billing", 20, 0, 0, 0, 0, 0, 0, Latency.NONE),
                new ServiceStats("orders", 1, 1, 0, 0, 0, 0, 0, Latency.NONE))));
        assertEquals(Arrays.asList(null, 4.0), figure(history.of("billing").get("series"), "published"));
    }

    @Test
    void deadLettersLongAgoAreNotRecent() {
        sample(0, stats("node-a", A_STARTED, "orders", 1, 0, 1, 0));
        sample(5_000, stats("node-a", A_STARTED, "orders", 1, 0, 2, 1));
        for (int i = 2; i < 100; i++) {
            sample(i * 5_000L, stats("node-a", A_STARTED, "orders", 1, 0, 2, 1));
        }
        assertTrue(history.deadLettered("orders", 10 * 60_000));
        assertFalse(history.deadLettered("orders", 5 * 60_000));
    }

    @Test
    void theHistoryKeepsItsLastPointsOldestFirst() {
        for (int i = 0; i < History.POINTS + 10; i++) {
            sample(i * 5_000L, stats("node-a", A_STARTED, "orders", i, i, 0, 0));
        }
        List<?> at = (List<?>) history.overview().get("at");
        assertEquals(History.POINTS, at.size());
        assertEquals(T0 + 10 * 5_000L, at.get(0));
        assertEquals(T0 + (History.POINTS + 9) * 5_000L, at.get(History.POINTS - 1));
        List<Double> published = figure(history.overview().get("cluster"), "published");
        assertEquals(0.2, published.get(0));
        assertEquals(0.2, published.get(History.POINTS - 1));
    }

    private void sample(long atMs, NodeStats... nodes) {
        List<NodeInfo> live = Arrays.stream(nodes).map(n -> new NodeInfo(n.node(), n.node() + ":8181", n.since(),
                Instant.ofEpochMilli(T0 + atMs), 0, NodeInfo.State.LIVE, false, List.of("orders"), 7)).toList();
        ServiceInfo orders = new ServiceInfo("orders", Optional.empty(), 3, 1, 1, 0, 0, Optional.empty(), false, 0,
                List.of("node-a"));
        TopicInfo shared = new TopicInfo("/events", true, List.of("orders"), 2, 0, 0, Optional.empty(), Optional.empty(),
                Optional.empty());
        history.sample(T0 + atMs, List.of(nodes), live, List.of(orders), List.of(shared));
    }

    private static NodeStats stats(String node, Instant since, String service, long published, long delivered,
            long failed, long dead) {
        return new NodeStats(node, since, List.of(new ServiceStats(service, published, delivered, failed, dead, 0, 0, 0,
                Latency.NONE)));
    }

    @SuppressWarnings("unchecked")
    private static List<Double> figure(Object series, String figure) {
        return ((Map<String, List<Double>>) series).get(figure);
    }
}
