package io.courier.pubsub.internal.store;

import javax.persistence.Column;
import javax.persistence.Entity;
import javax.persistence.GeneratedValue;
import javax.persistence.GenerationType;
import javax.persistence.Id;
import javax.persistence.Table;

/** A topic: a service's own (named after it) or a shared one (its name starts with '/'). */
@Entity
@Table(name = "COURIER_TOPIC")
public class TopicEntity {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private long id;

    @Column(nullable = false, unique = true, length = 200)
    private String name;

    @Column(nullable = false)
    private boolean shared;

    @Column(nullable = false)
    private long createdAt;

    @Column(length = 200)
    private String lastMsgId;

    private long lastMsgAt;

    @Column(length = 200)
    private String lastPreview;

    protected TopicEntity() {
    }

    public TopicEntity(String name, boolean shared, long createdAt) {
        this.name = name;
        this.shared = shared;
        this.createdAt = createdAt;
    }

    public long getId() {
        return id;
    }

    public String getName() {
        return name;
    }

    public boolean isShared() {
        return shared;
    }

    public long getCreatedAt() {
        return createdAt;
    }

    public String getLastMsgId() {
        return lastMsgId;
    }

    public long getLastMsgAt() {
        return lastMsgAt;
    }

    public String getLastPreview() {
        return lastPreview;
    }
}
