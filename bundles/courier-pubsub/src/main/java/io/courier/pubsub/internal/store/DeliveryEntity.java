package io.courier.pubsub.internal.store;

import javax.persistence.Column;
import javax.persistence.Entity;
import javax.persistence.FetchType;
import javax.persistence.GeneratedValue;
import javax.persistence.GenerationType;
import javax.persistence.Id;
import javax.persistence.Index;
import javax.persistence.JoinColumn;
import javax.persistence.ManyToOne;
import javax.persistence.SequenceGenerator;
import javax.persistence.Table;

/**
 * One message waiting for one subscription. Priority is copied from the message so that the delivery query
 * (subscription, state, priority, message) walks one index in order.
 */
@Entity
@Table(name = "COURIER_DELIVERY", indexes = {
        @Index(name = "COURIER_DELIVERY_QUEUE", columnList = "SUBSCRIPTIONID, STATE, PRIORITY, MESSAGE_ID"),
        @Index(name = "COURIER_DELIVERY_MESSAGE", columnList = "MESSAGE_ID") })
public class DeliveryEntity {

    public static final String PENDING = "PENDING";
    public static final String DEAD = "DEAD";
    public static final int MAX_ERROR_CHARS = 2000;

    /** The database sequence the keys come from; {@link Store#prepare()} keeps it past the stored keys. */
    public static final String ID_SEQUENCE = "COURIER_DELIVERY_SEQ";

    /** Keys taken from {@link #ID_SEQUENCE} at a time, as for messages: lets the store batch the inserts. */
    public static final int ID_ALLOCATION = 1000;

    @Id
    @SequenceGenerator(name = "CourierDeliveryIds", sequenceName = ID_SEQUENCE, allocationSize = ID_ALLOCATION)
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "CourierDeliveryIds")
    private long id;

    @ManyToOne(fetch = FetchType.LAZY, optional = false)
    @JoinColumn(name = "MESSAGE_ID", nullable = false)
    private MessageEntity message;

    /** The message's key again, read-only: lets the delivery query order by the queue index's own columns. */
    @Column(name = "MESSAGE_ID", insertable = false, updatable = false)
    private long messageId;

    @Column(nullable = false)
    private long subscriptionId;

    @Column(nullable = false, length = 8)
    private String state;

    @Column(nullable = false)
    private int priority;

    @Column(nullable = false)
    private int attempts;

    @Column(nullable = false)
    private long nextAttemptAt;

    private long lastAttemptAt;

    @Column(length = MAX_ERROR_CHARS)
    private String lastError;

    protected DeliveryEntity() {
    }

    public DeliveryEntity(MessageEntity message, long subscriptionId, long nextAttemptAt) {
        this.message = message;
        this.subscriptionId = subscriptionId;
        this.state = PENDING;
        this.priority = message.getPriority();
        this.nextAttemptAt = nextAttemptAt;
    }

    public long getId() {
        return id;
    }

    public MessageEntity getMessage() {
        return message;
    }

    public long getSubscriptionId() {
        return subscriptionId;
    }

    public String getState() {
        return state;
    }

    public int getPriority() {
        return priority;
    }

    public int getAttempts() {
        return attempts;
    }

    public long getNextAttemptAt() {
        return nextAttemptAt;
    }

    public long getLastAttemptAt() {
        return lastAttemptAt;
    }

    public String getLastError() {
        return lastError;
    }
}
