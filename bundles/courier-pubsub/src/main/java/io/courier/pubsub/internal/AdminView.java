package io.courier.pubsub.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.function.Supplier;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.courier.core.RegisteredService;
import io.courier.core.ServiceRegistry;
import io.courier.pubsub.DatabaseInfo;
import io.courier.pubsub.NodeInfo;
import io.courier.pubsub.NodeStats;
import io.courier.pubsub.MessageDetails;
import io.courier.pubsub.PolicyValue;
import io.courier.pubsub.PubSubAdmin;
import io.courier.pubsub.QueuedMessage;
import io.courier.pubsub.ServiceInfo;
import io.courier.pubsub.ServiceStats;
import io.courier.pubsub.SubscriptionInfo;
import io.courier.pubsub.SweepStats;
import io.courier.pubsub.TopicInfo;
import io.courier.pubsub.internal.cluster.Heartbeat;
import io.courier.pubsub.internal.store.DueDelivery;
import io.courier.pubsub.internal.store.NodeRow;
import io.courier.pubsub.internal.store.QueueCounts;
import io.courier.pubsub.internal.store.Store;
import io.courier.pubsub.internal.store.SubscriptionRow;
import io.courier.pubsub.internal.store.SubscriptionStats;
import io.courier.pubsub.internal.store.TopicFacts;
import io.courier.pubsub.internal.store.TopicRow;

/**
 * What management tools see and do ({@link PubSubAdmin}): the figures of services, topics and subscriptions, from
 * the store, the routing table and delivery; queued messages; retry, purge, pause and resume, waking delivery where
 * they make messages due; statistics; and a service's delivery policy with the source of each value.
 */
final class AdminView implements PubSubAdmin {

    private static final Logger LOG = LoggerFactory.getLogger(AdminView.class);

    private final Store store;
    private final Routing routing;
    private final ServiceRegistry registry;
    private final DeliveryEngine engine;
    private final Metrics metrics;
    private final Policies policies;
    private final Registrations registrations;

    private final Supplier<DatabaseInfo> database;
    private final Supplier<Heartbeat> heartbeat;

    AdminView(Store store, Routing routing, ServiceRegistry registry, DeliveryEngine engine, Metrics metrics,
            Policies policies, Registrations registrations, Supplier<DatabaseInfo> database,
            Supplier<Heartbeat> heartbeat) {
        this.registrations = registrations;
        this.database = database;
        this.heartbeat = heartbeat;
        this.store = store;
        this.routing = routing;
        this.registry = registry;
        this.engine = engine;
        this.metrics = metrics;
        this.policies = policies;
    }

    @Override
    public DatabaseInfo database() {
        return database.get();
    }

    @Override
    public List<NodeInfo> nodes() {
        Heartbeat self = heartbeat.get();
        return store.nodes().stream().map(n -> new NodeInfo(n.name(), n.address(), Instant.ofEpochMilli(n.startedAt()),
                Instant.ofEpochMilli(n.heartbeatAt()), n.sinceHeartbeatMs(),
                n.stoppedAt() != null ? NodeInfo.State.STOPPED
                        : n.liveWithin(self.leaseMs()) ? NodeInfo.State.LIVE : NodeInfo.State.GONE,
                self.holds(n), n.services(), n.inFlight())).toList();
    }

    @Override
    public List<ServiceInfo> services() {
        Map<String, List<SubscriptionInfo>> bySubscriber = new TreeMap<>();
        subscriptions().forEach(s -> bySubscriber.computeIfAbsent(s.subscriber(), k -> new ArrayList<>()).add(s));
        registry.services().forEach(s -> bySubscriber.computeIfAbsent(s.name(), k -> new ArrayList<>()));
        Map<String, List<String>> nodesOf = nodesOfServices();
        List<ServiceInfo> list = new ArrayList<>();
        bySubscriber.forEach((name, subs) -> {
            Optional<ServiceInfo.Bundle> bundle = registry.find(name)
                    .map(r -> new ServiceInfo.Bundle(r.bundleId(), r.bundleSymbolicName(), r.bundleVersion()));
            list.add(new ServiceInfo(name, bundle,
                    subs.stream().mapToLong(SubscriptionInfo::depth).sum(),
                    subs.stream().mapToLong(SubscriptionInfo::inFlight).sum(),
                    subs.stream().mapToLong(SubscriptionInfo::dead).sum(),
                    subs.stream().mapToLong(SubscriptionInfo::delivered).sum(),
                    subs.stream().mapToLong(SubscriptionInfo::expired).sum(),
                    subs.stream().flatMap(s -> s.lastDeliveryAt().stream()).max(Comparator.naturalOrder()),
                    !subs.isEmpty() && subs.stream().allMatch(SubscriptionInfo::paused),
                    routing.subscriptionsOf(name).stream().mapToInt(sub -> engine.hung(sub.id())).sum(),
                    nodesOf.getOrDefault(name, List.of())));
        });
        return list;
    }

