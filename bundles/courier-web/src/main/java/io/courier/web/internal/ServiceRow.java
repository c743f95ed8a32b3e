package io.courier.web.internal;

import java.time.Instant;

/**
 * A service as the dashboard lists it: registered now ({@code active}) or known from an earlier registration
 * ({@code unregistered}), with the counters of all its subscriptions.
 */
record ServiceRow(String name, Long bundleId, String bundle, String version, String state, long depth, long dead,
        long delivered, long expired, Instant lastDeliveryAt, boolean paused) {
}
