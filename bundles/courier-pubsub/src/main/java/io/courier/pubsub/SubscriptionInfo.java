package io.courier.pubsub;

import java.time.Instant;
import java.util.Optional;

/** A subscription's facts and counters; {@code delivered} and {@code expired} count since it was created. */
public record SubscriptionInfo(String topic, String subscriber, long depth, long inFlight, long dead, long delivered,
        long expired, Optional<Instant> lastDeliveryAt, boolean paused) {
}
