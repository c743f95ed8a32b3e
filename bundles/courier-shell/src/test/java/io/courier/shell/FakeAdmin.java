package io.courier.shell;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.courier.pubsub.DatabaseInfo;
import io.courier.pubsub.MessageDetails;
import io.courier.pubsub.NodeInfo;
import io.courier.pubsub.PolicyValue;
import io.courier.pubsub.PubSubAdmin;
import io.courier.pubsub.QueuedMessage;
import io.courier.pubsub.ServiceInfo;
import io.courier.pubsub.NodeStats;
import io.courier.pubsub.SweepStats;
import io.courier.pubsub.ServiceStats;
import io.courier.pubsub.SubscriptionInfo;
import io.courier.pubsub.TopicInfo;

/** The store as the commands see it: what a test puts in, and what the commands asked to change. */
final class FakeAdmin implements PubSubAdmin {

    final List<ServiceInfo> services = new ArrayList<>();
    final List<TopicInfo> topics = new ArrayList<>();
    final List<SubscriptionInfo> subscriptions = new ArrayList<>();
    final List<QueuedMessage> queued = new ArrayList<>();
    final Map<String, MessageDetails> messages = new HashMap<>();
    final List<ServiceStats> stats = new ArrayList<>();
    final List<NodeStats> nodeStats = new ArrayList<>();
    final List<ServiceStats> clusterStats = new ArrayList<>();
    final Map<String, List<PolicyValue>> policies = new HashMap<>();
    final List<String> done = new ArrayList<>();
    final List<NodeInfo> nodes = new ArrayList<>();
    Instant statsSince = Instant.parse("2026-01-01T00:00:00Z");
    DatabaseInfo database = new DatabaseInfo("PostgreSQL", "jdbc:postgresql://db.example:5432/courier",
            "COURIER_DB_URL (environment)", "courier", "COURIER_DB_USER (environment)", true,
            "COURIER_DB_PASSWORD (environment)", true, null, "15.18");

    @Override
    public DatabaseInfo database() {
        return database;
    }

    @Override
    public List<NodeInfo> nodes() {
        return nodes;
    }

    @Override
    public List<ServiceInfo> services() {
        return services;
    }

    @Override
    public List<TopicInfo> topics() {
        return topics;
    }

    @Override
    public List<SubscriptionInfo> subscriptions() {
        return subscriptions;
    }

    @Override
    public List<QueuedMessage> browse(String name, boolean dead, int offset, int limit) {
        known(name);
        return queued.stream().filter(m -> (name.startsWith("/") ? m.topic() : m.subscriber()).equals(name))
                .filter(m -> m.dead() == dead).skip(offset).limit(limit).toList();
    }

    @Override
    public int retry(String msgId) {
        done.add("retry " + msgId);
        return (int) queued.stream().filter(m -> m.msgId().equals(msgId) && m.dead()).count();
    }

    @Override
    public int retryDead(String name) {
        known(name);
        done.add("retryDead " + name);
        return (int) queued.stream().filter(m -> m.subscriber().equals(name) && m.dead()).count();
    }

    @Override
    public int purge(String name, boolean dead) {
        known(name);
        done.add("purge " + name + (dead ? " dead" : " pending"));
        return (int) queued.stream().filter(m -> m.subscriber().equals(name) && m.dead() == dead).count();
    }

    @Override
    public void pause(String name) {
        known(name);
        done.add("pause " + name);
    }

    @Override
    public void resume(String name) {
        known(name);
        done.add("resume " + name);
    }

    @Override
    public Optional<MessageDetails> message(String msgId) {
        return Optional.ofNullable(messages.get(msgId));
    }

    @Override
    public List<ServiceStats> stats() {
        return stats;
    }

    @Override
    public List<NodeStats> nodeStats() {
        return nodeStats;
    }

    @Override
    public List<ServiceStats> clusterStats() {
        return clusterStats;
    }

    @Override
    public Instant statsSince() {
        return statsSince;
    }

    @Override
    public SweepStats sweepStats() {
        return new SweepStats(0, 0, 0, 0, 0);
    }

    @Override
    public List<PolicyValue> deliveryPolicy(String service) {
        List<PolicyValue> policy = policies.get(service);
        if (policy == null) {
            throw new IllegalArgumentException("No service named '" + service + "' is known (courier:services lists them)");
        }
        return policy;
    }

    /** As the store refuses a name it does not know. */
    private void known(String name) {
        if (subscriptions.stream().noneMatch(s -> s.topic().equals(name) || s.subscriber().equals(name))) {
            throw new IllegalArgumentException("No service or shared topic named '" + name + "' is known"
                    + " (courier:services and courier:topics list them)");
        }
    }
}
