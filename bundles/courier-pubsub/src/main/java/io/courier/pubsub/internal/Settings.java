package io.courier.pubsub.internal;

import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link PubSubConfig} values Courier runs with: a value that is not a number or is out of range (its
 * {@link SettingRule}) is reported, naming its key, and replaced by its default, so that a typo in
 * {@code etc/io.courier.pubsub.cfg} never stops pub/sub.
 */
record Settings(int maxMessageSize, int deliveryThreads, int batchSize, long sweepIntervalMs, String node,
        long heartbeatMs, long nodeLeaseMs, DeliveryPolicy defaults) {

    private static final Logger LOG = LoggerFactory.getLogger(Settings.class);

    static Settings of(PubSubConfig c) {
        long heartbeatMs = valid(SettingRule.HEARTBEAT_MS, c::heartbeatMs);
        long leaseMs = valid(SettingRule.NODE_LEASE_MS, c::nodeLeaseMs);
        if (leaseMs <= 2 * heartbeatMs) {
            long fallback = Math.max(SettingRule.NODE_LEASE_MS.defaultValue(), 3 * heartbeatMs);
            LOG.warn("{} in {}: {} is not more than twice {} ({}); using {} instead", SettingRule.NODE_LEASE_MS.key(),
                    PubSubConfig.PID, leaseMs, SettingRule.HEARTBEAT_MS.key(), heartbeatMs, fallback);
            leaseMs = fallback;
        }
        return new Settings(
                valid(SettingRule.MAX_MESSAGE_SIZE, c::maxMessageSize),
                valid(SettingRule.DELIVERY_THREADS, c::deliveryThreads),
                valid(SettingRule.BATCH_SIZE, c::batchSize),
                valid(SettingRule.SWEEP_INTERVAL_MS, c::sweepIntervalMs),
                c.node() == null ? "" : c.node(), heartbeatMs, leaseMs,
                new DeliveryPolicy(
                        valid(SettingRule.MAX_ATTEMPTS, c::maxAttempts),
                        valid(SettingRule.BACKOFF_INITIAL_MS, c::backoffInitialMs),
                        valid(SettingRule.BACKOFF_MAX_MS, c::backoffMaxMs),
                        valid(SettingRule.BACKOFF_MULTIPLIER, c::backoffMultiplier),
                        valid(SettingRule.ORDERED, c::ordered),
                        valid(SettingRule.TIMEOUT_MS, c::timeoutMs)));
    }

    /** A configured value, or its default if it does not convert (DS throws then) or is out of range. */
    private static <T> T valid(SettingRule<T> rule, Supplier<T> read) {
        Object problem;
        try {
            T value = read.get();
            if (rule.allows(value)) {
                return value;
            }
            problem = value + " is out of range";
        } catch (RuntimeException e) {
            problem = "not a value of the right type (" + e.getMessage() + ")";
        }
        T fallback = rule.defaultValue();
        LOG.warn("{} in {}: {}; using {} instead", rule.key(), PubSubConfig.PID, problem, fallback);
        return fallback;
    }
}
