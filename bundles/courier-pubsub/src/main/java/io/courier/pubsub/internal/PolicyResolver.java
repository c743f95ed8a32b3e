package io.courier.pubsub.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.courier.pubsub.PolicyValue;

/**
 * Works out a service's delivery policy, each value from the first place that sets it: the service's
 * {@code courier.delivery.<key>} properties, then its {@code io.courier.delivery} configuration, then the
 * {@code io.courier.pubsub} defaults. A value that does not parse is reported once per source and skipped.
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
                s.get("maxAttempts", PolicyResolver::positiveInt, defaults.maxAttempts()),
                s.get("backoffInitialMs", PolicyResolver::nonNegativeLong, defaults.backoffInitialMs()),
                s.get("backoffMaxMs", PolicyResolver::nonNegativeLong, defaults.backoffMaxMs()),
                s.get("backoffMultiplier", PolicyResolver::atLeastOne, defaults.backoffMultiplier()),
                s.get("ordered", PolicyResolver::bool, defaults.ordered()),
                s.get("timeoutMs", PolicyResolver::positiveLong, defaults.timeoutMs()));
        return new Explained(policy, List.copyOf(s.values()));
    }

    private record Sources(String service, Map<String, ?> properties, Map<String, ?> config,
            List<PolicyValue> values) {

        <T> T get(String key, Function<Object, T> parse, T fallback) {
            String property = SERVICE_PROPERTY_PREFIX + key;
            T fromProperty = parsed(properties, property, parse, "service property");
            if (fromProperty != null) {
                return found(key, fromProperty, "service property " + property);
            }
            T fromConfig = parsed(config, key, parse, "configuration io.courier.delivery");
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

        private <T> T parsed(Map<String, ?> map, String key, Function<Object, T> parse, String where) {
            Object raw = map == null ? null : map.get(key);
            if (raw == null) {
                return null;
            }
            try {
                return parse.apply(raw);
            } catch (IllegalArgumentException e) {
                LOG.warn("Ignoring {}={} of service '{}' ({}): {}", key, raw, service, where, e.getMessage());
                return null;
            }
        }
    }

    static Integer positiveInt(Object raw) {
        int v = raw instanceof Number n ? n.intValue() : Integer.parseInt(raw.toString().trim());
        if (v < 1) {
            throw new IllegalArgumentException("must be at least 1");
        }
        return v;
    }

    static Long nonNegativeLong(Object raw) {
        long v = raw instanceof Number n ? n.longValue() : Long.parseLong(raw.toString().trim());
        if (v < 0) {
            throw new IllegalArgumentException("must not be negative");
        }
        return v;
    }

    static Long positiveLong(Object raw) {
        long v = raw instanceof Number n ? n.longValue() : Long.parseLong(raw.toString().trim());
        if (v < 1) {
            throw new IllegalArgumentException("must be at least 1");
        }
        return v;
    }

    static Double atLeastOne(Object raw) {
        double v = raw instanceof Number n ? n.doubleValue() : Double.parseDouble(raw.toString().trim());
        if (!(v >= 1.0)) {
            throw new IllegalArgumentException("must be at least 1.0");
        }
        return v;
    }

    static Boolean bool(Object raw) {
        if (raw instanceof Boolean b) {
            return b;
        }
        String s = raw.toString().trim();
        if (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false")) {
            return Boolean.valueOf(s);
        }
        throw new IllegalArgumentException("must be true or false");
    }
}
