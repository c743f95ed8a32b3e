package io.courier.api;

import java.time.Duration;
import java.util.List;

/**
 * How {@link Patterns#invokeRetry} retries: how many attempts, how long between them, which errors. An
 * immutable value, built with {@link #builder()}. Defaults: 3 attempts, 1 s apart (multiplier 1), every
 * {@link Exception} retried.
 */
public final class RetryOptions {

    private static final RetryOptions DEFAULTS = builder().build();

    private final int attempts;
    private final Duration interval;
    private final double multiplier;
    private final List<Class<? extends Throwable>> retryOn;

    private RetryOptions(Builder b) {
        this.attempts = b.attempts;
        this.interval = b.interval;
        this.multiplier = b.multiplier;
        this.retryOn = List.copyOf(b.retryOn);
    }

    public static RetryOptions defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Attempts in all, the first included. */
    public int attempts() {
        return attempts;
    }

    /** The wait after the first failed attempt. */
    public Duration interval() {
        return interval;
    }

    /** The factor applied to the wait after each further failure; 1 for a constant interval. */
    public double multiplier() {
        return multiplier;
    }

    /** The wait after the given failed attempt (1 for the first). */
    public Duration waitAfter(int failedAttempt) {
        return Duration.ofMillis((long) (interval.toMillis() * Math.pow(multiplier, failedAttempt - 1)));
    }

    /**
     * Whether an error is worth another attempt: it, or for an {@link InvocationException} its cause, is an
     * instance of one of the retried types.
     */
    public boolean retries(Throwable error) {
        Throwable cause = error instanceof InvocationException && error.getCause() != null ? error.getCause() : error;
        return retryOn.stream().anyMatch(type -> type.isInstance(cause));
    }

    /** Builds {@link RetryOptions}; each setter checks its value at once. */
    public static final class Builder {
        private int attempts = 3;
        private Duration interval = Duration.ofSeconds(1);
        private double multiplier = 1.0;
        private List<Class<? extends Throwable>> retryOn = List.of(Exception.class);

        private Builder() {
        }

        public Builder attempts(int attempts) {
            if (attempts < 1) {
                throw new IllegalArgumentException("attempts must be at least 1, not " + attempts);
            }
            this.attempts = attempts;
            return this;
        }

        public Builder interval(Duration interval) {
            if (interval == null || interval.isNegative()) {
                throw new IllegalArgumentException("interval must be zero or positive, not " + interval);
            }
            this.interval = interval;
            return this;
        }

        public Builder multiplier(double multiplier) {
            if (!(multiplier >= 1.0)) {
                throw new IllegalArgumentException("multiplier must be at least 1.0, not " + multiplier);
            }
            this.multiplier = multiplier;
            return this;
        }

        /** Only errors of these types (or wrapping them as cause) are retried; others end the retries. */
        @SafeVarargs
        public final Builder retryOn(Class<? extends Throwable>... types) {
            if (types.length == 0) {
                throw new IllegalArgumentException("retryOn needs at least one exception type");
            }
            this.retryOn = List.of(types);
            return this;
        }

        public RetryOptions build() {
            return new RetryOptions(this);
        }
    }
}
