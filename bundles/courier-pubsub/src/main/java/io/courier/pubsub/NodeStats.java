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
 */
public record NodeStats(String node, Instant since, List<ServiceStats> services) {
}
