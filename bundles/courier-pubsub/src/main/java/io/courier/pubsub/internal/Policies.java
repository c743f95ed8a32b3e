package io.courier.pubsub.internal;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import io.courier.core.RegisteredService;

/**
 * Each service's delivery policy, worked out by {@link PolicyResolver} from the service's properties, its
 * {@code io.courier.delivery} configuration (the {@link ServiceDeliveryConfig}s bound to pub/sub) and the
 * {@code io.courier.pubsub} defaults; all three are read afresh each time, so a change applies from the next batch.
 */
final class Policies {

    private final Supplier<List<ServiceDeliveryConfig>> configs;
    private final Supplier<DeliveryPolicy> defaults;

    /**
     * @param configs  the bound configurations, as DS holds them now (null before any is bound)
     * @param defaults the defaults in force
     */
    Policies(Supplier<List<ServiceDeliveryConfig>> configs, Supplier<DeliveryPolicy> defaults) {
        this.configs = configs;
        this.defaults = defaults;
    }

    /** The policy a registered service's messages are delivered with. */
    DeliveryPolicy of(RegisteredService service) {
        return explain(service.name(), service.properties()).policy();
    }

    /** A service's policy with the source of each value; {@code serviceProperties} empty for one not registered. */
    PolicyResolver.Explained explain(String service, Map<String, Object> serviceProperties) {
        Map<String, Object> serviceConfig = null;
        List<ServiceDeliveryConfig> bound = configs.get();
        if (bound != null) {
            for (ServiceDeliveryConfig c : bound) {
                if (c.service().equals(service)) {
                    serviceConfig = c.properties();
                }
            }
        }
        return PolicyResolver.explain(service, serviceProperties, serviceConfig, defaults.get());
    }
}
