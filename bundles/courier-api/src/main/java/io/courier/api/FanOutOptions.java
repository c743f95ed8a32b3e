package io.courier.api;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Options of a fan-out or a parallel call: callbacks per target and on completion, as Java code and/or as
 * services (invoked with the result as payload and {@link Request#inReplyTo()} set to the fan-out's id), and a
 * timeout. An immutable value, built with {@link #builder()}.
 */
public final class FanOutOptions {

    private static final FanOutOptions DEFAULTS = builder().build();

    private final Consumer<InvocationResult> onTarget;
    private final String onTargetService;
    private final Consumer<FanInResult> onComplete;
    private final String onCompleteService;
    private final Duration timeout;

    private FanOutOptions(Builder b) {
        this.onTarget = b.onTarget;
        this.onTargetService = b.onTargetService;
        this.onComplete = b.onComplete;
        this.onCompleteService = b.onCompleteService;
        this.timeout = b.timeout;
    }

    public static FanOutOptions defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Given each target's result as it arrives. */
    public Optional<Consumer<InvocationResult>> onTarget() {
        return Optional.ofNullable(onTarget);
    }

    /** A service invoked with each target's {@link InvocationResult} as it arrives. */
    public Optional<String> onTargetService() {
        return Optional.ofNullable(onTargetService);
    }

    /** Given the {@link FanInResult} once every target has a result (fan-out only). */
    public Optional<Consumer<FanInResult>> onComplete() {
        return Optional.ofNullable(onComplete);
    }

    /** A service invoked with the {@link FanInResult} (fan-out only). */
    public Optional<String> onCompleteService() {
        return Optional.ofNullable(onCompleteService);
    }

    /** After this long, targets without a result are marked timed out. Empty: wait for all. */
    public Optional<Duration> timeout() {
        return Optional.ofNullable(timeout);
    }

    /** Builds {@link FanOutOptions}; each setter checks its value at once. */
    public static final class Builder {
        private Consumer<InvocationResult> onTarget;
        private String onTargetService;
        private Consumer<FanInResult> onComplete;
        private String onCompleteService;
        private Duration timeout;

        private Builder() {
        }

        public Builder onTarget(Consumer<InvocationResult> callback) {
            this.onTarget = callback;
            return this;
        }

        public Builder onTargetService(String name) {
            this.onTargetService = serviceName("per-target callback service", name);
            return this;
        }

        public Builder onComplete(Consumer<FanInResult> callback) {
            this.onComplete = callback;
            return this;
        }

        public Builder onCompleteService(String name) {
            this.onCompleteService = serviceName("completion callback service", name);
            return this;
        }

        public Builder timeout(Duration timeout) {
            if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
                throw new IllegalArgumentException("timeout must be positive, not " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        public FanOutOptions build() {
            return new FanOutOptions(this);
        }

        private static String serviceName(String what, String name) {
            if (name != null && Names.serviceNameProblem(name) != null) {
                throw new IllegalArgumentException(what + " '" + name + "': " + Names.serviceNameProblem(name));
            }
            return name;
        }
    }
}
