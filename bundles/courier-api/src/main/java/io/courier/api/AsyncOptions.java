package io.courier.api;

import java.util.Optional;
import java.util.function.Consumer;

/**
 * Options of an asynchronous invocation: where its result goes. An immutable value, built with
 * {@link #builder()}.
 */
public final class AsyncOptions {

    private static final AsyncOptions DEFAULTS = builder().build();

    private final String callbackService;
    private final Consumer<InvocationResult> callback;
    private final String correlationId;

    private AsyncOptions(Builder b) {
        this.callbackService = b.callbackService;
        this.callback = b.callback;
        this.correlationId = b.correlationId;
    }

    public static AsyncOptions defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * A service invoked with the result: its payload is the {@link InvocationResult}, its
     * {@link Request#inReplyTo()} the invocation id.
     */
    public Optional<String> callbackService() {
        return Optional.ofNullable(callbackService);
    }

    /** Java code given the result, on a Courier thread. */
    public Optional<Consumer<InvocationResult>> callback() {
        return Optional.ofNullable(callback);
    }

    /** A new correlation id for this call and what it leads to; empty: the caller's. */
    public Optional<String> correlationId() {
        return Optional.ofNullable(correlationId);
    }

    /** Builds {@link AsyncOptions}; each setter checks its value at once. */
    public static final class Builder {
        private String callbackService;
        private Consumer<InvocationResult> callback;
        private String correlationId;

        private Builder() {
        }

        public Builder callbackService(String name) {
            if (name != null && Names.serviceNameProblem(name) != null) {
                throw new IllegalArgumentException(
                        "callback service '" + name + "' is not a valid service name: " + Names.serviceNameProblem(name));
            }
            this.callbackService = name;
            return this;
        }

        public Builder callback(Consumer<InvocationResult> callback) {
            this.callback = callback;
            return this;
        }

        public Builder correlationId(String correlationId) {
            this.correlationId = Checks.id("correlation id", correlationId);
            return this;
        }

        public AsyncOptions build() {
            return new AsyncOptions(this);
        }
    }
}
