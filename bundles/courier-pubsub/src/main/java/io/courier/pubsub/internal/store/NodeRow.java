package io.courier.pubsub.internal.store;

import java.util.List;

/**
 * A node's row, as read, times by the database's clock.
 *
 * @param stoppedAt        when it stopped on purpose, null while it runs or if it went silent
 * @param sinceHeartbeatMs how long ago it last beat, when read
 * @param stats            its own figures as its heartbeat last wrote them ({@link NodeBeat#stats}); null if none
 */
public record NodeRow(String name, String incarnation, String address, long startedAt, long heartbeatAt,
        Long stoppedAt, List<String> services, int inFlight, long sinceHeartbeatMs, String stats) {

    /** Whether it runs: not stopped, and beat within the lease. */
    public boolean liveWithin(long leaseMs) {
        return stoppedAt == null && sinceHeartbeatMs <= leaseMs;
    }
}
