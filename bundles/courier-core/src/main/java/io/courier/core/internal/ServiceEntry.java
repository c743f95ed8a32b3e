package io.courier.core.internal;

import java.util.Collections;
import java.util.List;
import java.util.Map;

import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.ComponentServiceObjects;

import io.courier.api.PubSubMessage;
import io.courier.api.Service;
import io.courier.core.RegisteredService;
import io.courier.core.ServiceGoneException;

/** One tracked registration. The service object is fetched on first use and kept until it is unbound. */
final class ServiceEntry implements RegisteredService, Comparable<ServiceEntry> {

    private final String name;
    private final long serviceId;
    private final int ranking;
    private final Bundle bundle;
    private final List<String> subscriptions;
    private final Map<String, Object> properties;
    private final ComponentServiceObjects<Service> objects;
    private final Invocations invocations;
    private volatile Service instance;

    ServiceEntry(String name, List<String> subscriptions, Map<String, Object> properties,
            ComponentServiceObjects<Service> objects, Invocations invocations) {
        ServiceReference<Service> ref = objects.getServiceReference();
        this.name = name;
        this.serviceId = (Long) properties.get(Constants.SERVICE_ID);
        this.ranking = properties.get(Constants.SERVICE_RANKING) instanceof Integer r ? r : 0;
        this.bundle = ref.getBundle();
        this.subscriptions = List.copyOf(subscriptions);
        this.properties = Collections.unmodifiableMap(properties);
        this.objects = objects;
        this.invocations = invocations;
    }

    /** The service object, or null if the registration is gone. */
    Service instance() {
        Service s = instance;
        if (s == null) {
            try {
                s = objects.getService();
            } catch (IllegalStateException gone) {
                return null;
            }
            instance = s;
        }
        return s;
    }

    @Override
    public Object deliver(PubSubMessage message) throws Exception {
        Service s = instance();
        if (s == null) {
            throw new ServiceGoneException(name);
        }
        return invocations.deliver(s, name, message);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long serviceId() {
        return serviceId;
    }

    @Override
    public int ranking() {
        return ranking;
    }

    @Override
    public long bundleId() {
        return bundle == null ? -1 : bundle.getBundleId();
    }

    @Override
    public String bundleSymbolicName() {
        return bundle == null ? "" : bundle.getSymbolicName();
    }

    @Override
    public String bundleVersion() {
        return bundle == null ? "" : bundle.getVersion().toString();
    }

    @Override
    public List<String> subscriptions() {
        return subscriptions;
    }

    @Override
    public Map<String, Object> properties() {
        return properties;
    }

    /** Best first: the highest ranking, then the oldest registration, as OSGi orders services. */
    @Override
    public int compareTo(ServiceEntry o) {
        int c = Integer.compare(o.ranking, ranking);
        return c != 0 ? c : Long.compare(serviceId, o.serviceId);
    }

    String describe() {
        return "'" + name + "' (service.id " + serviceId + ", bundle " + bundleSymbolicName() + " " + bundleVersion()
                + ")";
    }
}
