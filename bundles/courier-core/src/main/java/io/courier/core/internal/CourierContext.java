package io.courier.core.internal;

import io.courier.api.AsyncInvocation;
import io.courier.api.Context;
import io.courier.api.PubSub;

/** The context of one service handling one request: its calls carry its name and correlation id. */
final class CourierContext implements Context {

    private final Invoker invoker;
    private final String serviceName;
    private final String correlationId;

    CourierContext(Invoker invoker, String serviceName, String correlationId) {
        this.invoker = invoker;
        this.serviceName = serviceName;
        this.correlationId = correlationId;
    }

    @Override
    public String serviceName() {
        return serviceName;
    }

    @Override
    public String correlationId() {
        return correlationId;
    }

    @Override
    public Object invoke(String name, Object payload) {
        return invoker.invoke(serviceName, correlationId, name, payload);
    }

    @Override
    public AsyncInvocation invokeAsync(String name, Object payload) {
        return invoker.invokeAsync(serviceName, correlationId, name, payload);
    }

    @Override
    public PubSub pubsub() {
        return (name, data, options) -> invoker.publish(serviceName, correlationId, name, data, options);
    }
}
