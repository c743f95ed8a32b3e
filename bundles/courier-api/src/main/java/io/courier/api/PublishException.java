package io.courier.api;

/** A publish was refused; nothing was stored. The message says why. */
public class PublishException extends CourierException {

    private static final long serialVersionUID = 1L;

    public PublishException(String message) {
        super(message);
    }

    public PublishException(String message, Throwable cause) {
        super(message, cause);
    }
}
