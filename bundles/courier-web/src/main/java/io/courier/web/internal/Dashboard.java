package io.courier.web.internal;

import java.util.List;
import java.util.function.Supplier;

import io.courier.pubsub.MessageDetails;
import io.courier.pubsub.PubSubAdmin;
import io.courier.pubsub.QueuedMessage;
import io.courier.pubsub.ServiceInfo;
import io.courier.pubsub.TopicInfo;

/**
 * What the pages and the API show and do, read from the pub/sub store. Unknown names and messages become
 * 404s here, with the same words for both.
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

    /** One page of a service's or a shared topic's pending messages or dead letters. */
    List<QueuedMessage> browse(String name, boolean dead, Paging page) {
        return known(() -> admin.browse(name, dead, page.offset(), page.limit()));
    }

    MessageDetails message(String msgId) {
        return admin.message(msgId).orElseThrow(() -> WebException.notFound("Message '" + msgId + "' is not stored:"
                + " it was delivered, purged, or never published"));
    }

    /** Retries a message's dead letters: 404 if it is not stored, 409 if it has no dead letter. */
    int retry(String msgId) {
        int n = admin.retry(msgId);
        if (n == 0) {
            message(msgId);
            throw new WebException(409, "Message '" + msgId + "' has no dead letter: it is waiting for delivery");
        }
        return n;
    }

    int retryDead(String name) {
        return known(() -> admin.retryDead(name));
    }

    /** How many deliveries {@link #purge} would delete now. */
    long count(String name, boolean dead) {
        return known(() -> admin.subscriptions().stream()
                .filter(s -> name.startsWith("/") ? s.topic().equals(name) : s.subscriber().equals(name))
                .mapToLong(s -> dead ? s.dead() : s.depth()).reduce(Long::sum)
                .orElseThrow(() -> new IllegalArgumentException(unknown(name))));
    }

    int purge(String name, boolean dead) {
        return known(() -> admin.purge(name, dead));
    }

    static String unknown(String name) {
        return "No service or shared topic named '" + name + "' is known";
    }

    /** Runs a store call that refuses unknown names with an IllegalArgumentException: those are 404s. */
    private static <T> T known(Supplier<T> call) {
        try {
            return call.get();
        } catch (IllegalArgumentException e) {
            throw WebException.notFound(e.getMessage());
        }
    }
}
