package io.courier.pubsub.internal.store;

/** A subscription's stored counters. {@code lastDeliveryAt} is 0 before the first delivery. */
public record SubscriptionStats(long id, long topicId, String subscriber, boolean paused, long delivered, long expired,
        long lastDeliveryAt) {

    static SubscriptionStats of(SubscriptionEntity s) {
        return new SubscriptionStats(s.getId(), s.getTopicId(), s.getSubscriber(), s.isPaused(), s.getDelivered(),
                s.getExpired(), s.getLastDeliveryAt());
    }

    /** These counts with more deliveries done, if {@code done} holds any. */
    SubscriptionStats plus(Tallies.Done done) {
        return done == null ? this : new SubscriptionStats(id, topicId, subscriber, paused, delivered + done.delivered(),
                expired + done.expired(), Math.max(lastDeliveryAt, done.lastAt()));
    }
}