    /** The live nodes each service is registered on, by name: this one from its registry, the others' heartbeats. */
    private Map<String, List<String>> nodesOfServices() {
        Map<String, List<String>> nodesOf = new HashMap<>();
        for (NodeInfo n : nodes()) {
            List<String> services = n.self() ? registry.services().stream().map(RegisteredService::name).toList()
                    : n.state() == NodeInfo.State.LIVE ? n.services() : List.of();
            services.forEach(service -> nodesOf.computeIfAbsent(service, k -> new ArrayList<>()).add(n.name()));
        }
        nodesOf.values().forEach(Collections::sort);
        return nodesOf;
    }

    @Override
    public List<TopicInfo> topics() {
        registrations.settle(); // a service that registered a moment ago is shown with its topics
        Map<Long, QueueCounts> counts = store.queueCounts();
        List<TopicInfo> list = new ArrayList<>();
        for (TopicFacts t : store.topicFacts()) {
            List<SubscriptionRow> subs = routing.topic(t.name()).map(TopicRow::subscriptions).orElse(List.of());
            long depth = 0;
            long dead = 0;
            long inFlight = 0;
            for (SubscriptionRow s : subs) {
                QueueCounts c = counts.getOrDefault(s.id(), QueueCounts.EMPTY);
                depth += c.pending();
                dead += c.dead();
                inFlight += engine.inFlight(s.id());
            }
            list.add(new TopicInfo(t.name(), t.shared(), subs.stream().map(SubscriptionRow::subscriber).toList(), depth,
                    inFlight, dead, Optional.ofNullable(t.lastMsgId()),
                    Optional.ofNullable(t.lastMsgId()).map(x -> Instant.ofEpochMilli(t.lastMsgAt())),
                    Optional.ofNullable(t.lastPreview())));
        }
        return list;
    }

    @Override
    public List<SubscriptionInfo> subscriptions() {
        registrations.settle();
        Map<Long, QueueCounts> counts = store.queueCounts();
        List<SubscriptionInfo> list = new ArrayList<>();
        for (SubscriptionStats s : store.subscriptionStats()) {
            QueueCounts c = counts.getOrDefault(s.id(), QueueCounts.EMPTY);
            list.add(new SubscriptionInfo(routing.topicName(s.topicId()), s.subscriber(), c.pending(),
                    engine.inFlight(s.id()), c.dead(), s.delivered(), s.expired(),
                    s.lastDeliveryAt() == 0 ? Optional.empty() : Optional.of(Instant.ofEpochMilli(s.lastDeliveryAt())),
                    s.paused()));
        }
        list.sort(Comparator.comparing(SubscriptionInfo::subscriber).thenComparing(SubscriptionInfo::topic));
        return list;
    }

    @Override
    public List<QueuedMessage> browse(String name, boolean dead, int offset, int limit) {
        List<SubscriptionRow> subs = subscriptionsNamed(name);
        Map<Long, String> subscriber = new HashMap<>();
        subs.forEach(s -> subscriber.put(s.id(), s.subscriber()));
        List<QueuedMessage> list = new ArrayList<>();
        for (DueDelivery d : store.browse(subscriber.keySet(), dead, Math.max(0, offset), Math.max(1, limit))) {
            list.add(queued(d, subscriber.get(d.subscriptionId())));
        }
        return list;
    }

    private QueuedMessage queued(DueDelivery d, String subscriber) {
        return new QueuedMessage(d.msgId(), routing.topicName(d.topicId()), subscriber, d.priority(),
                Instant.ofEpochMilli(d.publishedAt()), d.attempts(), Instant.ofEpochMilli(d.nextAttemptAt()),
                Optional.ofNullable(d.lastError()), d.dead(), preview(d.data()));
    }

    @Override
    public int retry(String msgId) {
        List<SubscriptionRow> all = routing.topics().stream().flatMap(t -> t.subscriptions().stream()).toList();
        return retried(all, store.retryDead(ids(all), msgId, System.currentTimeMillis()));
    }

    @Override
    public int retryDead(String name) {
        List<SubscriptionRow> subs = subscriptionsNamed(name);
        return retried(subs, store.retryDead(ids(subs), null, System.currentTimeMillis()));
    }

