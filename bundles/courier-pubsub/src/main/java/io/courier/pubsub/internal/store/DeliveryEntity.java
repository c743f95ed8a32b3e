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
 * (subscription, state, priority, message) walks one index in order. A message published to a topic with one
 * subscription is kept in the delivery's own row, its key (from the messages' sequence) in {@code MESSAGE_ID} with
 * no message row for it: {@link #getMessage()} is null then, and the message's columns here are set. A message
 * with several deliveries, or from before version 2 of the schema, has its row, which its deliveries share; their
 * message columns here are empty.
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

    /** Read it fetched by a left join: a key with no message row behind it is the message kept here. */
    @ManyToOne(fetch = FetchType.LAZY)
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

    // the message kept in this row, if it has no row of its own (see MessageEntity for what each holds)

    @Column(unique = true, length = 200)
    private String msgId;

    private Long topicId;

    @Column(length = MessageEntity.MAX_DATA_CHARS)
    private String data;

    @Column(length = 200)
    private String mimeType;

    @Column(length = 200)
    private String correlationId;

    @Column(length = 200)
    private String inReplyTo;

    @Column(length = 200)
    private String extClientId;

    @Column(length = 200)
    private String publisher;

    private Long publishedAt;

    private Long expiresAt;

    protected DeliveryEntity() {
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

    public long getMessageId() {
        return messageId;
    }

    public String getMsgId() {
        return msgId;
    }

    public long getTopicId() {
        return topicId;
    }

    public String getData() {
        return data;
    }

    public String getMimeType() {
        return mimeType;
    }

    public String getCorrelationId() {
        return correlationId;
    }

    public String getInReplyTo() {
        return inReplyTo;
    }

    public String getExtClientId() {
        return extClientId;
    }

    public String getPublisher() {
        return publisher;
    }

    public long getPublishedAt() {
        return publishedAt;
    }

    public long getExpiresAt() {
        return expiresAt;
    }
}
