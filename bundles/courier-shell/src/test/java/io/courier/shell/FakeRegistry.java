package io.courier.shell;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.courier.api.PubSubMessage;
import io.courier.core.RegisteredService;
import io.courier.core.RegistryListener;
import io.courier.core.ServiceRegistry;

/** The services registered now, by name. */
final class FakeRegistry implements ServiceRegistry {

    final List<String> registered = new ArrayList<>();

    @Override
    public Optional<RegisteredService> find(String name) {
        return registered.contains(name) ? Optional.of(new Registered(name)) : Optional.empty();
    }

    @Override
    public List<RegisteredService> services() {
        return registered.stream().<RegisteredService>map(Registered::new).toList();
    }

    @Override
    public void addListener(RegistryListener listener) {
    }

    @Override
    public void removeListener(RegistryListener listener) {
    }

    private record Registered(String name) implements RegisteredService {
        @Override
        public long serviceId() {
            return 1;
        }

        @Override
        public int ranking() {
            return 0;
        }

        @Override
        public long bundleId() {
            return 42;
        }

        @Override
        public String bundleSymbolicName() {
            return "test.bundle";
        }

        @Override
        public String bundleVersion() {
            return "1.0.0";
        }

        @Override
        public List<String> subscriptions() {
            return List.of();
        }

        @Override
        public Map<String, Object> properties() {
            return Map.of();
        }

        @Override
        public Object deliver(PubSubMessage message) {
            throw new UnsupportedOperationException("the commands never deliver");
        }
    }
}
