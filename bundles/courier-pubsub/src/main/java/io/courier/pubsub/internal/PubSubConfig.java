package io.courier.pubsub.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Courier pub/sub settings (PID {@code io.courier.pubsub}). The delivery defaults apply to every service
 * unless a factory configuration {@code io.courier.delivery} or the service's own properties say otherwise.
 * <p>
 * Why these retry defaults: the first retry comes after 1 s, quick enough for a blip; doubling up to 5
 * minutes, 10 attempts span about 8.5 minutes in all: long enough to ride out a redeploy or a short outage
 * of a downstream system before a message becomes a dead letter, which is kept and can be retried by hand.
 * <p>
 * Each value's range is its {@link SettingRule}'s; the annotations' min and max say the same for metatype.
 */
@ObjectClassDefinition(name = "Courier pub/sub", description = "Durable publish/subscribe: limits and delivery defaults")
public @interface PubSubConfig {

    String PID = "io.courier.pubsub";

    @AttributeDefinition(description = "Largest message data, in bytes of JSON (UTF-8)", min = "1", max = "16777216")
    int maxMessageSize() default 1024 * 1024;

    @AttributeDefinition(description = "Threads delivering messages, shared by all subscriptions", min = "1",
            max = "1000")
    int deliveryThreads() default 4;

    @AttributeDefinition(description = "Deliveries fetched and acknowledged together", min = "1", max = "10000")
    int batchSize() default 100;

    @AttributeDefinition(description = "How often, in milliseconds, delivery looks in the store for due messages"
            + " that no wake-up announced (the safety net behind publishing's own wake-ups)", min = "10", max = "60000")
    long sweepIntervalMs() default 1000;

    @AttributeDefinition(description = "This node's name among the nodes sharing the database; the environment's"
            + " COURIER_NODE wins over it; empty: made from the host name, the Karaf instance and its folder")
    String node() default "";

    @AttributeDefinition(description = "How often, in milliseconds, this node writes its heartbeat to the database",
            min = "100", max = "60000")
    long heartbeatMs() default 1000;

    @AttributeDefinition(description = "How long, in milliseconds, a node whose heartbeat stopped is still taken for"
            + " live; more than twice heartbeatMs", min = "1000", max = "3600000")
    long nodeLeaseMs() default 10_000;

    @AttributeDefinition(description = "Delivery attempts before a message becomes a dead letter", min = "1")
    int maxAttempts() default 10;

    @AttributeDefinition(description = "Wait before the first retry, in milliseconds", min = "0")
    long backoffInitialMs() default 1000;

    @AttributeDefinition(description = "Longest wait between retries, in milliseconds", min = "0")
    long backoffMaxMs() default 300_000;

    @AttributeDefinition(description = "Factor applied to the wait after each failed attempt", min = "1")
    double backoffMultiplier() default 2.0;

    @AttributeDefinition(description = "Ordered delivery: a failing message blocks the ones behind it")
    boolean ordered() default false;

    @AttributeDefinition(description = "Longest a service may take to handle one message, in milliseconds; past it"
            + " the delivery counts as failed and the service's thread is interrupted", min = "1")
    long timeoutMs() default 60_000;
}
