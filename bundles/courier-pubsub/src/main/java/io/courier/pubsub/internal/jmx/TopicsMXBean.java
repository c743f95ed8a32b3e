package io.courier.pubsub.internal.jmx;

import java.util.List;

/** {@code io.courier:type=topics}: the topics' queues, and the operations on their messages. */
public interface TopicsMXBean {

    /** Every topic with its figures. */
    List<TopicView> getTopics();

    /** Pending deliveries over all topics. */
    long getTotalDepth();

    /** Deliveries being delivered now over all topics. */
    long getTotalInFlight();

    /** Dead letters over all topics. */
    long getTotalDead();

    /** Makes a message's dead letters pending again; returns how many. */
    int retry(String msgId);

    /** Makes every dead letter of a service or shared topic pending again; returns how many. */
    int retryDead(String name);

    /** Deletes the pending messages (dead false) or the dead letters (dead true) of a service or shared topic. */
    int purge(String name, boolean dead);

    /** A topic as JMX shows it (an open type: a composite of these getters). */
    final class TopicView {
        private final io.courier.pubsub.TopicInfo t;

        TopicView(io.courier.pubsub.TopicInfo t) {
            this.t = t;
        }

        public String getName() {
            return t.name();
        }

        public boolean isShared() {
            return t.shared();
        }

        public String getSubscribers() {
            return String.join(",", t.subscribers());
        }

        public long getDepth() {
            return t.depth();
        }

        public long getInFlight() {
            return t.inFlight();
        }

        public long getDead() {
            return t.dead();
        }

        public String getLastMessageId() {
            return t.lastMsgId().orElse("");
        }

        public String getLastMessageTime() {
            return t.lastMsgAt().map(Object::toString).orElse("");
        }
    }
}
