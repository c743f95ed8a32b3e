package io.courier.pubsub.internal.jmx;

import java.util.List;
import java.util.Locale;

import io.courier.pubsub.NodeInfo;

/** {@code io.courier:type=nodes}: the nodes using the store's database, as {@code courier:nodes} lists them. */
public interface NodesMXBean {

    /** Every node that used the database in the last week. */
    List<NodeView> getNodes();

    /** How many nodes are live now. */
    int getLiveNodes();

    /** This node's name. */
    String getThisNode();

    /** A node as JMX shows it (an open type: a composite of these getters). */
    final class NodeView {
        private final NodeInfo n;

        NodeView(NodeInfo n) {
            this.n = n;
        }

        public String getName() {
            return n.name();
        }

        public String getAddress() {
            return n.address();
        }

        /** live, stopped or gone. */
        public String getState() {
            return n.state().name().toLowerCase(Locale.ROOT);
        }

        public String getStartedAt() {
            return n.startedAt().toString();
        }

        public String getHeartbeatAt() {
            return n.heartbeatAt().toString();
        }

        public long getMillisSinceHeartbeat() {
            return n.sinceHeartbeat();
        }

        public String getServices() {
            return String.join(",", n.services());
        }

        public int getInFlight() {
            return n.inFlight();
        }
    }
}
