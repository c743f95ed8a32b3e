package io.courier.pubsub.internal.store;

import javax.persistence.Column;
import javax.persistence.Entity;
import javax.persistence.GeneratedValue;
import javax.persistence.GenerationType;
import javax.persistence.Id;
import javax.persistence.SequenceGenerator;
import javax.persistence.Table;

/** A stored message; deleted with its last delivery. Its data is JSON text. */
@Entity
@Table(name = "COURIER_MESSAGE")
public class MessageEntity {

    /** The largest data, in characters, a row can hold; the configured size limit stays below it. */
    public static final int MAX_DATA_CHARS = 16 * 1024 * 1024;

    /** The database sequence the keys come from; {@link Store#prepare()} keeps it past the stored keys. */
    public static final String ID_SEQUENCE = "COURIER_MESSAGE_SEQ";

    /**
     * Keys OpenJPA's generator takes from {@link #ID_SEQUENCE} at a time (the sequence steps by this much): the
     * store knows the keys before inserting, so a transaction's rows go to the database in JDBC batches rather
     * than one by one (see {@code QueueStatements}).
     */
    public static final int ID_ALLOCATION = 1000;

    /**
     * Taken in insert order from one sequence: later messages get larger keys, which is the publish order the
     * delivery query relies on within a priority.
     */
    @Id
    @SequenceGenerator(name = "CourierMessageIds", sequenceName = ID_SEQUENCE, allocationSize = ID_ALLOCATION)
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "CourierMessageIds")
    private long id;

    @Column(nullable = false, unique = true, length = 200)
    private String msgId;

    @Column(nullable = false)
    private long topicId;

    @Column(nullable = false, length = MAX_DATA_CHARS)
    private String data;

    @Column(nullable = false, length = 200)
    private String mimeType;

    @Column(nullable = false)
    private int priority;

    @Column(nullable = false, length = 200)
    private String correlationId;

    @Column(length = 200)
    private String inReplyTo;

    @Column(length = 200)
    private String extClientId;

    @Column(length = 200)
    private String publisher;

    @Column(nullable = false)
    private long publishedAt;

    /** 0: never expires. */
    @Column(nullable = false)
    private long expiresAt;

    protected MessageEntity() {
    }

    public MessageEntity(String msgId, long topicId, String data, String mimeType, int priority, String correlationId,
            String inReplyTo, String extClientId, String publisher, long publishedAt, long expiresAt) {
        this.msgId = msgId;
        this.topicId = topicId;
        this.data = data;
        this.mimeType = mimeType;
        this.priority = priority;
        this.correlationId = correlationId;
        this.inReplyTo = inReplyTo;
        this.extClientId = extClientId;
        this.publisher = publisher;
        this.publishedAt = publishedAt;
        this.expiresAt = expiresAt;
    }

    public long getId() {
        return id;
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

    public int getPriority() {
        return priority;
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
