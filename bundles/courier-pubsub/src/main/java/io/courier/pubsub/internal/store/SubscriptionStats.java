package io.courier.pubsub.internal.store;

/** A subscription's stored counters. {@code lastDeliveryAt} is 0 before the first delivery. */
public record SubscriptionStats(long id, long topicId, String subscriber, boolean paused, long delivered, long expired,
        long lastDeliveryAt) {

    static SubscriptionStats of(SubscriptionEntity s) {
        return new SubscriptionStats(s.getId(), s.getTopicId(), s.getSubscriber(), s.isPaused(), s.getDelivered(),
                s.getExpired(), s.getLastDeliveryAt());
    }
}
