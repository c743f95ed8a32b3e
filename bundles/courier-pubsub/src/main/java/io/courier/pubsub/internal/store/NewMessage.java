package io.courier.pubsub.internal.store;

import java.util.List;

/** A validated message about to be stored. {@code expiresAt} is 0 for a message that never expires. */
public record NewMessage(String msgId, boolean idChosenByCaller, long topicId, List<Long> subscriptionIds, String data,
        String mimeType, int priority, String correlationId, String inReplyTo, String extClientId, String publisher,
        long publishedAt, long expiresAt) {

    static final int PREVIEW_CHARS = 200;

    /** The beginning of the data, kept on the topic as its last message's preview. */
    String preview() {
        return Store.truncate(data, PREVIEW_CHARS);
    }
}
