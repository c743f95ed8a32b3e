package io.courier.pubsub.internal.store;

/**
 * Who claims the deliveries a node fetches, where nodes share the database (see {@link QueueStatements}).
 *
 * @param incarnation the node's incarnation, as its heartbeat writes it (see {@link NodeBeat})
 * @param leaseMs     how long a node's heartbeat may be silent before its claims go to others
 */
public record Claimant(String incarnation, long leaseMs) {
}
