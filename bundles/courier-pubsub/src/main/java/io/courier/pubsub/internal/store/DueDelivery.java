package io.courier.pubsub.internal.store;

/**
 * A delivery with its message, detached from the database. {@code expiresAt} is 0 for never. {@code messageRow}:
 * whether the message has a row of its own, which the deliveries to its topic's subscriptions share, rather
 * than being kept in the delivery's row (a topic with one subscription).
 */
public record DueDelivery(long deliveryId, long subscriptionId, String state, int attempts, long nextAttemptAt,
        long lastAttemptAt, String lastError, long messageSeq, boolean messageRow, String msgId, long topicId,
        String data, String mimeType, int priority, String correlationId, String inReplyTo, String extClientId,
        String publisher, long publishedAt, long expiresAt) {

    /** A delivery read through JPA, its message fetched with it (a left join: null if kept in the delivery's row). */
    static DueDelivery of(DeliveryEntity d) {
        MessageEntity m = d.getMessage();
        if (m == null) {
            return new DueDelivery(d.getId(), d.getSubscriptionId(), d.getState(), d.getAttempts(),
                    d.getNextAttemptAt(), d.getLastAttemptAt(), d.getLastError(), d.getMessageId(), false, d.getMsgId(),
                    d.getTopicId(), d.getData(), d.getMimeType(), d.getPriority(), d.getCorrelationId(),
                    d.getInReplyTo(), d.getExtClientId(), d.getPublisher(), d.getPublishedAt(), d.getExpiresAt());
        }
        return new DueDelivery(d.getId(), d.getSubscriptionId(), d.getState(), d.getAttempts(), d.getNextAttemptAt(),
                d.getLastAttemptAt(), d.getLastError(), m.getId(), true, m.getMsgId(), m.getTopicId(), m.getData(),
                m.getMimeType(), m.getPriority(), m.getCorrelationId(), m.getInReplyTo(), m.getExtClientId(),
                m.getPublisher(), m.getPublishedAt(), m.getExpiresAt());
    }

    /** A delivery just stored, not attempted yet, as a fetch would read it. */
    static DueDelivery stored(long deliveryId, long subscriptionId, long messageSeq, boolean messageRow, NewMessage m) {
        return new DueDelivery(deliveryId, subscriptionId, DeliveryEntity.PENDING, 0, m.publishedAt(), 0, null,
                messageSeq, messageRow, m.msgId(), m.topicId(), m.data(), m.mimeType(), m.priority(), m.correlationId(),
                m.inReplyTo(), m.extClientId(), m.publisher(), m.publishedAt(), m.expiresAt());
    }

    /**
     * Whether it may be attempted now: its next attempt has come, or its last attempt was made before the service
     * registered (a new registration does not wait out the backoff of the previous one).
     */
    public boolean dueAt(long now, long registeredAt) {
        return nextAttemptAt <= now || lastAttemptAt < registeredAt;
    }

    public boolean expiredAt(long now) {
        return expiresAt != 0 && expiresAt <= now;
    }

    public boolean dead() {
        return DeliveryEntity.DEAD.equals(state);
    }
}
