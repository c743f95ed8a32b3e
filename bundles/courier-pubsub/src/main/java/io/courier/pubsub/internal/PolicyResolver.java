package io.courier.pubsub.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.courier.pubsub.PolicyValue;

/**
 * Works out a service's delivery policy, each value from the first place that sets it: the service's
 * {@code courier.delivery.<key>} properties, then its {@code io.courier.delivery} configuration, then the
 * {@code io.courier.pubsub} defaults. A value that does not parse or is out of range (its {@link SettingRule}) is
 * reported, naming its key and source, and skipped.
 */
final class PolicyResolver {

    static final String SERVICE_PROPERTY_PREFIX = "courier.delivery.";

    private static final Logger LOG = LoggerFactory.getLogger(PolicyResolver.class);

    private PolicyResolver() {
    }

    /** A resolved policy with the source of each of its values. */
    record Explained(DeliveryPolicy policy, List<PolicyValue> values) {
    }

    static Explained explain(String service, Map<String, ?> serviceProperties, Map<String, ?> serviceConfig,
            DeliveryPolicy defaults) {
        Sources s = new Sources(service, serviceProperties, serviceConfig, new ArrayList<>());
        DeliveryPolicy policy = new DeliveryPolicy(
                s.get(SettingRule.MAX_ATTEMPTS, defaults.maxAttempts()),
                s.get(SettingRule.BACKOFF_INITIAL_MS, defaults.backoffInitialMs()),
                s.get(SettingRule.BACKOFF_MAX_MS, defaults.backoffMaxMs()),
                s.get(SettingRule.BACKOFF_MULTIPLIER, defaults.backoffMultiplier()),
                s.get(SettingRule.ORDERED, defaults.ordered()),
                s.get(SettingRule.TIMEOUT_MS, defaults.timeoutMs()));
        return new Explained(policy, List.copyOf(s.values()));
    }

    private record Sources(String service, Map<String, ?> properties, Map<String, ?> config,
            List<PolicyValue> values) {

        <T> T get(SettingRule<T> rule, T fallback) {
            String key = rule.key();
            String property = SERVICE_PROPERTY_PREFIX + key;
            T fromProperty = parsed(properties, property, rule, "service property");
            if (fromProperty != null) {
                return found(key, fromProperty, "service property " + property);
            }
            T fromConfig = parsed(config, key, rule, "configuration io.courier.delivery");
            if (fromConfig != null) {
                return found(key, fromConfig, "configuration " + ServiceDeliveryConfig.FACTORY_PID + " (service="
                        + service + ")");
            }
            return found(key, fallback, "default " + PubSubConfig.PID);
        }

        private <T> T found(String key, T value, String source) {
            values.add(new PolicyValue(key, String.valueOf(value), source));
            return value;
        }

        private <T> T parsed(Map<String, ?> map, String key, SettingRule<T> rule, String where) {
            Object raw = map == null ? null : map.get(key);
            if (raw == null) {
                return null;
            }
            try {
                return rule.parse(raw);
            } catch (IllegalArgumentException e) {
                LOG.warn("Ignoring {}={} of service '{}' ({}): {}", key, raw, service, where, e.getMessage());
                return null;
            }
        }
    }
}
