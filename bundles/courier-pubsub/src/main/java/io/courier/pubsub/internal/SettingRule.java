package io.courier.pubsub.internal;

import java.util.function.Function;

import io.courier.pubsub.internal.store.MessageEntity;

/**
 * What one pub/sub setting may hold: its type, its range and its default. This is the one definition of each
 * setting's rule: {@link Settings} checks the {@code io.courier.pubsub} values with it, {@link PolicyResolver} the
 * delivery values of service properties and {@code io.courier.delivery} configurations. The default is the one
 * {@link PubSubConfig} declares; the metatype annotations of {@link PubSubConfig} and {@link ServiceDeliveryConfig}
 * state the same ranges (SettingRuleTest checks that they agree).
 *
 * @param <T> the setting's type
 */
final class SettingRule<T> {

    static final SettingRule<Integer> MAX_MESSAGE_SIZE = intSetting("maxMessageSize", 1, MessageEntity.MAX_DATA_CHARS);
    static final SettingRule<Integer> DELIVERY_THREADS = intSetting("deliveryThreads", 1, 1_000);
    static final SettingRule<Integer> BATCH_SIZE = intSetting("batchSize", 1, 10_000);
    static final SettingRule<Long> SWEEP_INTERVAL_MS = longSetting("sweepIntervalMs", 10, 60_000L);
    static final SettingRule<Long> HEARTBEAT_MS = longSetting("heartbeatMs", 100, 60_000L);
    static final SettingRule<Long> NODE_LEASE_MS = longSetting("nodeLeaseMs", 1_000, 3_600_000L);

    // The delivery policy's keys: defaults in io.courier.pubsub, each service's own values elsewhere.
    static final SettingRule<Integer> MAX_ATTEMPTS = intSetting("maxAttempts", 1, null);
    static final SettingRule<Long> BACKOFF_INITIAL_MS = longSetting("backoffInitialMs", 0, null);
    static final SettingRule<Long> BACKOFF_MAX_MS = longSetting("backoffMaxMs", 0, null);
    static final SettingRule<Double> BACKOFF_MULTIPLIER = doubleSetting("backoffMultiplier", 1.0);
    static final SettingRule<Boolean> ORDERED = new SettingRule<>("ordered", Boolean.class, SettingRule::bool, null,
            null);
    static final SettingRule<Long> TIMEOUT_MS = longSetting("timeoutMs", 1, null);

    private final String key;
    private final Class<T> type;
    private final Function<Object, T> convert;
    private final Number min;
    private final Number max;

    private SettingRule(String key, Class<T> type, Function<Object, T> convert, Number min, Number max) {
        this.key = key;
        this.type = type;
        this.convert = convert;
        this.min = min;
        this.max = max;
    }

    // A number of another type converts as Java narrows it (9000.0 to 9000); text is trimmed first.
    private static SettingRule<Integer> intSetting(String key, int min, Integer max) {
        return new SettingRule<>(key, Integer.class,
                raw -> raw instanceof Number n ? n.intValue() : Integer.parseInt(raw.toString().trim()), min, max);
    }

    private static SettingRule<Long> longSetting(String key, long min, Long max) {
        return new SettingRule<>(key, Long.class,
                raw -> raw instanceof Number n ? n.longValue() : Long.parseLong(raw.toString().trim()), min, max);
    }

    private static SettingRule<Double> doubleSetting(String key, double min) {
        return new SettingRule<>(key, Double.class,
                raw -> raw instanceof Number n ? n.doubleValue() : Double.parseDouble(raw.toString().trim()), min,
                null);
    }

    /** Only true or false, in any case: {@code ordered=yes} is a mistake to report, not false. */
    private static Boolean bool(Object raw) {
        if (raw instanceof Boolean b) {
            return b;
        }
        String s = raw.toString().trim();
        if (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false")) {
            return Boolean.valueOf(s);
        }
        throw new IllegalArgumentException("must be true or false");
    }

    /** The key, as in {@code etc/io.courier.pubsub.cfg}. */
    String key() {
        return key;
    }

    /** The type the metatype declares for the key. */
    Class<T> type() {
        return type;
    }

    /** The least value allowed; null for a setting that is not a number. */
    Number min() {
        return min;
    }

    /** The largest value allowed; null when only the type limits it. */
    Number max() {
        return max;
    }

    /** The default, as {@link PubSubConfig} declares it. */
    T defaultValue() {
        try {
            return type.cast(PubSubConfig.class.getMethod(key).getDefaultValue());
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException("PubSubConfig has no setting " + key, e);
        }
    }

    /** Whether a value of the setting's type is allowed. Not a number (NaN) is in no range. */
    boolean allows(T value) {
        if (!(value instanceof Number v)) {
            return true;
        }
        if (value instanceof Double d) {
            return d >= min.doubleValue() && (max == null || d <= max.doubleValue());
        }
        return v.longValue() >= min.longValue() && (max == null || v.longValue() <= max.longValue());
    }

    /**
     * A raw value (a number, a boolean, or text from a {@code .cfg} file or a service property) as the setting's
     * type.
     *
     * @throws IllegalArgumentException if it does not convert or is out of range, saying why
     */
    T parse(Object raw) {
        T value = convert.apply(raw);
        if (!allows(value)) {
            throw new IllegalArgumentException(range());
        }
        return value;
    }

    private String range() {
        if (max != null) {
            return "must be from " + min + " to " + max;
        }
        return min.doubleValue() == 0 ? "must not be negative" : "must be at least " + min;
    }

    @Override
    public String toString() {
        return key;
    }
}
