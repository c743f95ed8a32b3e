package io.courier.core.internal;

import java.util.HashMap;
import java.util.Map;

import org.slf4j.MDC;

/**
 * The logging context (SLF4J's MDC) while a service handles a request: every line logged meanwhile on that thread,
 * by the service or by Courier, carries these keys, which a log pattern shows with {@code %X{courier.msgId}} and so
 * on. Courier sets them around each call of a service's {@code handle} and gives the thread its previous context
 * back afterwards, so a nested invocation leaves its caller's context as it found it.
 */
final class LogContext implements AutoCloseable {

    /** The service handling the request. */
    static final String SERVICE = "courier.service";
    /** The pub/sub message being delivered, or whose handling led to this call; absent otherwise. */
    static final String MSG_ID = "courier.msgId";
    /** The correlation id of the request. */
    static final String CORRELATION_ID = "courier.correlationId";
    /** The asynchronous invocation or fan-out this call is part of (a callback service's too); absent otherwise. */
    static final String INVOCATION_ID = "courier.invocationId";

    /** The thread's context before; null or empty if it had none. */
    private final Map<String, String> previous;

    private LogContext(Map<String, String> previous) {
        this.previous = previous;
    }

    /**
     * Sets the keys (a null value leaves its key out) until {@link #close()}. The whole context is read once and set
     * once, here and when closing: pax-logging takes a lock for each MDC operation.
     */
    static LogContext enter(String service, String msgId, String correlationId, String invocationId) {
        Map<String, String> previous = MDC.getCopyOfContextMap();
        Map<String, String> context = previous == null ? new HashMap<>() : new HashMap<>(previous);
        set(context, SERVICE, service);
        set(context, MSG_ID, msgId);
        set(context, CORRELATION_ID, correlationId);
        set(context, INVOCATION_ID, invocationId);
        MDC.setContextMap(context);
        return new LogContext(previous);
    }

    /** Gives the thread back the context it had before {@link #enter}. */
    @Override
    public void close() {
        if (previous == null || previous.isEmpty()) {
            MDC.clear();
        } else {
            MDC.setContextMap(previous);
        }
    }

    private static void set(Map<String, String> context, String key, String value) {
        if (value == null) {
            context.remove(key);
        } else {
            context.put(key, value);
        }
    }
}
