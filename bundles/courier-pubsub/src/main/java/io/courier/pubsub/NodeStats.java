package io.courier.pubsub;

import java.time.Instant;
import java.util.List;

/**
 * What one live node did per service since its pub/sub started ({@link PubSubAdmin#stats()} on that node): the
 * node that answers counts its own now; the others' figures are as their heartbeat last wrote them, at most a few
 * seconds old.
 *
 * @param node     the node's name ({@code COURIER_NODE})
 * @param since    when its pub/sub started counting
 * @param services its figures per service, sorted by service name
 * @param at       when they were taken, by the node's clock; null if it did not say (an earlier build)
 */
public record NodeStats(String node, Instant since, List<ServiceStats> services, Instant at) {

    /** Figures of unknown time (written by a node of an earlier build): {@code at} null. */
    public NodeStats(String node, Instant since, List<ServiceStats> services) {
        this(node, since, services, null);
    }
}
