package io.courier.web.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import io.courier.api.Names;
import io.courier.api.Service;
import io.courier.pubsub.Latency;
import io.courier.pubsub.MessageDetails;
import io.courier.pubsub.NodeInfo;
import io.courier.pubsub.NodeStats;
import io.courier.pubsub.PolicyValue;
import io.courier.pubsub.PubSubAdmin;
import io.courier.pubsub.QueuedMessage;
import io.courier.pubsub.ServiceInfo;
import io.courier.pubsub.ServiceStats;
import io.courier.pubsub.SubscriptionInfo;
import io.courier.pubsub.TopicInfo;

/**
 * What the pages and the API show and do, read from the pub/sub store. Names that cannot be a service's or a
 * shared topic's become 400s here, unknown names and messages 404s, with the same words for both.
 */
final class Dashboard {

    private final PubSubAdmin admin;
    private final History history = new History();

    Dashboard(PubSubAdmin admin) {
        this.admin = admin;
    }

    /** Adds what the store and the nodes say now to the charts' {@link History}. */
    void sample() {
        history.sample(System.currentTimeMillis(), admin.nodeStats(),
                admin.nodes().stream().filter(n -> n.state() == NodeInfo.State.LIVE).toList(), admin.services(),
                admin.topics());
    }

    /** A sample that could not be taken: a gap in the charts. */
    void gap() {
        history.gap(System.currentTimeMillis());
    }

    /** {@code GET /courier/api/series}: the cluster's and the nodes' charts. */
    Map<String, Object> series() {
        return history.overview();
    }

    /** {@code GET /courier/api/series/{name}}: a service's or a shared topic's charts. */
    Map<String, Object> series(String name) {
        name(name);
        boolean known = history.has(name) || (name.startsWith("/")
                ? admin.topics().stream().anyMatch(t -> t.name().equals(name))
                : admin.services().stream().anyMatch(s -> s.name().equals(name)));
        if (!known) {
            throw WebException.notFound(unknown(name));
        }
        return history.of(name);
    }

    /** What needs an operator's attention now. */
    List<Attention> attention() {
        return Attention.of(admin.services(), admin.subscriptions(), admin.nodes(),
                service -> history.deadLettered(service, Attention.RECENT_MS));
    }

    /**
     * A service's or a shared topic's page and {@code GET /courier/api/services/{name}}: its figures, its
     * subscriptions, and for a service its delivery policy and latency.
     */
    Details details(String name) {
        name(name);
        List<SubscriptionInfo> subscriptions = subscriptions(name);
        if (name.startsWith("/")) {
            TopicInfo topic = admin.topics().stream().filter(t -> t.name().equals(name)).findFirst()
                    .orElseThrow(() -> WebException.notFound(unknown(name)));
            return new Details(name, true, null, topic, subscriptions, List.of(), null);
        }
        ServiceInfo service = admin.services().stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> WebException.notFound(unknown(name)));
        Map<String, LatencyFigures> latency = new LinkedHashMap<>();
        Latency all = Latency.NONE;
        for (NodeStats n : admin.nodeStats()) {
            for (ServiceStats s : n.services()) {
                if (s.service().equals(name) && s.latency().count() > 0) {
                    latency.put(n.node(), LatencyFigures.of(s.latency()));
                    all = all.plus(s.latency());
                }
            }
        }
        return new Details(name, false, service, null, subscriptions, admin.deliveryPolicy(name),
                new Latencies(LatencyFigures.of(all), latency));
    }

    /** See {@link #details}; {@code service} or {@code topic} is null, as it is the other. */
    record Details(String name, boolean shared, ServiceInfo service, TopicInfo topic,
            List<SubscriptionInfo> subscriptions, List<PolicyValue> policy, Latencies latency) {
    }

    /** A service's publish-to-handle times of the last minute: on all live nodes, and on each that delivered. */
    record Latencies(LatencyFigures cluster, Map<String, LatencyFigures> nodes) {
    }

    /** How many deliveries, and the times within which half and 99% of them ended (-1 without any). */
    record LatencyFigures(long count, long p50Ms, long p99Ms) {

        static LatencyFigures of(Latency l) {
            return new LatencyFigures(l.count(), l.percentileMs(0.5), l.percentileMs(0.99));
        }
    }

    /** Services registered now or known from earlier registrations, sorted by name. */
    List<ServiceInfo> services() {
        return admin.services();
    }

    List<TopicInfo> topics() {
        return admin.topics();
    }

    /** The nodes using the store's database, sorted by name. */
    List<NodeInfo> nodes() {
        return admin.nodes();
    }

    /**
     * What pub/sub did per service: across the cluster (every live node's figures added up) and on each live node;
     * see {@code courier:stats}.
     */
    Stats stats() {
        return new Stats(admin.clusterStats(), admin.nodeStats());
    }

    /** {@code GET /courier/api/stats}. */
    record Stats(List<ServiceStats> cluster, List<NodeStats> nodes) {
    }

    /** One page of a service's or a shared topic's pending messages or dead letters. */
    List<QueuedMessage> browse(String name, boolean dead, Paging page) {
        return known(name, () -> admin.browse(name, dead, page.offset(), page.limit()));
    }

    MessageDetails message(String msgId) {
        return admin.message(msgId).orElseThrow(() -> WebException.notFound("Message " + Errors.quote(msgId) + " is not stored:"
                + " it was delivered, purged, or never published"));
    }

    /** Retries a message's dead letters: 404 if it is not stored, 409 if it has no dead letter. */
    int retry(String msgId) {
        int n = admin.retry(msgId);
        if (n == 0) {
            message(msgId);
            throw new WebException(409, "Message " + Errors.quote(msgId) + " has no dead letter: it is waiting for delivery");
        }
        return n;
    }

    int retryDead(String name) {
        return known(name, () -> admin.retryDead(name));
    }

    /** How many deliveries {@link #purge} would delete now. */
    long count(String name, boolean dead) {
        return known(name, () -> subscriptions(name).stream()
                .mapToLong(s -> dead ? s.dead() : s.depth()).reduce(Long::sum)
                .orElseThrow(() -> new IllegalArgumentException(unknown(name))));
    }

    /** A service's subscriptions, or a shared topic's. */
    private List<SubscriptionInfo> subscriptions(String name) {
        return admin.subscriptions().stream()
                .filter(s -> name.startsWith("/") ? s.topic().equals(name) : s.subscriber().equals(name)).toList();
    }

    int purge(String name, boolean dead) {
        return known(name, () -> admin.purge(name, dead));
    }

    void pause(String name) {
        known(name, () -> {
            admin.pause(name);
            return null;
        });
    }

    void resume(String name) {
        known(name, () -> {
            admin.resume(name);
            return null;
        });
    }

    static String unknown(String name) {
        return "No service or shared topic named " + Errors.quote(name) + " is known";
    }

    /**
     * A service or shared topic name from a request, checked before it is looked up or published to.
     *
     * @throws WebException 400 if it can be neither
     */
    static String name(String name) {
        if (!Names.isServiceName(name) && !Names.isSharedTopicName(name)) {
            throw WebException.badRequest(Errors.quote(name) + " is neither a service name (letters, digits, '.', '-',"
                    + " '_', at most " + Service.MAX_NAME_LENGTH + " characters) nor a shared topic name ('/' then such names separated by '/')");
        }
        return name;
    }

    /** Runs a store call that refuses unknown names with an IllegalArgumentException: those are 404s. */
    private static <T> T known(String name, Supplier<T> call) {
        name(name);
        try {
            return call.get();
        } catch (IllegalArgumentException e) {
            throw WebException.notFound(e.getMessage());
        }
    }
}
