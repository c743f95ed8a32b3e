package io.courier.api;

/** The base of the exceptions Courier itself throws. */
public class CourierException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public CourierException(String message) {
        super(message);
    }

    public CourierException(String message, Throwable cause) {
        super(message, cause);
    }
}
