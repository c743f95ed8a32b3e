package io.courier.pubsub.internal;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.osgi.framework.BundleContext;
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

import io.courier.api.PubSub;
import io.courier.api.PublishException;
import io.courier.api.PublishOptions;
import io.courier.core.PublishChannel;
import io.courier.core.RegisteredService;
import io.courier.core.ServiceRegistry;
import io.courier.pubsub.DatabaseInfo;
import io.courier.pubsub.MessageDetails;
import io.courier.pubsub.NodeInfo;
import io.courier.pubsub.PolicyValue;
import io.courier.pubsub.PubSubAdmin;
import io.courier.pubsub.QueuedMessage;
import io.courier.pubsub.ServiceInfo;
import io.courier.pubsub.NodeStats;
import io.courier.pubsub.ServiceStats;
import io.courier.pubsub.SubscriptionInfo;
import io.courier.pubsub.StoreUnavailableException;
import io.courier.pubsub.SweepStats;
import io.courier.pubsub.TopicInfo;
import io.courier.pubsub.internal.cluster.Heartbeat;
import io.courier.pubsub.internal.cluster.NodeHost;
import io.courier.pubsub.internal.store.DueDelivery;
import io.courier.pubsub.internal.store.NewMessage;
import io.courier.pubsub.internal.store.Store;

/**
 * Courier's durable publish/subscribe as one DS component: once {@link StoreSource} has opened the store, wires it,
 * the group-commit writer, the delivery engine and {@link Registrations} (a topic and a subscription for each service of the registry) together, applies
 * its configuration, and offers the services, each a role of its own: {@link Publisher} publishes,
 * {@link AdminView} answers management tools, {@link Policies} works out each service's delivery policy.
 */
@Component(service = { PubSub.class, PublishChannel.class, PubSubAdmin.class }, immediate = true,
        configurationPid = PubSubConfig.PID)
@Designate(ocd = PubSubConfig.class)
public class PubSubEngine implements PubSub, PublishChannel, PubSubAdmin {

    private static final Logger LOG = LoggerFactory.getLogger(PubSubEngine.class);

    @Reference
    private StoreSource database;

    @Reference
    private ServiceRegistry registry;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile List<ServiceDeliveryConfig> serviceConfigs;

    private volatile Settings settings;
    /** The host name and the Karaf instance, read once: what the node's name and address are made from. */
    private NodeHost host;
    /** This node's heartbeat while pub/sub runs; replaced when its settings change. Guarded by this to write. */
    private volatile Heartbeat heartbeat;
    private final Routing routing = new Routing();
    private final Policies policies = new Policies(() -> serviceConfigs, () -> settings.defaults());
    private Metrics metrics;
    private Runnable cancelWait;
    private boolean stopped; // guarded by this
    /** Null until the store is open. */
    private volatile Running running;

    /** The parts that work on the store, made once it is open. */
    private record Running(Store store, GroupCommitWriter writer, DeliveryEngine engine, Registrations registrations,
            Publisher publishing, AdminView admin) {
    }

    @Activate
    void activate(PubSubConfig config, BundleContext context) {
        this.settings = Settings.of(config);
        this.host = new NodeHost(context);
        metrics = new Metrics(Instant.now());
        cancelWait = database.whenOpen(this::start);
    }

    /** Starts pub/sub on the store, once it is open: on the connecting thread, or the activating one. */
    private synchronized void start(Store store) {
        if (stopped) {
            return;
        }
        routing.reload(store::loadTopics);
        GroupCommitWriter writer = new GroupCommitWriter(store, this::handoffRoom, this::wakeSubscribers);
        DeliveryEngine engine = new DeliveryEngine(store, registry, routing, policies::of, metrics,
                writer::acknowledge, settings.deliveryThreads(), settings.batchSize(), settings.sweepIntervalMs());
        Registrations registrations = new Registrations(store, routing, engine);
        Publisher publishing = new Publisher(writer, routing, registry, registrations,
                () -> settings.maxMessageSize());
        AdminView admin = new AdminView(store, routing, registry, engine, metrics, policies, registrations,
                database::info, () -> heartbeat);
        startHeartbeat(store, engine); // before the first delivery: claims hold while the heartbeat does
        engine.listenToOtherNodes();
        running = new Running(store, writer, engine, registrations, publishing, admin);
        writer.start();
        registry.addListener(registrations);
        LOG.info("Courier pub/sub started: {} topics, {} delivery threads", routing.topics().size(),
                settings.deliveryThreads());
    }

    /** A changed configuration applies at once, without stopping delivery or publishing. */
    @Modified
    synchronized void modified(PubSubConfig config) {
        Settings changed = Settings.of(config);
        Settings before = settings;
        settings = changed;
        Running r = running;
        if (r != null) {
            r.engine().resize(changed.deliveryThreads(), changed.batchSize(), changed.sweepIntervalMs());
            boolean sameName = host.nodeName(changed.node()).equals(heartbeat.name());
            if (!sameName || changed.heartbeatMs() != before.heartbeatMs()
                    || changed.nodeLeaseMs() != before.nodeLeaseMs()) {
                if (sameName) {
                    heartbeat.stopBeating(); // the same node beating anew: its claims hold on
                } else {
                    heartbeat.stop();
                }
                startHeartbeat(r.store(), r.engine());
            }
        }
        LOG.info("Courier pub/sub settings changed: {}", changed);
    }

