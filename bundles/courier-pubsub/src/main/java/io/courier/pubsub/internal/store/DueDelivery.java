package io.courier.pubsub.internal.store;

/** A delivery with its message, detached from the database. {@code expiresAt} is 0 for never. */
public record DueDelivery(long deliveryId, long subscriptionId, String state, int attempts, long nextAttemptAt,
        long lastAttemptAt, String lastError, long messageSeq, String msgId, long topicId, String data,
        String mimeType, int priority, String correlationId, String inReplyTo, String extClientId, String publisher,
        long publishedAt, long expiresAt) {

    static DueDelivery of(DeliveryEntity d) {
        MessageEntity m = d.getMessage();
        return new DueDelivery(d.getId(), d.getSubscriptionId(), d.getState(), d.getAttempts(), d.getNextAttemptAt(),
                d.getLastAttemptAt(), d.getLastError(), m.getId(), m.getMsgId(), m.getTopicId(), m.getData(),
                m.getMimeType(), m.getPriority(), m.getCorrelationId(), m.getInReplyTo(), m.getExtClientId(),
                m.getPublisher(), m.getPublishedAt(), m.getExpiresAt());
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
