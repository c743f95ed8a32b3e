package io.courier.pubsub.internal.store;

import java.util.List;

/**
 * What a node's heartbeat writes to its row.
 *
 * @param name        the node's name ({@code COURIER_NODE})
 * @param incarnation made up by each store the node opens ({@link Store#incarnation}): tells a restarted node, or
 *                    a second one given the same name, from the one that wrote the row
 * @param address     where people reach the node (host name and web port)
 * @param services    the services registered on the node now
 * @param inFlight    the deliveries it has in hand
 * @param stats       the node's own figures, as text the store keeps as it is; null: those of the node's last beat
 */
public record NodeBeat(String name, String incarnation, String address, List<String> services, int inFlight,
        String stats) {
}
