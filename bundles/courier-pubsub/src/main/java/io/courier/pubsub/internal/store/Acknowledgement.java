package io.courier.pubsub.internal.store;

/** The outcome of one delivery batch of a subscription, to be recorded by {@link Store#write}. */
public record Acknowledgement(long subscriptionId, BatchOutcome outcome, long now) {
}
