package io.courier.pubsub.internal;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import javax.persistence.EntityManagerFactory;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.courier.api.MessageTooLargeException;
import io.courier.api.Names;
import io.courier.api.PubSub;
import io.courier.api.PublishException;
import io.courier.api.PublishOptions;
import io.courier.api.UnknownTopicException;
import io.courier.core.Ids;
import io.courier.core.Json;
import io.courier.core.PublishChannel;
import io.courier.core.RegisteredService;
import io.courier.core.ServiceRegistry;
import io.courier.pubsub.MessageDetails;
import io.courier.pubsub.PolicyValue;
import io.courier.pubsub.PubSubAdmin;
import io.courier.pubsub.QueuedMessage;
import io.courier.pubsub.ServiceInfo;
import io.courier.pubsub.ServiceStats;
import io.courier.pubsub.SubscriptionInfo;
import io.courier.pubsub.SweepStats;
import io.courier.pubsub.TopicInfo;
import io.courier.pubsub.internal.store.DueDelivery;
import io.courier.pubsub.internal.store.NewMessage;
import io.courier.pubsub.internal.store.QueueCounts;
import io.courier.pubsub.internal.store.Store;
import io.courier.pubsub.internal.store.SubscriptionRow;
import io.courier.pubsub.internal.store.SubscriptionStats;
import io.courier.pubsub.internal.store.TopicFacts;
import io.courier.pubsub.internal.store.TopicRow;

/**
 * Courier's durable publish/subscribe: learns services from the registry (a topic and a subscription for
 * each), validates and stores publishes through the group-commit writer, and runs the delivery engine.
 */
@Component(service = { PubSub.class, PublishChannel.class, PubSubAdmin.class }, immediate = true,
        configurationPid = PubSubConfig.PID)
@Designate(ocd = PubSubConfig.class)
public class PubSubEngine implements PubSub, PublishChannel, PubSubAdmin {

    private static final Logger LOG = LoggerFactory.getLogger(PubSubEngine.class);
    /** The most messages one publishAll takes: one transaction must stay a reasonable size. */
    static final int MAX_PUBLISH_ALL = 10_000;

    @Reference(target = "(osgi.unit.name=courier)")
    private EntityManagerFactory emf;

    @Reference
    private ServiceRegistry registry;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile List<ServiceDeliveryConfig> serviceConfigs;

    private final Routing routing = new Routing();
    private Store store;
    private GroupCommitWriter writer;
    private DeliveryEngine engine;
    private Registrations registrations;
    private Metrics metrics;
    private volatile Settings settings;

    @Activate
    void activate(PubSubConfig config) {
        this.settings = Settings.of(config);
        store = new Store(emf);
        store.prepare();
        routing.reload(store::loadTopics);
        metrics = new Metrics(Instant.now());
        writer = new GroupCommitWriter(store, this::wakeSubscribers);
        engine = new DeliveryEngine(store, registry, routing, this::policyOf, metrics, writer::acknowledge,
                settings.deliveryThreads(), settings.batchSize(), settings.sweepIntervalMs());
        registrations = new Registrations(store, routing, engine);
        writer.start();
        registry.addListener(registrations);
        LOG.info("Courier pub/sub started: {} topics, {} delivery threads", routing.topics().size(),
                settings.deliveryThreads());
    }

    /** A changed configuration applies at once, without stopping delivery or publishing. */
    @Modified
    void modified(PubSubConfig config) {
        Settings changed = Settings.of(config);
        settings = changed;
        engine.resize(changed.deliveryThreads(), changed.batchSize(), changed.sweepIntervalMs());
        LOG.info("Courier pub/sub settings changed: {}", changed);
    }

    @Deactivate
    void deactivate() {
        registry.removeListener(registrations);
        registrations.stop();
        engine.stop(); // its last batches are acknowledged through the writer
        writer.stop();
        store.close();
        LOG.info("Courier pub/sub stopped");
    }

    private DeliveryPolicy policyOf(RegisteredService service) {
        return explainPolicy(service.name(), service.properties()).policy();
    }

    private PolicyResolver.Explained explainPolicy(String service, Map<String, Object> serviceProperties) {
        Map<String, Object> serviceConfig = null;
        List<ServiceDeliveryConfig> configs = serviceConfigs;
        if (configs != null) {
            for (ServiceDeliveryConfig c : configs) {
                if (c.service().equals(service)) {
                    serviceConfig = c.properties();
                }
            }
        }
        return PolicyResolver.explain(service, serviceProperties, serviceConfig, settings.defaults());
    }

