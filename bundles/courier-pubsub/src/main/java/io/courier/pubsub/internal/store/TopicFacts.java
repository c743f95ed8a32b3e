package io.courier.pubsub.internal.store;

/** A topic's stored facts: its last message. {@code lastMsgId} is null before the first message. */
public record TopicFacts(long id, String name, boolean shared, long createdAt, String lastMsgId, long lastMsgAt,
        String lastPreview) {

    static TopicFacts of(TopicEntity t) {
        return new TopicFacts(t.getId(), t.getName(), t.isShared(), t.getCreatedAt(), t.getLastMsgId(),
                t.getLastMsgAt(), t.getLastPreview());
    }

    /** These facts with a later last message, if {@code last} is one. */
    TopicFacts withLast(Tallies.Last last) {
        return last == null || (lastMsgId != null && last.at() < lastMsgAt) ? this
                : new TopicFacts(id, name, shared, createdAt, last.msgId(), last.at(), last.preview());
    }
}
