package io.courier.web.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;

import io.courier.core.RegisteredService;
import io.courier.core.ServiceRegistry;
import io.courier.pubsub.MessageDetails;
import io.courier.pubsub.PubSubAdmin;
import io.courier.pubsub.QueuedMessage;
import io.courier.pubsub.SubscriptionInfo;
import io.courier.pubsub.TopicInfo;

/**
 * What the pages and the API show and do, read from the registry and the pub/sub store. Unknown names and
 * messages become 404s here, with the same words for both.
 */
final class Dashboard {

    private final ServiceRegistry registry;
    private final PubSubAdmin admin;

    Dashboard(ServiceRegistry registry, PubSubAdmin admin) {
        this.registry = registry;
        this.admin = admin;
    }

    /** Services registered now or known from their subscriptions, sorted by name. */
    List<ServiceRow> services() {
        Map<String, List<SubscriptionInfo>> byService = new TreeMap<>();
        for (SubscriptionInfo s : admin.subscriptions()) {
            byService.computeIfAbsent(s.subscriber(), k -> new ArrayList<>()).add(s);
        }
        registry.services().forEach(s -> byService.computeIfAbsent(s.name(), k -> new ArrayList<>()));
        List<ServiceRow> rows = new ArrayList<>();
        byService.forEach((name, subs) -> {
            Optional<RegisteredService> s = registry.find(name);
            rows.add(new ServiceRow(name, s.map(RegisteredService::bundleId).orElse(null),
                    s.map(RegisteredService::bundleSymbolicName).orElse(null),
                    s.map(RegisteredService::bundleVersion).orElse(null), s.isPresent() ? "active" : "unregistered",
                    subs.stream().mapToLong(SubscriptionInfo::depth).sum(),
                    subs.stream().mapToLong(SubscriptionInfo::dead).sum(),
                    subs.stream().mapToLong(SubscriptionInfo::delivered).sum(),
                    subs.stream().mapToLong(SubscriptionInfo::expired).sum(),
                    subs.stream().flatMap(i -> i.lastDeliveryAt().stream()).max(Comparable::compareTo).orElse(null),
                    !subs.isEmpty() && subs.stream().allMatch(SubscriptionInfo::paused)));
        });
        return rows;
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