    private void wakeSubscribers(List<NewMessage> stored) {
        Map<Long, Integer> perSubscription = new HashMap<>();
        stored.forEach(m -> m.subscriptionIds().forEach(id -> perSubscription.merge(id, 1, Integer::sum)));
        perSubscription.forEach((id, n) -> {
            routing.subscription(id).ifPresent(s -> metrics.published(s.subscriber(), n));
            engine.wake(id);
        });
    }

    // ---- publish ---------------------------------------------------------------------------------------

    @Override
    public String publish(String name, Object data, PublishOptions options) {
        return publish(null, name, data, options);
    }

    @Override
    public String publish(String publisher, String name, Object data, PublishOptions options) {
        checkOptions(options);
        NewMessage message = message(publisher, resolve(name), name, data, options);
        writer.store(message);
        return message.msgId();
    }

    @Override
    public List<String> publishAll(String name, List<?> data, PublishOptions options) {
        return publishAll(null, name, data, options);
    }

    @Override
    public List<String> publishAll(String publisher, String name, List<?> data, PublishOptions options) {
        checkOptions(options);
        if (data == null || data.isEmpty() || data.size() > MAX_PUBLISH_ALL) {
            throw new PublishException("publishAll to '" + name + "' takes 1 to " + MAX_PUBLISH_ALL
                    + " messages, not " + (data == null ? "null" : data.size()) + "; nothing was published");
        }
        if (options.msgId().isPresent()) {
            throw new PublishException("publishAll to '" + name + "' cannot give every message the same id '"
                    + options.msgId().get() + "'; nothing was published (leave the id to Courier)");
        }
        TopicRow topic = resolve(name);
        List<NewMessage> messages = new ArrayList<>(data.size());
        for (Object d : data) {
            messages.add(message(publisher, topic, name, d, options));
        }
        writer.storeAll(messages);
        return messages.stream().map(NewMessage::msgId).toList();
    }

    private static void checkOptions(PublishOptions options) {
        if (options == null) {
            throw new PublishException("publish options must not be null; use PublishOptions.defaults()");
        }
    }

    /** A validated message, ready to store. */
    private NewMessage message(String publisher, TopicRow topic, String name, Object data, PublishOptions options) {
        String json;
        try {
            json = Json.write(data);
        } catch (IllegalArgumentException e) {
            throw new PublishException("The data for '" + name + "' cannot be written as JSON, nothing was published: "
                    + e.getMessage(), e);
        }
        int bytes = json.getBytes(StandardCharsets.UTF_8).length;
        int limit = settings.maxMessageSize();
        if (bytes > limit) {
            throw new MessageTooLargeException("The data for '" + name + "' is " + bytes + " bytes of JSON, over the"
                    + " limit of " + limit + " (maxMessageSize in " + PubSubConfig.PID + "); nothing was published",
                    bytes, limit);
        }
        long now = System.currentTimeMillis();
        return new NewMessage(options.msgId().orElseGet(Ids::timeOrdered), options.msgId().isPresent(), topic.id(),
                topic.subscriptions().stream().map(SubscriptionRow::id).toList(), json, options.mimeType(),
                options.priority(), options.correlationId().orElseGet(Ids::random), options.inReplyTo().orElse(null),
                options.extClientId().orElse(null), publisher, now,
                options.expiration().map(e -> now + e.toMillis()).orElse(0L));
    }

    /** The topic a publish goes to; a service registered this very moment is subscribed first. */
    private TopicRow resolve(String name) {
        if (!Names.isServiceName(name) && !Names.isSharedTopicName(name)) {
            throw new PublishException("'" + name + "' is neither a service name (letters, digits, '.', '-', '_')"
                    + " nor a shared topic name ('/' then such names separated by '/'); nothing was published");
        }
        Optional<TopicRow> topic = routing.topic(name).filter(t -> !t.subscriptions().isEmpty());
        if (topic.isEmpty() && !name.startsWith("/")) {
            registry.find(name).ifPresent(registrations::subscribeNow);
            topic = routing.topic(name);
        }
        return topic.orElseThrow(() -> name.startsWith("/")
                ? new UnknownTopicException(name, "No service subscribes to the shared topic '" + name
                        + "', nothing was published (a service subscribes with the property courier.subscribe)")
                : new UnknownTopicException(name, "No service named '" + name + "' has ever registered with Courier,"
                        + " nothing was published (courier:services lists the known services)"));
    }

