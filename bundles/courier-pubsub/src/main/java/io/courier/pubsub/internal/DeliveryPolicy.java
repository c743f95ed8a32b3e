package io.courier.pubsub.internal;

/** How a subscription's messages are retried. */
record DeliveryPolicy(int maxAttempts, long backoffInitialMs, long backoffMaxMs, double backoffMultiplier,
        boolean ordered, long timeoutMs) {

    /** The wait after the given failed attempt (1 for the first): initial × multiplier^(attempt-1), capped. */
    long backoffMs(int failedAttempt) {
        double wait = backoffInitialMs * Math.pow(backoffMultiplier, Math.max(0, failedAttempt - 1));
        return (long) Math.min(wait, backoffMaxMs);
    }

    /** Whether a delivery that has failed this many times is dead. */
    boolean exhausted(int failedAttempts) {
        return failedAttempts >= maxAttempts;
    }
}
