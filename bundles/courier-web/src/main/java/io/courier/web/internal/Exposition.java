package io.courier.web.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import io.courier.pubsub.NodeInfo;
import io.courier.pubsub.PubSubAdmin;
import io.courier.pubsub.ServiceStats;
import io.courier.pubsub.SubscriptionInfo;

/**
 * Courier's figures in Prometheus' text format ({@code GET /courier/api/metrics}), read from pub/sub at each scrape
 * and written by the Prometheus Java client. Two kinds: the queue's and the nodes', read from the database and the
 * same on every node of a cluster ({@code courier_queue_*}, {@code courier_node_*}: scrape any node, or aggregate
 * with {@code max without (instance)}); and what this node did since its pub/sub started, labelled with its node
 * (those of {@code courier:stats}, and {@code courier_in_flight}: sum them over the nodes for the cluster).
 */
final class Exposition {

    private final PubSubAdmin admin;
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    Exposition(PubSubAdmin admin) {
        this.admin = admin;
    }

    String contentType() {
        return writer.getContentType();
    }

    void write(OutputStream out) throws IOException {
        writer.write(out, snapshot());
    }

    MetricSnapshots snapshot() {
        List<SubscriptionInfo> subscriptions = admin.subscriptions();
        List<NodeInfo> nodes = admin.nodes();
        String self = nodes.stream().filter(NodeInfo::self).map(NodeInfo::name).findFirst().orElse("");
        List<ServiceStats> stats = admin.stats();
        long since = admin.statsSince().toEpochMilli();
        return MetricSnapshots.of(
                gauge("courier_queue_depth", "Pending deliveries of a subscription (in flight included)",
                        subscriptions, Exposition::subscription, SubscriptionInfo::depth),
                gauge("courier_queue_dead_letters", "Dead letters of a subscription", subscriptions, Exposition::subscription,
                        SubscriptionInfo::dead),
                counter("courier_queue_delivered", "Messages delivered to a subscription since it was made",
                        subscriptions, Exposition::subscription, SubscriptionInfo::delivered, 0),
                counter("courier_queue_expired", "Messages of a subscription that expired before delivery",
                        subscriptions, Exposition::subscription, SubscriptionInfo::expired, 0),
                gauge("courier_in_flight", "Deliveries of a subscription this node is making now", subscriptions,
                        s -> subscription(s).add("node", self), SubscriptionInfo::inFlight),
                gauge("courier_node_live", "1 while a node's heartbeat is within its lease, else 0 (stopped or gone)",
                        nodes, n -> Labels.of("node", n.name()), n -> n.state() == NodeInfo.State.LIVE ? 1 : 0),
                gauge("courier_node_heartbeat_age_seconds", "Time since a node's last heartbeat", nodes,
                        n -> Labels.of("node", n.name()), n -> n.sinceHeartbeat() / 1000.0),
                gauge("courier_node_in_flight", "Deliveries a node had in hand at its last heartbeat", nodes,
                        n -> Labels.of("node", n.name()), NodeInfo::inFlight),
                counter("courier_messages_published", "Messages this node stored for a service since its pub/sub started",
                        stats, s -> service(s, self), ServiceStats::published, since),
                counter("courier_messages_delivered", "Messages this node delivered to a service since its pub/sub started",
                        stats, s -> service(s, self), ServiceStats::delivered, since),
                counter("courier_delivery_failures", "Failed deliveries (attempts) on this node since its pub/sub started", stats,
                        s -> service(s, self), ServiceStats::failed, since),
                counter("courier_dead_letters", "Messages that became dead letters on this node since its pub/sub started",
                        stats, s -> service(s, self), ServiceStats::dead, since));
    }

    private static Labels subscription(SubscriptionInfo s) {
        return Labels.of("service", s.subscriber(), "topic", s.topic());
    }

    private static Labels service(ServiceStats s, String node) {
        return Labels.of("node", node, "service", s.service());
    }

    private static <T> MetricSnapshot gauge(String name, String help, List<T> items,
            Function<T, Labels> labels, ToDoubleFunction<T> value) {
        GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help);
        items.forEach(i -> b.dataPoint(GaugeDataPointSnapshot.builder().labels(labels.apply(i))
                .value(value.applyAsDouble(i)).build()));
        return b.build();
    }

    /** A counter; {@code createdMillis} 0 where when it started counting is not known. */
    private static <T> MetricSnapshot counter(String name, String help, List<T> items,
            Function<T, Labels> labels, ToDoubleFunction<T> value, long createdMillis) {
        CounterSnapshot.Builder b = CounterSnapshot.builder().name(name).help(help);
        items.forEach(i -> {
            CounterDataPointSnapshot.Builder point = CounterDataPointSnapshot.builder().labels(labels.apply(i))
                    .value(value.applyAsDouble(i));
            if (createdMillis > 0) {
                point.createdTimestampMillis(createdMillis);
            }
            b.dataPoint(point.build());
        });
        return b.build();
    }
}