    // ---- admin -----------------------------------------------------------------------------------------

    @Override
    public List<ServiceInfo> services() {
        Map<String, List<SubscriptionInfo>> bySubscriber = new TreeMap<>();
        subscriptions().forEach(s -> bySubscriber.computeIfAbsent(s.subscriber(), k -> new ArrayList<>()).add(s));
        registry.services().forEach(s -> bySubscriber.computeIfAbsent(s.name(), k -> new ArrayList<>()));
        List<ServiceInfo> list = new ArrayList<>();
        bySubscriber.forEach((name, subs) -> {
            Optional<ServiceInfo.Bundle> bundle = registry.find(name)
                    .map(r -> new ServiceInfo.Bundle(r.bundleId(), r.bundleSymbolicName(), r.bundleVersion()));
            list.add(new ServiceInfo(name, bundle,
                    subs.stream().mapToLong(SubscriptionInfo::depth).sum(),
                    subs.stream().mapToLong(SubscriptionInfo::inFlight).sum(),
                    subs.stream().mapToLong(SubscriptionInfo::dead).sum(),
                    subs.stream().mapToLong(SubscriptionInfo::delivered).sum(),
                    subs.stream().mapToLong(SubscriptionInfo::expired).sum(),
                    subs.stream().flatMap(s -> s.lastDeliveryAt().stream()).max(Comparator.naturalOrder()),
                    !subs.isEmpty() && subs.stream().allMatch(SubscriptionInfo::paused),
                    routing.subscriptionsOf(name).stream().mapToInt(sub -> engine.hung(sub.id())).sum()));
        });
        return list;
    }

    @Override
    public List<TopicInfo> topics() {
        Map<Long, QueueCounts> counts = store.queueCounts();
        List<TopicInfo> list = new ArrayList<>();
        for (TopicFacts t : store.topicFacts()) {
            List<SubscriptionRow> subs = routing.topic(t.name()).map(TopicRow::subscriptions).orElse(List.of());
            long depth = 0;
            long dead = 0;
            long inFlight = 0;
            for (SubscriptionRow s : subs) {
                QueueCounts c = counts.getOrDefault(s.id(), QueueCounts.EMPTY);
                depth += c.pending();
                dead += c.dead();
                inFlight += engine.inFlight(s.id());
            }
            list.add(new TopicInfo(t.name(), t.shared(), subs.stream().map(SubscriptionRow::subscriber).toList(), depth,
                    inFlight, dead, Optional.ofNullable(t.lastMsgId()),
                    Optional.ofNullable(t.lastMsgId()).map(x -> Instant.ofEpochMilli(t.lastMsgAt())),
                    Optional.ofNullable(t.lastPreview())));
        }
        return list;
    }

    @Override
    public List<SubscriptionInfo> subscriptions() {
        Map<Long, QueueCounts> counts = store.queueCounts();
        List<SubscriptionInfo> list = new ArrayList<>();
        for (SubscriptionStats s : store.subscriptionStats()) {
            QueueCounts c = counts.getOrDefault(s.id(), QueueCounts.EMPTY);
            list.add(new SubscriptionInfo(routing.topicName(s.topicId()), s.subscriber(), c.pending(),
                    engine.inFlight(s.id()), c.dead(), s.delivered(), s.expired(),
                    s.lastDeliveryAt() == 0 ? Optional.empty() : Optional.of(Instant.ofEpochMilli(s.lastDeliveryAt())),
                    s.paused()));
        }
        list.sort(Comparator.comparing(SubscriptionInfo::subscriber).thenComparing(SubscriptionInfo::topic));
        return list;
    }

    @Override
    public List<QueuedMessage> browse(String name, boolean dead, int offset, int limit) {
        List<SubscriptionRow> subs = subscriptionsNamed(name);
        Map<Long, String> subscriber = new HashMap<>();
        subs.forEach(s -> subscriber.put(s.id(), s.subscriber()));
        List<QueuedMessage> list = new ArrayList<>();
        for (DueDelivery d : store.browse(subscriber.keySet(), dead, Math.max(0, offset), Math.max(1, limit))) {
            list.add(queued(d, subscriber.get(d.subscriptionId())));
        }
        return list;
    }

