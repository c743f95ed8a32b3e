package io.courier.core.internal;

/**
 * Who makes a call: a service (or null outside services), its correlation id (null: a new one per call), how deep
 * in a chain of nested invocations it is, and the pub/sub message and the asynchronous invocation it works for
 * (null if none), which the services it calls carry on in their {@link LogContext}.
 */
record Caller(String name, String correlationId, int depth, String msgId, String invocationId) {

    static final Caller OUTSIDE = new Caller(null, null, 0, null, null);

    /** This caller, making the calls of an asynchronous invocation or fan-out. */
    Caller forInvocation(String id) {
        return new Caller(name, correlationId, depth, msgId, id);
    }

    /** The caller a service becomes while it handles a call from this one. */
    Caller callee(String service, String calleeCorrelationId) {
        return new Caller(service, calleeCorrelationId, depth + 1, msgId, invocationId);
    }
}
