package io.courier.api;

import java.time.Duration;
import java.util.Optional;

/** Options of a synchronous invocation: an immutable value, built with {@link #builder()}. */
public final class InvokeOptions {

    private static final InvokeOptions DEFAULTS = builder().build();

    private final Duration timeout;
    private final String correlationId;

    private InvokeOptions(Builder b) {
        this.timeout = b.timeout;
        this.correlationId = b.correlationId;
    }

    public static InvokeOptions defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** How long the caller waits; empty: as long as the target takes, on the caller's thread. */
    public Optional<Duration> timeout() {
        return Optional.ofNullable(timeout);
    }

    /** A new correlation id for this call and what it leads to; empty: the caller's. */
    public Optional<String> correlationId() {
        return Optional.ofNullable(correlationId);
    }

    /** Builds {@link InvokeOptions}; each setter checks its value at once. */
    public static final class Builder {
        private Duration timeout;
        private String correlationId;

        private Builder() {
        }

        /** @param timeout a positive duration, or null to wait as long as the target takes */
        public Builder timeout(Duration timeout) {
            if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
                throw new IllegalArgumentException("timeout must be positive, not " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        public Builder correlationId(String correlationId) {
            this.correlationId = Checks.id("correlation id", correlationId);
            return this;
        }

        public InvokeOptions build() {
            return new InvokeOptions(this);
        }
    }
}
