package io.courier.core.internal;

import io.courier.api.AsyncInvocation;
import io.courier.api.PublishOptions;

/** The calls a {@link CourierContext} makes on behalf of its service. */
interface Invoker {

    Object invoke(String caller, String correlationId, String name, Object payload);

    AsyncInvocation invokeAsync(String caller, String correlationId, String name, Object payload);

    String publish(String publisher, String correlationId, String name, Object data, PublishOptions options);
}
