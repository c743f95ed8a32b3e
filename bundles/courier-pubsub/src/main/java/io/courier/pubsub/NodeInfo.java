package io.courier.pubsub;

import java.time.Instant;
import java.util.List;

/**
 * A node using the store's database, as the shell and the web show it. One node on HSQLDB; on PostgreSQL, every
 * node that shares the database and ran in the last week. Times are the database's clock.
 *
 * @param name            the node's name ({@code COURIER_NODE})
 * @param address         where it is reached: host name and web port
 * @param startedAt       when it took its name
 * @param heartbeatAt     its last heartbeat
 * @param sinceHeartbeat  milliseconds since its last heartbeat, when read
 * @param state           live, stopped on purpose, or gone (silent past the lease)
 * @param self            whether it is the node that answers
 * @param services        the services registered on it, as of its last heartbeat
 * @param inFlight        the deliveries it had in hand, as of its last heartbeat
 */
public record NodeInfo(String name, String address, Instant startedAt, Instant heartbeatAt, long sinceHeartbeat,
        State state, boolean self, List<String> services, int inFlight) {

    /** Whether a node runs. */
    public enum State {
        /** Its heartbeat is younger than the lease. */
        LIVE,
        /** It stopped on purpose: what it had in hand went back to the queue. */
        STOPPED,
        /** Silent for longer than the lease: killed, frozen, or cut off from the database. */
        GONE
    }
}
