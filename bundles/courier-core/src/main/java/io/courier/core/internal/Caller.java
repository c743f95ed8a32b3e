package io.courier.core.internal;

/**
 * Who makes a call: a service (or null outside services), its correlation id (null: a new one per call) and
 * how deep in a chain of nested invocations it is.
 */
record Caller(String name, String correlationId, int depth) {

    static final Caller OUTSIDE = new Caller(null, null, 0);
}
