package io.courier.api;

/** A chain of nested invocations went deeper than {@link Courier#MAX_DEPTH}: most likely endless recursion. */
public class InvocationDepthException extends CourierException {

    private static final long serialVersionUID = 1L;

    public InvocationDepthException(String message) {
        super(message);
    }
}
