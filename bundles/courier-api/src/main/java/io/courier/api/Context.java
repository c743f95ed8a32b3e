package io.courier.api;

import org.osgi.annotation.versioning.ProviderType;

/** What a service can do while it handles a request. */
@ProviderType
public interface Context {

    /** The name of the service handling the request. */
    String serviceName();

    /** The correlation id of the current request; calls and messages made through this context carry it. */
    String correlationId();

    /**
     * Calls a service synchronously, on the current thread, and returns its response.
     *
     * @throws ServiceNotFoundException if no service of that name is registered now
     * @throws InvocationException      wrapping a checked exception thrown by the target; an unchecked
     *                                  exception thrown by the target reaches the caller unchanged
     */
    Object invoke(String name, Object payload);

    /**
     * Calls a service asynchronously, in RAM only: returns at once; the call is lost if the server stops
     * before it runs.
     *
     * @throws ServiceNotFoundException   if no service of that name is registered now
     * @throws RejectedInvocationException if the queue of asynchronous calls is full
     */
    AsyncInvocation invokeAsync(String name, Object payload);

    /** Durable publish/subscribe, publishing as this service. */
    PubSub pubsub();
}
