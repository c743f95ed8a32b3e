package io.courier.pubsub.internal.store;

import javax.persistence.Column;
import javax.persistence.Entity;
import javax.persistence.GeneratedValue;
import javax.persistence.GenerationType;
import javax.persistence.Id;
import javax.persistence.Table;
import javax.persistence.UniqueConstraint;

/** A service's subscription to a topic, with its counters. */
@Entity
@Table(name = "COURIER_SUBSCRIPTION", uniqueConstraints = @UniqueConstraint(columnNames = { "TOPICID", "SUBSCRIBER" }))
public class SubscriptionEntity {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private long id;

    @Column(nullable = false)
    private long topicId;

    @Column(nullable = false, length = 200)
    private String subscriber;

    @Column(nullable = false)
    private long createdAt;

    @Column(nullable = false)
    private boolean paused;

    @Column(nullable = false)
    private long delivered;

    @Column(nullable = false)
    private long expired;

    private long lastDeliveryAt;

    protected SubscriptionEntity() {
    }

    public SubscriptionEntity(long topicId, String subscriber, long createdAt) {
        this.topicId = topicId;
        this.subscriber = subscriber;
        this.createdAt = createdAt;
    }

    public long getId() {
        return id;
    }

    public long getTopicId() {
        return topicId;
    }

    public String getSubscriber() {
        return subscriber;
    }

    public boolean isPaused() {
        return paused;
    }

    public long getDelivered() {
        return delivered;
    }

    public long getExpired() {
        return expired;
    }

    public long getLastDeliveryAt() {
        return lastDeliveryAt;
    }
}
