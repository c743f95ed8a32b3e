package io.courier.api;

import java.util.Optional;

/**
 * How one asynchronous invocation ended: with a response, an error, or a timeout (fan-out only).
 *
 * @param invocationId the invocation's id
 * @param service      the invoked service
 * @param response     the response; null if there was none or the call failed
 * @param error        what the service threw (checked exceptions wrapped in {@link InvocationException}), or
 *                     why it could not be called; null on success
 * @param timedOut     true if no result came before the fan-out's timeout
 */
public record InvocationResult(String invocationId, String service, Object response, Throwable error,
        boolean timedOut) {

    public static InvocationResult ok(String invocationId, String service, Object response) {
        return new InvocationResult(invocationId, service, response, null, false);
    }

    public static InvocationResult failed(String invocationId, String service, Throwable error) {
        return new InvocationResult(invocationId, service, null, error, false);
    }

    public static InvocationResult timedOut(String invocationId, String service) {
        return new InvocationResult(invocationId, service, null, null, true);
    }

    /** Whether the service returned normally. */
    public boolean succeeded() {
        return error == null && !timedOut;
    }

    /** The error's message, for people: the exception's class and message, or "timed out". */
    public Optional<String> errorText() {
        return timedOut ? Optional.of("timed out") : Optional.ofNullable(error).map(Throwable::toString);
    }
}
