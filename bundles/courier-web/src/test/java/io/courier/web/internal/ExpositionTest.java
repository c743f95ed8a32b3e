package io.courier.web.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.courier.pubsub.NodeInfo;
import io.courier.pubsub.PubSubAdmin;
import io.courier.pubsub.ServiceStats;
import io.courier.pubsub.SubscriptionInfo;

class ExpositionTest {

    private static final Instant SINCE = Instant.parse("2026-12-03T08:00:00Z");

    /** Pub/sub as two nodes see it: node-a answers, node-b is gone. */
    private static final PubSubAdmin ADMIN = (PubSubAdmin) Proxy.newProxyInstance(PubSubAdmin.class.getClassLoader(),
            new Class<?>[] { PubSubAdmin.class }, (proxy, method, args) -> switch (method.getName()) {
            case "subscriptions" -> List.of(
                    new SubscriptionInfo("my.target", "my.target", 3, 1, 2, 40, 1, Optional.empty(), false),
                    new SubscriptionInfo("/orders", "billing", 0, 0, 0, 7, 0, Optional.empty(), false));
            case "nodes" -> List.of(
                    new NodeInfo("node-a", "host-a:8181", SINCE, SINCE, 400, NodeInfo.State.LIVE, true,
                            List.of("my.target"), 1),
                    new NodeInfo("node-b", "host-b:8181", SINCE, SINCE, 12_500, NodeInfo.State.GONE, false,
                            List.of("billing"), 4));
            case "stats" -> List.of(new ServiceStats("my.target", 5, 4, 2, 1, 0.1, 0.1, 0.0, null));
            case "statsSince" -> SINCE;
            default -> throw new UnsupportedOperationException(method.getName());
            });

    @Test
    void theQueueAndTheNodesAreExposedAsPrometheusTextWithThisNodesOwnFiguresLabelledWithIt() throws Exception {
        Exposition exposition = new Exposition(ADMIN);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        exposition.write(out);
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();

        assertTrue(exposition.contentType().startsWith("text/plain; version=0.0.4"), exposition.contentType());
        for (String expected : List.of(
                "# TYPE courier_queue_depth gauge",
                "courier_queue_depth{service=\"my.target\",topic=\"my.target\"} 3.0",
                "courier_queue_depth{service=\"billing\",topic=\"/orders\"} 0.0",
                "courier_queue_dead_letters{service=\"my.target\",topic=\"my.target\"} 2.0",
                "# TYPE courier_queue_delivered_total counter",
                "courier_queue_delivered_total{service=\"billing\",topic=\"/orders\"} 7.0",
                "courier_queue_expired_total{service=\"my.target\",topic=\"my.target\"} 1.0",
                "courier_in_flight{node=\"node-a\",service=\"my.target\",topic=\"my.target\"} 1.0",
                "courier_node_live{node=\"node-a\"} 1.0",
                "courier_node_live{node=\"node-b\"} 0.0",
                "courier_node_heartbeat_age_seconds{node=\"node-b\"} 12.5",
                "courier_node_in_flight{node=\"node-b\"} 4.0",
                "courier_messages_published_total{node=\"node-a\",service=\"my.target\"} 5.0",
                "courier_messages_delivered_total{node=\"node-a\",service=\"my.target\"} 4.0",
                "courier_delivery_failures_total{node=\"node-a\",service=\"my.target\"} 2.0",
                "courier_dead_letters_total{node=\"node-a\",service=\"my.target\"} 1.0")) {
            assertTrue(lines.contains(expected), "missing " + expected + " in:\n" + String.join("\n", lines));
        }
    }
}
