package io.courier.pubsub;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A topic's facts. {@code depth} counts pending deliveries (in flight included), {@code inFlight} those being
 * delivered now, {@code dead} dead letters, all subscriptions together.
 */
public record TopicInfo(String name, boolean shared, List<String> subscribers, long depth, long inFlight, long dead,
        Optional<String> lastMsgId, Optional<Instant> lastMsgAt, Optional<String> lastPreview) {
}
