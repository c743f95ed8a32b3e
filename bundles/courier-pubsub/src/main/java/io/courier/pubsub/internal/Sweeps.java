package io.courier.pubsub.internal;

import io.courier.pubsub.SweepStats;

/**
 * What the delivery engine's periodic sweeps did since pub/sub started: how many ran, how many idle subscriptions
 * they probed and woke, and how long a sweep took (the last one, the longest).
 */
final class Sweeps {

    private long rounds;
    private long probed;
    private long woken;
    private long lastNanos;
    private long maxNanos;

    synchronized void record(int probedNow, int wokenNow, long nanos) {
        rounds++;
        probed += probedNow;
        woken += wokenNow;
        lastNanos = nanos;
        maxNanos = Math.max(maxNanos, nanos);
    }

    synchronized SweepStats stats() {
        return new SweepStats(rounds, probed, woken, lastNanos / 1_000, maxNanos / 1_000);
    }
}
