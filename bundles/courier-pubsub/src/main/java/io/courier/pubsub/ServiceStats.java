package io.courier.pubsub;

/**
 * What pub/sub did for one service since it started ({@link PubSubAdmin#statsSince()}): messages stored for it,
 * delivered, failed attempts, messages that became dead letters; the rates of the first three, per second,
 * averaged over the last minute; and the time from publish to the end of {@code handle} of the deliveries of the
 * last minute ({@link Latency#NONE} from a node of an earlier build).
 */
public record ServiceStats(String service, long published, long delivered, long failed, long dead,
        double publishedPerSecond, double deliveredPerSecond, double failedPerSecond, Latency latency) {

    public ServiceStats {
        latency = latency == null ? Latency.NONE : latency;
    }

    /** Figures without latency, as an earlier build made them. */
    public ServiceStats(String service, long published, long delivered, long failed, long dead,
            double publishedPerSecond, double deliveredPerSecond, double failedPerSecond) {
        this(service, published, delivered, failed, dead, publishedPerSecond, deliveredPerSecond, failedPerSecond,
                Latency.NONE);
    }

    /** The figures of the same service on two nodes, added up. */
    public ServiceStats plus(ServiceStats other) {
        if (!service.equals(other.service)) {
            throw new IllegalArgumentException("Adding the figures of " + other.service + " to those of " + service);
        }
        return new ServiceStats(service, published + other.published, delivered + other.delivered,
                failed + other.failed, dead + other.dead, publishedPerSecond + other.publishedPerSecond,
                deliveredPerSecond + other.deliveredPerSecond, failedPerSecond + other.failedPerSecond,
                latency.plus(other.latency));
    }
}
