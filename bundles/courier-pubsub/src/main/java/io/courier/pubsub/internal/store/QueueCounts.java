package io.courier.pubsub.internal.store;

/** How many deliveries of a subscription are pending and dead. */
public record QueueCounts(long pending, long dead) {

    public static final QueueCounts EMPTY = new QueueCounts(0, 0);

    QueueCounts plus(QueueCounts other) {
        return new QueueCounts(pending + other.pending, dead + other.dead);
    }
}
