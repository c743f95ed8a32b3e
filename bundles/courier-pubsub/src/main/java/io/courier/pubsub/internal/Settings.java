package io.courier.pubsub.internal;

import java.util.function.Predicate;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.courier.pubsub.internal.store.MessageEntity;

/**
 * The {@link PubSubConfig} values Courier runs with: a value that is not a number or is out of range is
 * reported, naming its key, and replaced by its default, so that a typo in {@code etc/io.courier.pubsub.cfg}
 * never stops pub/sub.
 */
record Settings(int maxMessageSize, int deliveryThreads, int batchSize, long sweepIntervalMs, DeliveryPolicy defaults) {

    private static final Logger LOG = LoggerFactory.getLogger(Settings.class);

    static Settings of(PubSubConfig c) {
        return new Settings(
                valid("maxMessageSize", c::maxMessageSize, v -> v >= 1 && v <= MessageEntity.MAX_DATA_CHARS),
                valid("deliveryThreads", c::deliveryThreads, v -> v >= 1 && v <= 1_000),
                valid("batchSize", c::batchSize, v -> v >= 1 && v <= 10_000),
                valid("sweepIntervalMs", c::sweepIntervalMs, v -> v >= 10 && v <= 60_000),
                new DeliveryPolicy(
                        valid("maxAttempts", c::maxAttempts, v -> v >= 1),
                        valid("backoffInitialMs", c::backoffInitialMs, v -> v >= 0),
                        valid("backoffMaxMs", c::backoffMaxMs, v -> v >= 0),
                        valid("backoffMultiplier", c::backoffMultiplier, v -> v >= 1.0),
                        valid("ordered", c::ordered, v -> true),
                        valid("timeoutMs", c::timeoutMs, v -> v >= 1)));
    }

    /** A configured value, or its default if it does not convert (DS throws then) or is out of range. */
    @SuppressWarnings("unchecked")
    private static <T> T valid(String key, Supplier<T> read, Predicate<T> inRange) {
        Object problem;
        try {
            T value = read.get();
            if (inRange.test(value)) {
                return value;
            }
            problem = value + " is out of range";
        } catch (RuntimeException e) {
            problem = "not a value of the right type (" + e.getMessage() + ")";
        }
        T fallback;
        try {
            fallback = (T) PubSubConfig.class.getMethod(key).getDefaultValue();
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(e);
        }
        LOG.warn("{} in {}: {}; using {} instead", key, PubSubConfig.PID, problem, fallback);
        return fallback;
    }
}
