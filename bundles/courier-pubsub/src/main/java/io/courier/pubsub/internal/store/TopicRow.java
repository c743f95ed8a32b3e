package io.courier.pubsub.internal.store;

import java.util.List;

/** A topic and its subscriptions, as kept in memory to route publishes. */
public record TopicRow(long id, String name, boolean shared, List<SubscriptionRow> subscriptions) {
}
