package io.courier.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The ways to call Courier services. Services get it as their {@link Context}; code that is not a service
 * (a servlet, a scheduler, a test) gets it as an OSGi service of this type and calls as nobody in particular.
 * <ul>
 * <li>{@code invoke}: synchronous; nothing is stored.</li>
 * <li>{@code invokeAsync}: asynchronous in RAM; lost if the server stops before it runs.</li>
 * <li>{@code patterns()}: fan-out/fan-in, parallel, invoke with retry; in RAM.</li>
 * <li>{@code pubsub()}: durable; survives restarts and crashes.</li>
 * </ul>
 */
@ProviderType
public interface Courier {

    /** The deepest chain of nested invocations allowed: a service invoking itself without end stops here. */
    int MAX_DEPTH = 64;

    /**
     * Calls a service synchronously, on the current thread, and returns its response.
     *
     * @throws ServiceNotFoundException  if no service of that name is registered now
     * @throws InvocationException       wrapping a checked exception thrown by the target; an unchecked
     *                                   exception thrown by the target reaches the caller unchanged
     * @throws InvocationDepthException  if the chain of nested invocations is deeper than {@link #MAX_DEPTH}
     */
    default Object invoke(String name, Object payload) {
        return invoke(name, payload, InvokeOptions.defaults());
    }

    /**
     * Calls a service synchronously with options. With a timeout, the target runs on a pool thread while the
     * caller waits; at the timeout the caller gets an {@link InvocationTimeoutException} and the target's
     * thread is interrupted.
     *
     * @see #invoke(String, Object)
     */
    Object invoke(String name, Object payload, InvokeOptions options);

    /**
     * Calls a service asynchronously, in RAM only: returns at once; the call is lost if the server stops
     * before it runs.
     *
     * @throws ServiceNotFoundException    if no service of that name is registered now
     * @throws RejectedInvocationException if the queue of asynchronous calls is full
     */
    default AsyncInvocation invokeAsync(String name, Object payload) {
        return invokeAsync(name, payload, AsyncOptions.defaults());
    }

    /**
     * Calls a service asynchronously, with callbacks: a service invoked with the {@link InvocationResult}
     * as its payload and {@link Request#inReplyTo()} set to the invocation id, and/or Java code. A callback
     * that fails is logged.
     *
     * @see #invokeAsync(String, Object)
     */
    AsyncInvocation invokeAsync(String name, Object payload, AsyncOptions options);

    /** Fan-out/fan-in, parallel calls and invoke with retry, in RAM. */
    Patterns patterns();

    /** Durable publish/subscribe. */
    PubSub pubsub();
}
