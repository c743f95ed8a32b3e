package io.courier.core.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.courier.api.InvocationException;

/**
 * Logs the failures of asynchronous invocations made without a callback, which nobody else hears of. Each failure
 * is one WARN line naming the service, the invocation id and the error; the stack trace comes with it the first
 * time a service fails with a given exception class, and at DEBUG after that. A service failing 10,000 times in a
 * row with the same exception thus writes 10,000 short lines and one stack trace; {@code log:set DEBUG} on this
 * logger shows every stack trace. What was seen is kept until Courier's core restarts.
 */
final class AsyncFailureLog {

    private static final Logger LOG = LoggerFactory.getLogger(AsyncFailureLog.class);

    /** "service exception-class" pairs whose stack trace was logged: as many as the services' code can throw. */
    private final Set<String> traced = ConcurrentHashMap.newKeySet();

    void failed(String service, String invocationId, Throwable error) {
        // a checked exception arrives wrapped: what failed is the service's own exception
        Throwable cause = error instanceof InvocationException && error.getCause() != null ? error.getCause() : error;
        if (traced.add(service + ' ' + cause.getClass().getName())) {
            LOG.warn("Asynchronous invocation {} of '{}' failed, with no callback to tell: {} (stack trace once per"
                    + " service and exception class; the next ones at DEBUG)", invocationId, service, error.toString(),
                    error);
        } else {
            LOG.warn("Asynchronous invocation {} of '{}' failed, with no callback to tell: {}", invocationId, service,
                    error.toString());
            LOG.debug("Asynchronous invocation {} of '{}' failed", invocationId, service, error);
        }
    }
}
