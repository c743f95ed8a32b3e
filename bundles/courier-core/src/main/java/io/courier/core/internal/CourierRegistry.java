package io.courier.core.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import org.osgi.service.component.ComponentServiceObjects;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.courier.api.AsyncInvocation;
import io.courier.api.CourierException;
import io.courier.api.InvocationException;
import io.courier.api.Names;
import io.courier.api.PublishOptions;
import io.courier.api.Service;
import io.courier.api.ServiceNotFoundException;
import io.courier.core.Ids;
import io.courier.core.PublishChannel;
import io.courier.core.RegisteredService;
import io.courier.core.RegistryListener;
import io.courier.core.ServiceRegistry;

/**
 * Tracks Courier services through the whiteboard pattern and invokes them. For each name, the registrations
 * are kept best first; the first is the one used, the others wait their turn.
 */
@Component(service = ServiceRegistry.class, immediate = true)
public class CourierRegistry implements ServiceRegistry, Invoker {

    private static final Logger LOG = LoggerFactory.getLogger(CourierRegistry.class);

    /** Guards {@link #candidates}; never held while listeners run. */
    private final Object lock = new Object();
    private final Map<String, List<ServiceEntry>> candidates = new HashMap<>();
    /** The entry in use per name: a copy of the heads of {@link #candidates} for lock-free lookups. */
    private final Map<String, ServiceEntry> active = new ConcurrentHashMap<>();
    private final List<RegistryListener> listeners = new CopyOnWriteArrayList<>();
    /** Keeps listener events in the order the changes happened. */
    private final ReentrantLock eventOrder = new ReentrantLock();

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile PublishChannel publishChannel;

    private final AsyncPool asyncPool = new AsyncPool();

    @Activate
    void activate() {
        asyncPool.start();
    }

    @Deactivate
    void deactivate() {
        asyncPool.stop();
    }

