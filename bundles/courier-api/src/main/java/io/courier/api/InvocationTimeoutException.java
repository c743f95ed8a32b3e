package io.courier.api;

import java.time.Duration;

/** A service did not answer within the invocation's timeout; its thread was interrupted. */
public class InvocationTimeoutException extends CourierException {

    private static final long serialVersionUID = 1L;

    private final String serviceName;

    public InvocationTimeoutException(String serviceName, Duration timeout) {
        super("Service '" + serviceName + "' did not answer within " + timeout.toMillis()
                + " ms; the call was abandoned and its thread interrupted");
        this.serviceName = serviceName;
    }

    public String serviceName() {
        return serviceName;
    }
}
