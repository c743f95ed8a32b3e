package io.courier.pubsub.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.courier.pubsub.PolicyValue;

class PolicyResolverTest {

    private static final DeliveryPolicy DEFAULTS = new DeliveryPolicy(10, 1_000, 300_000, 2.0, false, 60_000);

    private static DeliveryPolicy resolve(Map<String, ?> properties, Map<String, ?> config) {
        return PolicyResolver.explain("orders", properties, config, DEFAULTS).policy();
    }

    @Test
    void withNothingSetTheDefaultsApply() {
        assertEquals(DEFAULTS, resolve(Map.of(), Map.of()));
        assertEquals(DEFAULTS, resolve(null, null));
        assertEquals(DEFAULTS, resolve(Map.of("courier.service", "orders", "unrelated", 1), Map.of("service", "orders")));
    }

    @Test
    void eachValueSaysWhereItComesFrom() {
        PolicyResolver.Explained e = PolicyResolver.explain("orders", Map.of("courier.delivery.maxAttempts", "3"),
                Map.of("service", "orders", "backoffInitialMs", 250L, "maxAttempts", 7), DEFAULTS);

        Map<String, PolicyValue> byKey = new HashMap<>();
        e.values().forEach(v -> byKey.put(v.key(), v));
        assertEquals(6, e.values().size(), "one value per key of the policy");
        assertEquals(new PolicyValue("maxAttempts", "3", "service property courier.delivery.maxAttempts"),
                byKey.get("maxAttempts"));
        assertEquals(new PolicyValue("backoffInitialMs", "250", "configuration io.courier.delivery (service=orders)"),
                byKey.get("backoffInitialMs"));
        assertEquals(new PolicyValue("timeoutMs", "60000", "default io.courier.pubsub"), byKey.get("timeoutMs"));
        assertEquals(3, e.policy().maxAttempts());
        assertEquals(250, e.policy().backoffInitialMs());
    }

    @Test
    void anInvalidValueIsExplainedByTheSourceActuallyUsed() {
        PolicyResolver.Explained e = PolicyResolver.explain("orders", Map.of("courier.delivery.ordered", "yes"),
                Map.of(), DEFAULTS);
        assertEquals(new PolicyValue("ordered", "false", "default io.courier.pubsub"),
                e.values().stream().filter(v -> v.key().equals("ordered")).findFirst().orElseThrow());
    }

    @Test
    void theDeliveryTimeoutResolvesLikeTheOtherKeys() {
        assertEquals(500, resolve(Map.of("courier.delivery.timeoutMs", "500"), Map.of("timeoutMs", 900)).timeoutMs());
        assertEquals(900, resolve(Map.of(), Map.of("timeoutMs", 900)).timeoutMs());
        assertEquals(DEFAULTS.timeoutMs(), resolve(Map.of("courier.delivery.timeoutMs", 0), Map.of()).timeoutMs(),
                "a timeout of 0 is refused and the next source used");
    }

    @Test
    void servicePropertyWinsOverConfigurationWhichWinsOverDefaults() {
        Map<String, Object> properties = Map.of("courier.delivery.maxAttempts", 3);
        Map<String, Object> config = Map.of("maxAttempts", 7, "backoffInitialMs", 250L);

        DeliveryPolicy p = resolve(properties, config);

        assertEquals(3, p.maxAttempts()); // service property
        assertEquals(250, p.backoffInitialMs()); // configuration
        assertEquals(300_000, p.backoffMaxMs()); // defaults
        assertEquals(2.0, p.backoffMultiplier());
        assertFalse(p.ordered());
    }

    @Test
    void configurationKeysApplyWithoutThePrefixAndPropertiesOnlyWithIt() {
        // A property named like a configuration key does not count, nor a configuration key with the prefix.
        DeliveryPolicy p = resolve(Map.of("maxAttempts", 2), Map.of("courier.delivery.maxAttempts", 4));
        assertEquals(10, p.maxAttempts());
    }