    @Override
    public int purge(String name, boolean dead) {
        List<Long> ids = ids(subscriptionsNamed(name));
        int purged = store.purge(ids, dead);
        if (!dead) {
            engine.purged(ids);
        }
        LOG.info("Purged {} {} of '{}'", purged, dead ? "dead letters" : "pending messages", name);
        return purged;
    }

    @Override
    public void pause(String name) {
        store.setPaused(ids(subscriptionsNamed(name)), true);
        routing.reload(store::loadTopics);
        LOG.info("Delivery to '{}' paused; its messages wait until courier:resume", name);
    }

    @Override
    public void resume(String name) {
        List<SubscriptionRow> subs = subscriptionsNamed(name);
        store.setPaused(ids(subs), false);
        routing.reload(store::loadTopics);
        LOG.info("Delivery to '{}' resumed", name);
        subs.forEach(sub -> engine.wake(sub.id()));
    }

    @Override
    public List<ServiceStats> stats() {
        return metrics.stats(System.currentTimeMillis());
    }

    @Override
    public List<NodeStats> nodeStats() {
        long now = System.currentTimeMillis();
        Heartbeat self = heartbeat.get();
        List<NodeStats> list = new ArrayList<>();
        for (NodeRow n : store.nodes()) {
            if (self.holds(n)) {
                list.add(new NodeStats(n.name(), metrics.since(), metrics.stats(now), Instant.ofEpochMilli(now)));
            } else if (n.liveWithin(self.leaseMs()) && n.stats() != null) {
                try {
                    list.add(Metrics.read(n.name(), n.stats()));
                } catch (IllegalArgumentException unreadable) { // not as this build writes them: left out
                    LOG.debug("The figures of node '{}' cannot be read: {}", n.name(), unreadable.toString());
                }
            }
        }
        return list;
    }

    @Override
    public List<ServiceStats> clusterStats() {
        Map<String, ServiceStats> sums = new TreeMap<>();
        nodeStats().forEach(n -> n.services().forEach(s -> sums.merge(s.service(), s, ServiceStats::plus)));
        return List.copyOf(sums.values());
    }

    @Override
    public Instant statsSince() {
        return metrics.since();
    }

    @Override
    public SweepStats sweepStats() {
        return engine.sweeps().stats();
    }

    @Override
    public List<PolicyValue> deliveryPolicy(String service) {
        registrations.settle();
        Optional<RegisteredService> registered = registry.find(service);
        if (registered.isEmpty() && routing.subscriptionsOf(service).isEmpty()) {
            throw new IllegalArgumentException("No service named '" + service + "' is known"
                    + " (courier:services lists them)");
        }
        return policies.explain(service, registered.map(RegisteredService::properties).orElse(Map.of())).values();
    }

    @Override
    public Optional<MessageDetails> message(String msgId) {
        List<DueDelivery> deliveries = store.deliveriesOf(msgId);
        if (deliveries.isEmpty()) {
            return Optional.empty();
        }
        DueDelivery d = deliveries.get(0);
        return Optional.of(new MessageDetails(d.msgId(), routing.topicName(d.topicId()), d.mimeType(), d.priority(),
                Instant.ofEpochMilli(d.publishedAt()),
                d.expiresAt() == 0 ? Optional.empty() : Optional.of(Instant.ofEpochMilli(d.expiresAt())),
                d.correlationId(), Optional.ofNullable(d.inReplyTo()), Optional.ofNullable(d.extClientId()),
                Optional.ofNullable(d.publisher()), d.data(),
                deliveries.stream().map(x -> queued(x, routing.subscription(x.subscriptionId())
                        .map(SubscriptionRow::subscriber).orElse("?"))).toList()));
    }

    private int retried(List<SubscriptionRow> subscriptions, int count) {
        if (count > 0) {
            subscriptions.forEach(sub -> engine.wake(sub.id()));
        }
        return count;
    }

    /** A service's subscriptions, or a shared topic's. */
    private List<SubscriptionRow> subscriptionsNamed(String name) {
        registrations.settle(); // a service that registered a moment ago is known by its name
        List<SubscriptionRow> subs = name.startsWith("/")
                ? routing.topic(name).map(TopicRow::subscriptions).orElse(List.of())
                : routing.subscriptionsOf(name);
        if (subs.isEmpty()) {
            throw new IllegalArgumentException("No service or shared topic named '" + name + "' is known"
                    + " (courier:services and courier:topics list them)");
        }
        return subs;
    }

    private static List<Long> ids(List<SubscriptionRow> subscriptions) {
        return subscriptions.stream().map(SubscriptionRow::id).toList();
    }

    private static String preview(String data) {
        return data.length() <= 80 ? data : data.substring(0, 79) + "…";
    }
}
