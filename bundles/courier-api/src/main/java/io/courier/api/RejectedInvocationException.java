package io.courier.api;

/** An asynchronous call was refused because the queue of asynchronous calls is full. */
public class RejectedInvocationException extends CourierException {

    private static final long serialVersionUID = 1L;

    public RejectedInvocationException(String message) {
        super(message);
    }
}
