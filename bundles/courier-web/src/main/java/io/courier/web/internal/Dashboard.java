package io.courier.web.internal;

import java.util.List;
import java.util.function.Supplier;

import io.courier.api.Names;
import io.courier.api.Service;
import io.courier.pubsub.MessageDetails;
import io.courier.pubsub.NodeInfo;
import io.courier.pubsub.NodeStats;
import io.courier.pubsub.PubSubAdmin;
import io.courier.pubsub.QueuedMessage;
import io.courier.pubsub.ServiceInfo;
import io.courier.pubsub.ServiceStats;
import io.courier.pubsub.TopicInfo;

/**
 * What the pages and the API show and do, read from the pub/sub store. Names that cannot be a service's or a
 * shared topic's become 400s here, unknown names and messages 404s, with the same words for both.
 */
final class Dashboard {

    private final PubSubAdmin admin;

    Dashboard(PubSubAdmin admin) {
        this.admin = admin;
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
        return known(name, () -> admin.subscriptions().stream()
                .filter(s -> name.startsWith("/") ? s.topic().equals(name) : s.subscriber().equals(name))
                .mapToLong(s -> dead ? s.dead() : s.depth()).reduce(Long::sum)
                .orElseThrow(() -> new IllegalArgumentException(unknown(name))));
    }

    int purge(String name, boolean dead) {
        return known(name, () -> admin.purge(name, dead));
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
