package io.courier.core.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import org.osgi.service.component.ComponentServiceObjects;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.courier.api.AsyncInvocation;
import io.courier.api.AsyncOptions;
import io.courier.api.Courier;
import io.courier.api.InvokeOptions;
import io.courier.api.Names;
import io.courier.api.Patterns;
import io.courier.api.PubSub;
import io.courier.api.Service;
import io.courier.core.PublishChannel;
import io.courier.core.RegisteredService;
import io.courier.core.RegistryListener;
import io.courier.core.ServiceRegistry;

/**
 * Tracks Courier services through the whiteboard pattern and offers the calls to them, as the OSGi service
 * {@link Courier}, to code outside services. For each name, the registrations are kept best first; the first
 * is the one used, the others wait their turn.
 */
@Component(service = { ServiceRegistry.class, Courier.class }, immediate = true)
public class CourierRegistry implements ServiceRegistry, Courier {

    private static final Logger LOG = LoggerFactory.getLogger(CourierRegistry.class);

    /** Guards {@link #candidates}; never held while listeners run. */
    private final Object lock = new Object();
    private final Map<String, List<ServiceEntry>> candidates = new HashMap<>();
    /** The entry in use per name: a copy of the heads of {@link #candidates} for lock-free lookups. */
    private final Map<String, ServiceEntry> active = new ConcurrentHashMap<>();
    private final List<RegistryListener> listeners = new CopyOnWriteArrayList<>();
    /** Keeps listener events in the order the changes happened. */
    private final ReentrantLock eventOrder = new ReentrantLock();

    /**
     * Pub/sub, fetched on first publish rather than when bound: the pub/sub component itself needs this
     * registry, so getting its object while either is activating would be a circular reference.
     */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile ComponentServiceObjects<PublishChannel> publishChannel;

    // Ready before the first service is bound, which DS may do before activation; threads start on first use.
    private final AsyncPool asyncPool = new AsyncPool(AsyncPool.THREADS, AsyncPool.QUEUE_CAPACITY);
    private final ScheduledExecutorService timer = Executors
            .newSingleThreadScheduledExecutor(AsyncPool.daemonThreads("courier-timer"));
    private final Invocations invocations = new Invocations(this::serviceObject, this::publishChannel, asyncPool,
            timer);
    /** The calls of code outside services, through the OSGi service {@link Courier}. */
    private final Courier outside = new CourierCalls(invocations, Caller.OUTSIDE);

    @Deactivate
    void deactivate() {
        asyncPool.stop();
        invocations.stop();
        timer.shutdownNow();
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
            ServiceEntry entry = new ServiceEntry(name, topics, properties, objects, invocations);
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
    public Object invoke(String name, Object payload, InvokeOptions options) {
        return outside.invoke(name, payload, options);
    }

    @Override
    public AsyncInvocation invokeAsync(String name, Object payload, AsyncOptions options) {
        return outside.invokeAsync(name, payload, options);
    }

    @Override
    public Patterns patterns() {
        return outside.patterns();
    }

    @Override
    public PubSub pubsub() {
        return outside.pubsub();
    }

    private volatile BoundChannel boundChannel;

    private record BoundChannel(ComponentServiceObjects<PublishChannel> objects, PublishChannel channel) {
    }

    /** The pub/sub service object, fetched once per binding (DS releases it on unbinding). */
    private PublishChannel publishChannel() {
        ComponentServiceObjects<PublishChannel> objects = publishChannel;
        if (objects == null) {
            return null;
        }
        BoundChannel bound = boundChannel;
        if (bound == null || bound.objects() != objects) {
            bound = new BoundChannel(objects, objects.getService());
            boundChannel = bound;
        }
        return bound.channel();
    }

    private Service serviceObject(String name) {
        ServiceEntry entry = active.get(name);
        return entry == null ? null : entry.instance();
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
}
