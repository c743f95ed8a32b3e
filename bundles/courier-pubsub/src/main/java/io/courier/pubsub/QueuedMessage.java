package io.courier.pubsub;

import java.time.Instant;
import java.util.Optional;

/** A delivery waiting in a queue, or dead, with its message's metadata and the beginning of its data. */
public record QueuedMessage(String msgId, String topic, String subscriber, int priority, Instant publishedAt,
        int attempts, Instant nextAttemptAt, Optional<String> lastError, boolean dead, String dataPreview) {
}
