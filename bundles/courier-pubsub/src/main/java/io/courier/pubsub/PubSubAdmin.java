package io.courier.pubsub;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Pub/sub for management tools: the figures of services, topics and queued messages, read from the store, and
 * what an operator does to them (retry, purge, pause, resume). While the store is not open (its database has not
 * answered yet), every method but {@link #database()} throws {@link StoreUnavailableException}.
 */
@ProviderType
public interface PubSubAdmin {

    /** Every service registered now or known from an earlier registration, sorted by name. */
    List<ServiceInfo> services();

    /** Every topic, sorted by name. */
    List<TopicInfo> topics();

    /** Every subscription, sorted by subscriber then topic. */
    List<SubscriptionInfo> subscriptions();

    /**
     * The queued deliveries of a service (all its subscriptions) or of a shared topic (all its subscribers), in
     * delivery order.
     *
     * @param dead true for dead letters, false for pending deliveries
     * @throws IllegalArgumentException if no service or topic of that name is known
     */
    List<QueuedMessage> browse(String name, boolean dead, int offset, int limit);

    /**
     * Makes a message's dead letters pending again, with a fresh count of attempts, and delivers them now.
     *
     * @return how many deliveries were made pending: 0 if the message has no dead letter
     */
    int retry(String msgId);

    /**
     * Makes every dead letter of a service or a shared topic pending again, with a fresh count of attempts.
     *
     * @return how many deliveries were made pending
     * @throws IllegalArgumentException if no service or topic of that name is known
     */
    int retryDead(String name);

    /**
     * Deletes the pending messages, or the dead letters, of a service or a shared topic, for good.
     *
     * @return how many deliveries were deleted
     * @throws IllegalArgumentException if no service or topic of that name is known
     */
    int purge(String name, boolean dead);

    /**
     * Pauses delivery to a service (all its subscriptions) or to a shared topic's subscribers: messages keep
     * being stored and wait. The state is stored: a paused service stays paused after a restart.
     *
     * @throws IllegalArgumentException if no service or topic of that name is known
     */
    void pause(String name);

    /**
     * Resumes delivery paused by {@link #pause}; waiting messages go out at once.
     *
     * @throws IllegalArgumentException if no service or topic of that name is known
     */
    void resume(String name);

    /** A stored message with its deliveries (one per subscription it still waits for); empty once delivered. */
    Optional<MessageDetails> message(String msgId);

    /** What pub/sub did per service since {@link #statsSince()}, sorted by service name. */
    List<ServiceStats> stats();

    /**
     * Every live node's {@link #stats()}, by node name: this node's as of now, the others' as their heartbeat last
     * wrote them (every 5 s while they change). One node where it has the database to itself.
     */
    List<NodeStats> nodeStats();

    /**
     * What pub/sub did per service across the live nodes: their {@link #nodeStats()} added up, each node counting
     * since its own start; sorted by service name.
     */
    List<ServiceStats> clusterStats();

    /** When pub/sub started counting {@link #stats()}: its last start. */
    Instant statsSince();

    /** What the delivery sweep did since {@link #statsSince()}. */
    SweepStats sweepStats();

    /**
     * A service's effective delivery policy, each value with where it comes from. For a service known but not
     * registered now, its own service properties are not known and do not count.
     *
     * @throws IllegalArgumentException if no service of that name is known
     */
    List<PolicyValue> deliveryPolicy(String service);

    /** The database the store uses and whether it is open on it; answers also while the store is not open. */
    DatabaseInfo database();

    /** The nodes using the store's database (this one among them), sorted by name. */
    List<NodeInfo> nodes();
}