    @Test
    void everyKeyCanBeSetByServiceProperty() {
        DeliveryPolicy p = resolve(Map.of("courier.delivery.maxAttempts", 4, "courier.delivery.backoffInitialMs", 10L,
                "courier.delivery.backoffMaxMs", 60_000, "courier.delivery.backoffMultiplier", 3.0,
                "courier.delivery.ordered", true), null);
        assertEquals(new DeliveryPolicy(4, 10, 60_000, 3.0, true, 60_000), p);
    }

    @Test
    void everyKeyCanBeSetByConfiguration() {
        DeliveryPolicy p = resolve(null, Map.of("maxAttempts", 4, "backoffInitialMs", 10L, "backoffMaxMs", 60_000L,
                "backoffMultiplier", 1.0, "ordered", Boolean.TRUE));
        assertEquals(new DeliveryPolicy(4, 10, 60_000, 1.0, true, 60_000), p);
    }

    @Test
    void stringValuesParseLikeNumbers() {
        Map<String, Object> properties = Map.of("courier.delivery.maxAttempts", " 5 ",
                "courier.delivery.backoffMultiplier", "1.5", "courier.delivery.ordered", "TRUE");
        Map<String, Object> config = Map.of("backoffInitialMs", "20", "backoffMaxMs", "40000");

        assertEquals(new DeliveryPolicy(5, 20, 40_000, 1.5, true, 60_000), resolve(properties, config));
    }

    @Test
    void numberValuesOfAnyTypeParse() {
        DeliveryPolicy p = resolve(Map.of("courier.delivery.maxAttempts", 6L, "courier.delivery.backoffInitialMs", 30,
                "courier.delivery.backoffMultiplier", 2), Map.of("backoffMaxMs", 9_000.0));
        assertEquals(new DeliveryPolicy(6, 30, 9_000, 2.0, false, 60_000), p);
    }

    @Test
    void anInvalidServicePropertyIsSkippedForTheConfiguration() {
        DeliveryPolicy p = resolve(
                Map.of("courier.delivery.maxAttempts", "abc", "courier.delivery.backoffMultiplier", 0.5,
                        "courier.delivery.ordered", "yes", "courier.delivery.backoffInitialMs", -1),
                Map.of("maxAttempts", "8", "backoffMultiplier", "3", "ordered", "true", "backoffInitialMs", 5));
        assertEquals(new DeliveryPolicy(8, 5, 300_000, 3.0, true, 60_000), p);
    }

    @Test
    void anInvalidConfigurationValueIsSkippedForTheDefaults() {
        DeliveryPolicy p = resolve(null,
                Map.of("maxAttempts", 0, "backoffMultiplier", 0.5, "backoffMaxMs", "soon", "ordered", 1));
        assertEquals(DEFAULTS, p);
    }

    @Test
    void zeroAttemptsIsInvalidButZeroWaitIsFine() {
        DeliveryPolicy p = resolve(Map.of("courier.delivery.maxAttempts", 0, "courier.delivery.backoffInitialMs", 0,
                "courier.delivery.backoffMaxMs", "0"), null);
        assertEquals(10, p.maxAttempts());
        assertEquals(0, p.backoffInitialMs());
        assertEquals(0, p.backoffMaxMs());
    }

    @Test
    void multiplierOfExactlyOneIsAcceptedBelowOneIsNot() {
        assertEquals(1.0, resolve(Map.of("courier.delivery.backoffMultiplier", "1.0"), null).backoffMultiplier());
        assertEquals(2.0, resolve(Map.of("courier.delivery.backoffMultiplier", "0.99"), null).backoffMultiplier());
        assertEquals(2.0, resolve(Map.of("courier.delivery.backoffMultiplier", "NaN"), null).backoffMultiplier());
    }

    @Test
    void resolvingDoesNotChangeTheInputs() {
        Map<String, Object> properties = new HashMap<>(Map.of("courier.delivery.maxAttempts", "abc"));
        Map<String, Object> config = new HashMap<>(Map.of("maxAttempts", 4));
        DeliveryPolicy p = resolve(properties, config);
        assertEquals(4, p.maxAttempts());
        assertEquals(Map.of("courier.delivery.maxAttempts", "abc"), properties);
        assertEquals(Map.of("maxAttempts", 4), config);
    }
}
