package io.courier.api;

/** No service of the requested name is registered now. */
public class ServiceNotFoundException extends CourierException {

    private static final long serialVersionUID = 1L;

    private final String serviceName;

    public ServiceNotFoundException(String serviceName) {
        super("No Courier service named '" + serviceName + "' is registered (courier:services lists them)");
        this.serviceName = serviceName;
    }

    public String serviceName() {
        return serviceName;
    }
}