    @Reference(service = Service.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindService(ComponentServiceObjects<Service> objects, Map<String, Object> properties) {
        Object nameProperty = properties.get(Service.NAME);
        String name = nameProperty instanceof String s ? s : null;
        String problem = nameProperty == null ? "the property " + Service.NAME + " is missing"
                : name == null ? "the property " + Service.NAME + " must be a String"
                : Names.serviceNameProblem(name);
        if (problem != null) {
            LOG.warn("Ignoring the Courier service registered by {} with {}={}: {}",
                    objects.getServiceReference().getBundle(), Service.NAME, nameProperty, problem);
            return;
        }
        List<String> topics = new ArrayList<>();
        for (String topic : stringsOf(properties.get(Service.SUBSCRIBE))) {
            if (Names.isSharedTopicName(topic)) {
                topics.add(topic);
            } else {
                LOG.warn("Service '{}' subscribes to '{}', which is not a shared topic name (it must start with '/'"
                        + " and hold only letters, digits, '.', '-', '_'); that subscription is ignored", name, topic);
            }
        }
        changeCandidates(name, list -> {
            ServiceEntry entry = new ServiceEntry(name, topics, properties, objects, this);
            list.add(entry);
            list.sort(Comparator.naturalOrder());
            if (list.size() > 1) {
                LOG.warn("Several services are named '{}': {} is used, {} wait", name, list.get(0).describe(),
                        list.subList(1, list.size()).stream().map(ServiceEntry::describe).toList());
            }
        });
    }

    void updatedService(ComponentServiceObjects<Service> objects, Map<String, Object> properties) {
        unbindService(objects, properties);
        bindService(objects, properties);
    }

    void unbindService(ComponentServiceObjects<Service> objects, Map<String, Object> properties) {
        Object serviceId = properties.get(org.osgi.framework.Constants.SERVICE_ID);
        eventOrder.lock();
        try {
            String name = null;
            synchronized (lock) {
                for (Map.Entry<String, List<ServiceEntry>> e : candidates.entrySet()) {
                    if (e.getValue().stream().anyMatch(s -> serviceId.equals(s.serviceId()))) {
                        name = e.getKey();
                        break;
                    }
                }
            }
            if (name != null) {
                changeCandidates(name, list -> list.removeIf(s -> serviceId.equals(s.serviceId())));
            }
        } finally {
            eventOrder.unlock();
        }
    }

    /** Applies a change to a name's candidates and tells the listeners if the service in use changed. */
    private void changeCandidates(String name, Consumer<List<ServiceEntry>> change) {
        eventOrder.lock();
        try {
            ServiceEntry before;
            ServiceEntry after;
            synchronized (lock) {
                List<ServiceEntry> list = candidates.computeIfAbsent(name, n -> new ArrayList<>());
                before = list.isEmpty() ? null : list.get(0);
                change.accept(list);
                after = list.isEmpty() ? null : list.get(0);
                if (after == null) {
                    candidates.remove(name);
                    active.remove(name);
                } else {
                    active.put(name, after);
                }
            }
            if (before == after) {
                return;
            }
            if (after != null) {
                LOG.info("Courier service {} registered", after.describe());
                listeners.forEach(l -> notify(l, () -> l.registered(after)));
            } else {
                LOG.info("Courier service {} unregistered", before.describe());
                listeners.forEach(l -> notify(l, () -> l.unregistered(name)));
            }
        } finally {
            eventOrder.unlock();
        }
    }

    private static void notify(RegistryListener listener, Runnable event) {
        try {
            event.run();
        } catch (RuntimeException e) {
            LOG.error("Registry listener {} failed", listener, e);
        }
    }

    @Override
    public Optional<RegisteredService> find(String name) {
        return Optional.ofNullable(active.get(name));
    }

    @Override
    public List<RegisteredService> services() {
        List<RegisteredService> list = new ArrayList<>(active.values());
        list.sort(Comparator.comparing(RegisteredService::name));
        return list;
    }

    @Override
    public void addListener(RegistryListener listener) {
        eventOrder.lock();
        try {
            listeners.add(listener);
            for (RegisteredService s : services()) {
                notify(listener, () -> listener.registered(s));
            }
        } finally {
            eventOrder.unlock();
        }
    }

    @Override
    public void removeListener(RegistryListener listener) {
        listeners.remove(listener);
    }

    @Override
    public Object invoke(String name, Object payload) {
        return invoke(null, Ids.random(), name, payload);
    }

    @Override
    public AsyncInvocation invokeAsync(String name, Object payload) {
        return invokeAsync(null, Ids.random(), name, payload);
    }

    @Override
    public Object invoke(String caller, String correlationId, String name, Object payload) {
        Service service = serviceFor(name);
        try {
            return service.handle(new CourierRequest(payload, correlationId, caller, null),
                    new CourierContext(this, name, correlationId));
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new InvocationException(name, e);
        }
    }

    @Override
    public AsyncInvocation invokeAsync(String caller, String correlationId, String name, Object payload) {
        serviceFor(name);
        String id = Ids.random();
        CompletableFuture<Object> response = asyncPool.submit(id, name,
                () -> invoke(caller, correlationId, name, payload));
        return new Async(id, response);
    }

    @Override
    public String publish(String publisher, String correlationId, String name, Object data, PublishOptions options) {
        PublishChannel channel = publishChannel;
        if (channel == null) {
            throw new CourierException("Courier pub/sub is not running: install the 'courier' feature");
        }
        PublishOptions withCorrelation = options.correlationId().isPresent() ? options
                : options.toBuilder().correlationId(correlationId).build();
        return channel.publish(publisher, name, data, withCorrelation);
    }

    private Service serviceFor(String name) {
        ServiceEntry entry = active.get(name);
        Service service = entry == null ? null : entry.instance();
        if (service == null) {
            throw new ServiceNotFoundException(name);
        }
        return service;
    }

    private static List<String> stringsOf(Object value) {
        if (value instanceof String s) {
            return List.of(s);
        }
        if (value instanceof String[] array) {
            return List.of(array);
        }
        if (value instanceof Iterable<?> it) {
            List<String> list = new ArrayList<>();
            it.forEach(o -> list.add(String.valueOf(o)));
            return list;
        }
        return List.of();
    }

    private record Async(String id, CompletableFuture<Object> responseFuture) implements AsyncInvocation {
        @Override
        public java.util.concurrent.CompletionStage<Object> response() {
            return responseFuture;
        }
    }
}
