package io.courier.pubsub;

/**
 * What pub/sub did for one service since it started ({@link PubSubAdmin#statsSince()}): messages stored for it,
 * delivered, failed attempts, messages that became dead letters; and the rates of the first three, per second,
 * averaged over the last minute.
 */
public record ServiceStats(String service, long published, long delivered, long failed, long dead,
        double publishedPerSecond, double deliveredPerSecond, double failedPerSecond) {
}
