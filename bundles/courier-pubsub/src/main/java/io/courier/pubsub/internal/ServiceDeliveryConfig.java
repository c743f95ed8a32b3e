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

        @AttributeDefinition(required = false, description = "Delivery attempts before a dead letter")
        int maxAttempts();

        @AttributeDefinition(required = false, description = "Wait before the first retry, in milliseconds")
        long backoffInitialMs();

        @AttributeDefinition(required = false, description = "Longest wait between retries, in milliseconds")
        long backoffMaxMs();

        @AttributeDefinition(required = false, description = "Factor applied to the wait after each failure")
        double backoffMultiplier();

        @AttributeDefinition(required = false, description = "A failing message blocks the ones behind it")
        boolean ordered();

        @AttributeDefinition(required = false, description = "Longest a service may take per message, in milliseconds")
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
