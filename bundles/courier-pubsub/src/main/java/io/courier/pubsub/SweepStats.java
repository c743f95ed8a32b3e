package io.courier.pubsub;

/**
 * What the delivery sweep did since pub/sub started. The sweep is the safety net behind the in-process wake-ups:
 * every interval it asks the store which idle subscriptions have due deliveries and wakes them. {@code probed}
 * counts subscriptions asked about (one index read each), {@code woken} those it found waiting; a sweep's time is
 * in microseconds, the last one's and the longest.
 */
public record SweepStats(long rounds, long probed, long woken, long lastMicros, long maxMicros) {
}
