package io.courier.api;

/**
 * A service threw a checked exception; {@link #getCause()} is that exception. Unchecked exceptions thrown by
 * a service reach the caller unchanged.
 */
public class InvocationException extends CourierException {

    private static final long serialVersionUID = 1L;

    private final String serviceName;

    public InvocationException(String serviceName, Throwable cause) {
        super("Service '" + serviceName + "' failed: " + cause, cause);
        this.serviceName = serviceName;
    }

    public String serviceName() {
        return serviceName;
    }
}
