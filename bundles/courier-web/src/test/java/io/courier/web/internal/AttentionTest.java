package io.courier.web.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.courier.pubsub.NodeInfo;
import io.courier.pubsub.ServiceInfo;
import io.courier.pubsub.SubscriptionInfo;

class AttentionTest {

    private static final Instant AT = Instant.parse("2026-12-03T10:00:00Z");

    @Test
    void eachProblemIsListedWithWhereItIsFixed() {
        List<ServiceInfo> services = List.of(
                service("billing", 0, 2, false, 0, List.of("node-a")), // dead letters, new
                service("old.dead", 0, 5, false, 0, List.of("node-a")), // dead letters, none new
                service("orders", 4, 0, true, 0, List.of("node-a")), // paused
                service("reports", 3, 0, false, 0, List.of()), // pending, on no live node
                service("slow", 0, 0, false, 1, List.of("node-a")), // a hung call
                service("fine", 0, 0, false, 0, List.of("node-a")));
        List<SubscriptionInfo> subscriptions = List.of(
                new SubscriptionInfo("orders", "orders", 4, 0, 0, 0, 0, Optional.empty(), true),
                new SubscriptionInfo("/events", "fine", 2, 0, 0, 0, 0, Optional.empty(), true));
        List<NodeInfo> nodes = List.of(node("node-a", NodeInfo.State.LIVE), node("node-b", NodeInfo.State.GONE),
                node("node-c", NodeInfo.State.STOPPED));

        List<Attention> list = Attention.of(services, subscriptions, nodes, "billing"::equals);

        assertEquals(List.of(
                new Attention("dead-letters", "billing", "'billing' has 2 dead letters, some new in the last 15 minutes",
                        "/courier/browse?name=billing&dead=true"),
                new Attention("paused", "orders", "Delivery to 'orders' is paused (4 waiting)",
                        "/courier/service?name=orders"),
                new Attention("no-live-node", "reports", "'reports' has 3 pending messages and is registered on no live"
                        + " node", "/courier/service?name=reports"),
                new Attention("hung", "slow", "'slow' has 1 call past its delivery timeout still holding a handler"
                        + " thread", "/courier/service?name=slow"),
                new Attention("paused", "/events", "Delivery of '/events' to 'fine' is paused (2 waiting)",
                        "/courier/service?name=%2Fevents"),
                new Attention("node-gone", "node-b", "Node 'node-b' is gone: no heartbeat since " + Html.time(AT),
                        "/courier/#nodes")), list);
    }

    private static ServiceInfo service(String name, long depth, long dead, boolean paused, int hung, List<String> nodes) {
        return new ServiceInfo(name, Optional.empty(), depth, 0, dead, 0, 0, Optional.empty(), paused, hung, nodes);
    }

    private static NodeInfo node(String name, NodeInfo.State state) {
        return new NodeInfo(name, name + ":8181", AT, AT, 1_000, state, false, List.of(), 0);
    }
}