    @Deactivate
    synchronized void deactivate() {
        stopped = true;
        cancelWait.run();
        Running r = running;
        if (r == null) {
            return;
        }
        registry.removeListener(r.registrations());
        r.registrations().stop();
        r.engine().stop(); // its last batches are acknowledged through the writer
        r.writer().stop(); // publishes from now on fail as pub/sub stopping
        heartbeat.stop(); // last: the node is marked stopped once nothing is in hand
        running = null;
        LOG.info("Courier pub/sub stopped");
    }

    /**
     * Starts this node's heartbeat with the current settings; the engine delivers while the node holds its name
     * (its claims hold while its heartbeat does).
     */
    private void startHeartbeat(Store store, DeliveryEngine engine) {
        Settings s = settings;
        String name = host.nodeName(s.node());
        store.node(name, s.nodeLeaseMs());
        heartbeat = new Heartbeat(store, name, host::address,
                () -> registry.services().stream().map(RegisteredService::name).sorted().toList(), engine::inFlight,
                () -> metrics.snapshot(System.currentTimeMillis()), s.heartbeatMs(), s.nodeLeaseMs());
        Heartbeat started = heartbeat;
        engine.deliverWhile(started::held);
        started.start();
    }

    private Publisher publishing() {
        Running r = running;
        if (r == null) {
            throw new PublishException(notRunning());
        }
        return r.publishing();
    }

    private AdminView admin() {
        Running r = running;
        if (r == null) {
            throw new StoreUnavailableException(notRunning());
        }
        return r.admin();
    }

    /** Why pub/sub cannot answer: its database has not answered yet, or it is starting or stopping. */
    private String notRunning() {
        DatabaseInfo d = database.info();
        return d.open() ? "Courier pub/sub is starting or stopping: try again in a moment"
                : "The store is unreachable: " + d.problem();
    }

    /** How many new deliveries of a subscription may be handed to its worker as they are stored (see DeliveryEngine). */
    private int handoffRoom(long subscriptionId) {
        Running r = running;
        return r == null ? 0 : r.engine().handoffRoom(subscriptionId);
    }

    /** Newly stored messages: counted for their subscribers, and delivered (see DeliveryEngine#stored). */
    private void wakeSubscribers(List<NewMessage> stored, List<DueDelivery> handedOver) {
        Map<Long, Integer> perSubscription = new HashMap<>();
        stored.forEach(m -> m.subscriptionIds().forEach(id -> perSubscription.merge(id, 1, Integer::sum)));
        perSubscription.forEach((id, n) -> routing.subscription(id)
                .ifPresent(s -> metrics.published(s.subscriber(), n)));
        Running r = running;
        if (r != null) {
            r.engine().stored(stored, handedOver);
        }
    }

    // ---- publish: Publisher ----------------------------------------------------------------------------

    @Override
    public String publish(String name, Object data, PublishOptions options) {
        return publishing().publish(null, name, data, options);
    }

    @Override
    public String publish(String publisher, String name, Object data, PublishOptions options) {
        return publishing().publish(publisher, name, data, options);
    }

    @Override
    public List<String> publishAll(String name, List<?> data, PublishOptions options) {
        return publishing().publishAll(null, name, data, options);
    }

    @Override
    public List<String> publishAll(String publisher, String name, List<?> data, PublishOptions options) {
        return publishing().publishAll(publisher, name, data, options);
    }

    // ---- admin: AdminView ------------------------------------------------------------------------------

    @Override
    public List<ServiceInfo> services() {
        return admin().services();
    }

    @Override
    public List<TopicInfo> topics() {
        return admin().topics();
    }

    @Override
    public List<SubscriptionInfo> subscriptions() {
        return admin().subscriptions();
    }

    @Override
    public List<QueuedMessage> browse(String name, boolean dead, int offset, int limit) {
        return admin().browse(name, dead, offset, limit);
    }

    @Override
    public int retry(String msgId) {
        return admin().retry(msgId);
    }

    @Override
    public int retryDead(String name) {
        return admin().retryDead(name);
    }

    @Override
    public int purge(String name, boolean dead) {
        return admin().purge(name, dead);
    }

    @Override
    public void pause(String name) {
        admin().pause(name);
    }

    @Override
    public void resume(String name) {
        admin().resume(name);
    }

    @Override
    public Optional<MessageDetails> message(String msgId) {
        return admin().message(msgId);
    }

    @Override
    public List<ServiceStats> stats() {
        return admin().stats();
    }

    @Override
    public List<NodeStats> nodeStats() {
        return admin().nodeStats();
    }

    @Override
    public List<ServiceStats> clusterStats() {
        return admin().clusterStats();
    }

    @Override
    public Instant statsSince() {
        return admin().statsSince();
    }

    @Override
    public SweepStats sweepStats() {
        return admin().sweepStats();
    }

    @Override
    public List<PolicyValue> deliveryPolicy(String service) {
        return admin().deliveryPolicy(service);
    }

    @Override
    public DatabaseInfo database() {
        return database.info();
    }

    @Override
    public List<NodeInfo> nodes() {
        return admin().nodes();
    }
}
