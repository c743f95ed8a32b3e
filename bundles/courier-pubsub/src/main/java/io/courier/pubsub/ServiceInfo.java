package io.courier.pubsub;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A Courier service as pub/sub knows it: registered now (with its bundle) or known from an earlier registration,
 * and its queue figures over all its subscriptions. {@code delivered} and {@code expired} count since its
 * subscriptions were created; {@code paused} is true when delivery to all of them is paused; {@code hung} counts
 * its calls that passed their delivery timeout and still hold their handler thread (a service that ignores the
 * interrupt): no other message goes to that subscription until the call returns. {@code nodes} names the live nodes
 * it is registered on, in order (see {@link PubSubAdmin#nodes}): this node as it is now, the others as of their last
 * heartbeat.
 */
public record ServiceInfo(String name, Optional<Bundle> bundle, long depth, long inFlight, long dead, long delivered,
        long expired, Optional<Instant> lastDeliveryAt, boolean paused, int hung, List<String> nodes) {

    /** The bundle that registers the service now. */
    public record Bundle(long id, String symbolicName, String version) {
    }

    /** Whether the service is registered now. */
    public boolean registered() {
        return bundle.isPresent();
    }

    /** The nodes it is registered on, as the shell and the dashboard show them: {@code node-a, node-b}, or -. */
    public String nodeList() {
        return nodes.isEmpty() ? "-" : String.join(", ", nodes);
    }

    /** Its state in words, as the shell and the dashboard show it: {@code active, paused, 1 hung}. */
    public String state() {
        return (registered() ? "active" : "unregistered") + (paused ? ", paused" : "")
                + (hung > 0 ? ", " + hung + " hung" : "");
    }
}
