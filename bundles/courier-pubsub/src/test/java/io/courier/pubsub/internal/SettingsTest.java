package io.courier.pubsub.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Proxy;
import java.util.Map;

import org.junit.jupiter.api.Test;

class SettingsTest {

    /** A configuration with some values set and the others at their defaults, as DS hands it over. */
    static PubSubConfig config(Map<String, Object> values) {
        return (PubSubConfig) Proxy.newProxyInstance(PubSubConfig.class.getClassLoader(),
                new Class<?>[] { PubSubConfig.class },
                (proxy, method, args) -> values.containsKey(method.getName()) ? values.get(method.getName())
                        : method.getDefaultValue());
    }

    @Test
    void theShippedDefaultsAreKept() {
        Settings s = Settings.of(config(Map.of()));
        assertEquals(1024 * 1024, s.maxMessageSize());
        assertEquals(4, s.deliveryThreads());
        assertEquals(100, s.batchSize());
        assertEquals(new DeliveryPolicy(10, 1_000, 300_000, 2.0, false, 60_000), s.defaults());
    }

    @Test
    void validValuesAreTakenAsGiven() {
        Settings s = Settings.of(config(Map.of("deliveryThreads", 2, "maxAttempts", 3, "backoffMultiplier", 1.0,
                "ordered", true, "timeoutMs", 500L)));
        assertEquals(2, s.deliveryThreads());
        assertEquals(new DeliveryPolicy(3, 1_000, 300_000, 1.0, true, 500), s.defaults());
    }

    @Test
    void valuesOutOfRangeFallBackToTheirDefaults() {
        Settings s = Settings.of(config(Map.of("maxMessageSize", 0, "deliveryThreads", 0, "batchSize", -1,
                "maxAttempts", 0, "backoffInitialMs", -5L, "backoffMaxMs", -1L, "backoffMultiplier", 0.5,
                "timeoutMs", 0L)));
        assertEquals(1024 * 1024, s.maxMessageSize());
        assertEquals(4, s.deliveryThreads());
        assertEquals(100, s.batchSize());
        assertEquals(new DeliveryPolicy(10, 1_000, 300_000, 2.0, false, 60_000), s.defaults());
    }

    @Test
    void aSizeLimitAboveWhatARowHoldsFallsBack() {
        assertEquals(1024 * 1024, Settings.of(config(Map.of("maxMessageSize", Integer.MAX_VALUE))).maxMessageSize());
    }
}
