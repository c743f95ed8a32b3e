package io.courier.pubsub.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import io.courier.pubsub.internal.store.SubscriptionRow;
import io.courier.pubsub.internal.store.TopicRow;

/**
 * The topics and their subscriptions, kept in memory to route publishes without a query. A copy of the
 * (small) topic and subscription tables, replaced whole when they change.
 * <p>
 * Reloads are ordered: each reads the tables and installs what it read under one lock, so a reload never
 * installs tables older than those already installed (a pause stored just before a new subscription's reload is
 * never undone by an earlier read finishing last).
 */
final class Routing {

    private record Snapshot(Map<String, TopicRow> byName, Map<Long, TopicRow> byId,
            Map<Long, SubscriptionRow> subscriptions) {
    }

    private volatile Snapshot snapshot = new Snapshot(Map.of(), Map.of(), Map.of());

    /** Reads the tables and installs them; call after every change stored, once it is committed. */
    synchronized void reload(Supplier<List<TopicRow>> tables) {
        install(tables.get());
    }

    private void install(List<TopicRow> topics) {
        Map<String, TopicRow> byName = new HashMap<>();
        Map<Long, TopicRow> byId = new HashMap<>();
        Map<Long, SubscriptionRow> subscriptions = new HashMap<>();
        for (TopicRow t : topics) {
            byName.put(t.name(), t);
            byId.put(t.id(), t);
            t.subscriptions().forEach(s -> subscriptions.put(s.id(), s));
        }
        snapshot = new Snapshot(Map.copyOf(byName), Map.copyOf(byId), Map.copyOf(subscriptions));
    }

    Optional<TopicRow> topic(String name) {
        return Optional.ofNullable(snapshot.byName().get(name));
    }

    Optional<SubscriptionRow> subscription(long id) {
        return Optional.ofNullable(snapshot.subscriptions().get(id));
    }

    String topicName(long topicId) {
        TopicRow t = snapshot.byId().get(topicId);
        return t == null ? "?" : t.name();
    }

    List<TopicRow> topics() {
        return List.copyOf(snapshot.byName().values());
    }

    /** Every subscription. */
    List<SubscriptionRow> subscriptions() {
        return List.copyOf(snapshot.subscriptions().values());
    }

    /** The subscriptions of one subscriber, across all topics. */
    List<SubscriptionRow> subscriptionsOf(String subscriber) {
        List<SubscriptionRow> list = new ArrayList<>();
        for (SubscriptionRow s : snapshot.subscriptions().values()) {
            if (s.subscriber().equals(subscriber)) {
                list.add(s);
            }
        }
        return list;
    }

    /** Whether the subscriber is subscribed to each of these topics already. */
    boolean subscribedToAll(String subscriber, List<String> topicNames) {
        Snapshot s = snapshot;
        for (String name : topicNames) {
            TopicRow t = s.byName().get(name);
            if (t == null || t.subscriptions().stream().noneMatch(sub -> sub.subscriber().equals(subscriber))) {
                return false;
            }
        }
        return true;
    }
}
