package io.courier.pubsub.internal.jmx;

import java.util.List;

/**
 * {@code io.courier:type=services}: the services' queues and delivery rates (this node's, and the cluster's: those
 * of every live node added up), and pausing delivery.
 */
public interface ServicesMXBean {

    /** Every service with its queue figures and its rates over the last minute. */
    List<ServiceView> getServices();

    /** Messages published to any service per second, over the last minute. */
    double getPublishedPerSecond();

    /** Messages delivered per second over the last minute. */
    double getDeliveredPerSecond();

    /** Failed delivery attempts per second over the last minute. */
    double getFailedPerSecond();

    /** Messages published per second over the last minute on every live node together. */
    double getClusterPublishedPerSecond();

    /** Messages delivered per second over the last minute on every live node together. */
    double getClusterDeliveredPerSecond();

    /** Failed delivery attempts per second over the last minute on every live node together. */
    double getClusterFailedPerSecond();

    /** Pauses delivery to a service or shared topic; messages are stored and wait. */
    void pause(String name);

    /** Resumes delivery to a service or shared topic. */
    void resume(String name);

    /** A service as JMX shows it (an open type: a composite of these getters). */
    final class ServiceView {
        private final io.courier.pubsub.ServiceInfo s;
        private final io.courier.pubsub.ServiceStats stats;

        ServiceView(io.courier.pubsub.ServiceInfo s, io.courier.pubsub.ServiceStats stats) {
            this.s = s;
            this.stats = stats;
        }

        public String getName() {
            return s.name();
        }

        public boolean isRegistered() {
            return s.registered();
        }

        public boolean isPaused() {
            return s.paused();
        }

        /** Calls that passed their delivery timeout and still hold their handler thread. */
        public int getHung() {
            return s.hung();
        }

        public long getDepth() {
            return s.depth();
        }

        public long getInFlight() {
            return s.inFlight();
        }

        public long getDead() {
            return s.dead();
        }

        public long getDelivered() {
            return s.delivered();
        }

        public String getLastDeliveryTime() {
            return s.lastDeliveryAt().map(Object::toString).orElse("");
        }

        public double getPublishedPerSecond() {
            return stats == null ? 0 : stats.publishedPerSecond();
        }

        public double getDeliveredPerSecond() {
            return stats == null ? 0 : stats.deliveredPerSecond();
        }

        public double getFailedPerSecond() {
            return stats == null ? 0 : stats.failedPerSecond();
        }
    }
}
