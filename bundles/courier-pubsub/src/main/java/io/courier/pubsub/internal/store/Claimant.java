package io.courier.pubsub.internal.store;

/**
 * Who claims the deliveries a node fetches, where nodes share the database (see {@link QueueStatements}).
 *
 * @param incarnation the node's incarnation, as its heartbeat writes it (see {@link NodeBeat})
 * @param node        the node's name, under which it counts the deliveries it adds and takes (see
 *                    {@link QueueStatements#count})
 * @param leaseMs     how long a node's heartbeat may be silent before its claims go to others
 */
public record Claimant(String incarnation, String node, long leaseMs) {
}
