package io.courier.pubsub;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Everything stored about a message: its metadata, its data as JSON text, and where it waits.
 *
 * @param deliveries one per subscription the message still waits for, pending or dead
 */
public record MessageDetails(String msgId, String topic, String mimeType, int priority, Instant publishedAt,
        Optional<Instant> expiresAt, String correlationId, Optional<String> inReplyTo, Optional<String> extClientId,
        Optional<String> publisher, String data, List<QueuedMessage> deliveries) {
}
