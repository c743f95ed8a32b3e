package io.courier.core;

import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/** The Courier services registered now, by name. Calls go through {@link io.courier.api.Courier}. */
@ProviderType
public interface ServiceRegistry {

    /** The service used for a name now: the highest ranked registration of that name. */
    Optional<RegisteredService> find(String name);

    /** The services used now, one per name, sorted by name. */
    List<RegisteredService> services();

    /**
     * Adds a listener and tells it at once about every service registered now. Listeners are called on the
     * thread that registers or unregisters a service, one event at a time.
     */
    void addListener(RegistryListener listener);

    void removeListener(RegistryListener listener);
}
