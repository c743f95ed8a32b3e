package io.courier.core.internal;

import java.util.List;

import io.courier.api.AsyncInvocation;
import io.courier.api.AsyncOptions;
import io.courier.api.Context;
import io.courier.api.InvokeOptions;
import io.courier.api.Patterns;
import io.courier.api.PubSub;
import io.courier.api.PublishOptions;

/**
 * The calls a caller makes: as a service handling a request (its {@link Context}), or, with
 * {@link Caller#OUTSIDE}, as the OSGi service {@link io.courier.api.Courier} for code outside services.
 */
final class CourierCalls implements Context {

    private final Invocations invocations;
    private final Caller caller;

    CourierCalls(Invocations invocations, Caller caller) {
        this.invocations = invocations;
        this.caller = caller;
    }

    @Override
    public String serviceName() {
        return caller.name();
    }

    @Override
    public String correlationId() {
        return caller.correlationId();
    }

    @Override
    public Object invoke(String name, Object payload, InvokeOptions options) {
        return invocations.invoke(caller, name, payload, options);
    }

    @Override
    public AsyncInvocation invokeAsync(String name, Object payload, AsyncOptions options) {
        return invocations.invokeAsync(caller, name, payload, options);
    }

    @Override
    public Patterns patterns() {
        return new PatternSupport(invocations, caller);
    }

    @Override
    public PubSub pubsub() {
        return new PubSub() {
            @Override
            public String publish(String name, Object data, PublishOptions options) {
                return invocations.publish(caller, name, data, options);
            }

            @Override
            public List<String> publishAll(String name, List<?> data, PublishOptions options) {
                return invocations.publishAll(caller, name, data, options);
            }
        };
    }
}
