package io.courier.pubsub.internal;

/** A service did not return within its delivery timeout: counted as a failed attempt. */
class DeliveryTimeoutException extends Exception {

    private static final long serialVersionUID = 1L;

    DeliveryTimeoutException(long timeoutMs) {
        super("no answer within " + timeoutMs + " ms (timeoutMs); the service's thread was interrupted");
    }
}
