package io.courier.core;

import org.osgi.annotation.versioning.ConsumerType;

/** Told when the service used for a name changes. Called outside the registry's locks, in order. */
@ConsumerType
public interface RegistryListener {

    /** A service is now used for its name: newly registered, or taking over from another registration. */
    void registered(RegisteredService service);

    /** No service is registered under this name any more. */
    void unregistered(String name);
}
