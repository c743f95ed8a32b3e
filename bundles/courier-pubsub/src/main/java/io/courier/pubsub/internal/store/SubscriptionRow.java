package io.courier.pubsub.internal.store;

/** A subscription: which service receives a topic's messages. */
public record SubscriptionRow(long id, long topicId, String subscriber, boolean paused) {

    static SubscriptionRow of(SubscriptionEntity s) {
        return new SubscriptionRow(s.getId(), s.getTopicId(), s.getSubscriber(), s.isPaused());
    }
}