    private QueuedMessage queued(DueDelivery d, String subscriber) {
        return new QueuedMessage(d.msgId(), routing.topicName(d.topicId()), subscriber, d.priority(),
                Instant.ofEpochMilli(d.publishedAt()), d.attempts(), Instant.ofEpochMilli(d.nextAttemptAt()),
                Optional.ofNullable(d.lastError()), d.dead(), preview(d.data()));
    }

    @Override
    public int retry(String msgId) {
        List<SubscriptionRow> all = routing.topics().stream().flatMap(t -> t.subscriptions().stream()).toList();
        return retried(all, store.retryDead(ids(all), msgId, System.currentTimeMillis()));
    }

    @Override
    public int retryDead(String name) {
        List<SubscriptionRow> subs = subscriptionsNamed(name);
        return retried(subs, store.retryDead(ids(subs), null, System.currentTimeMillis()));
    }

    @Override
    public int purge(String name, boolean dead) {
        int purged = store.purge(ids(subscriptionsNamed(name)), dead);
        LOG.info("Purged {} {} of '{}'", purged, dead ? "dead letters" : "pending messages", name);
        return purged;
    }

    @Override
    public void pause(String name) {
        store.setPaused(ids(subscriptionsNamed(name)), true);
        routing.reload(store::loadTopics);
        LOG.info("Delivery to '{}' paused; its messages wait until courier:resume", name);
    }

    @Override
    public void resume(String name) {
        List<SubscriptionRow> subs = subscriptionsNamed(name);
        store.setPaused(ids(subs), false);
        routing.reload(store::loadTopics);
        LOG.info("Delivery to '{}' resumed", name);
        subs.forEach(engine::wake);
    }

    @Override
    public List<ServiceStats> stats() {
        return metrics.stats(System.currentTimeMillis());
    }

    @Override
    public Instant statsSince() {
        return metrics.since();
    }

    @Override
    public SweepStats sweepStats() {
        return engine.sweeps().stats();
    }

    @Override
    public List<PolicyValue> deliveryPolicy(String service) {
        Optional<RegisteredService> registered = registry.find(service);
        if (registered.isEmpty() && routing.subscriptionsOf(service).isEmpty()) {
            throw new IllegalArgumentException("No service named '" + service + "' is known"
                    + " (courier:services lists them)");
        }
        return explainPolicy(service, registered.map(RegisteredService::properties).orElse(Map.of())).values();
    }

    @Override
    public Optional<MessageDetails> message(String msgId) {
        List<DueDelivery> deliveries = store.deliveriesOf(msgId);
        if (deliveries.isEmpty()) {
            return Optional.empty();
        }
        DueDelivery d = deliveries.get(0);
        return Optional.of(new MessageDetails(d.msgId(), routing.topicName(d.topicId()), d.mimeType(), d.priority(),
                Instant.ofEpochMilli(d.publishedAt()),
                d.expiresAt() == 0 ? Optional.empty() : Optional.of(Instant.ofEpochMilli(d.expiresAt())),
                d.correlationId(), Optional.ofNullable(d.inReplyTo()), Optional.ofNullable(d.extClientId()),
                Optional.ofNullable(d.publisher()), d.data(),
                deliveries.stream().map(x -> queued(x, routing.subscription(x.subscriptionId())
                        .map(SubscriptionRow::subscriber).orElse("?"))).toList()));
    }

    private int retried(List<SubscriptionRow> subscriptions, int count) {
        if (count > 0) {
            subscriptions.forEach(engine::wake);
        }
        return count;
    }

    /** A service's subscriptions, or a shared topic's. */
    private List<SubscriptionRow> subscriptionsNamed(String name) {
        List<SubscriptionRow> subs = name.startsWith("/")
                ? routing.topic(name).map(TopicRow::subscriptions).orElse(List.of())
                : routing.subscriptionsOf(name);
        if (subs.isEmpty()) {
            throw new IllegalArgumentException("No service or shared topic named '" + name + "' is known"
                    + " (courier:services and courier:topics list them)");
        }
        return subs;
    }

    private static List<Long> ids(List<SubscriptionRow> subscriptions) {
        return subscriptions.stream().map(SubscriptionRow::id).toList();
    }

    private static String preview(String data) {
        return data.length() <= 80 ? data : data.substring(0, 79) + "…";
    }
}
