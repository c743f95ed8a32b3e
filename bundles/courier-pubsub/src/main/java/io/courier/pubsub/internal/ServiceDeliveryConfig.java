package io.courier.pubsub.internal;

import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The delivery policy of one service, from a factory configuration {@code io.courier.delivery}
 * ({@code etc/io.courier.delivery-orders.cfg} holding {@code service=orders} and the values to change).
 * <p>
 * {@link Config} describes the configuration for metatype ({@code config:edit}, the Web Console): its types and
 * ranges, which are the {@link SettingRule}s'. The values themselves are read from the raw properties, not
 * through {@code Config}: {@link PolicyResolver} must see which keys are set and report each value that is not
 * valid, naming its key, and a typed read cannot do either. A key that is not set reads as 0 or false, both valid
 * values ({@code backoffInitialMs=0}, {@code ordered=false}), so it would override the default; and DS turns
 * {@code ordered=yes} into false without a word.
 */
@Component(service = ServiceDeliveryConfig.class, configurationPid = ServiceDeliveryConfig.FACTORY_PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = ServiceDeliveryConfig.Config.class, factory = true)
public class ServiceDeliveryConfig {

    static final String FACTORY_PID = "io.courier.delivery";

    @ObjectClassDefinition(name = "Courier delivery policy of one service",
            description = "Overrides the io.courier.pubsub delivery defaults for one service")
    @interface Config {
        @AttributeDefinition(description = "The service's name")
        String service();

        @AttributeDefinition(required = false, min = "1", description = "Delivery attempts before a dead letter")
        int maxAttempts();

        @AttributeDefinition(required = false, min = "0", description = "Wait before the first retry, in milliseconds")
        long backoffInitialMs();

        @AttributeDefinition(required = false, min = "0", description = "Longest wait between retries, in milliseconds")
        long backoffMaxMs();

        @AttributeDefinition(required = false, min = "1", description = "Factor applied to the wait after each failure")
        double backoffMultiplier();

        @AttributeDefinition(required = false, description = "A failing message blocks the ones behind it")
        boolean ordered();

        @AttributeDefinition(required = false, min = "1",
                description = "Longest a service may take per message, in milliseconds")
        long timeoutMs();
    }

    private Map<String, Object> properties;

    @Activate
    void activate(Map<String, Object> properties) {
        this.properties = Map.copyOf(properties);
    }

    String service() {
        Object s = properties.get("service");
        return s == null ? "" : s.toString();
    }

    Map<String, Object> properties() {
        return properties;
    }
}
