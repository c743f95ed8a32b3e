package io.courier.pubsub;

/**
 * What pub/sub did for one service since it started ({@link PubSubAdmin#statsSince()}): messages stored for it,
 * delivered, failed attempts, messages that became dead letters; and the rates of the first three, per second,
 * averaged over the last minute.
 */
public record ServiceStats(String service, long published, long delivered, long failed, long dead,
        double publishedPerSecond, double deliveredPerSecond, double failedPerSecond) {

    /** The figures of the same service on two nodes, added up. */
    public ServiceStats plus(ServiceStats other) {
        if (!service.equals(other.service)) {
            throw new IllegalArgumentException("Adding the figures of " + other.service + " to those of " + service);
        }
        return new ServiceStats(service, published + other.published, delivered + other.delivered,
                failed + other.failed, dead + other.dead, publishedPerSecond + other.publishedPerSecond,
                deliveredPerSecond + other.deliveredPerSecond, failedPerSecond + other.failedPerSecond);
    }
}
