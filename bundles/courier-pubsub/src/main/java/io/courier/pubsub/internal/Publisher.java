package io.courier.pubsub.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.IntSupplier;

import io.courier.api.InvalidPublishException;
import io.courier.api.MessageTooLargeException;
import io.courier.api.Names;
import io.courier.api.PublishOptions;
import io.courier.api.UnknownTopicException;
import io.courier.core.Ids;
import io.courier.core.Json;
import io.courier.core.PublishChannel;
import io.courier.core.ServiceRegistry;
import io.courier.pubsub.internal.store.NewMessage;
import io.courier.pubsub.internal.store.SubscriptionRow;
import io.courier.pubsub.internal.store.TopicRow;

/**
 * Publishing: checks what a publisher hands over (options, the data as JSON within the size limit, the name of a
 * known service or shared topic), builds the messages to store and stores them through the group-commit writer,
 * returning once they are on disk.
 */
final class Publisher implements PublishChannel {

    /** The most messages one publishAll takes: one transaction must stay a reasonable size. */
    static final int MAX_PUBLISH_ALL = 10_000;

    private final GroupCommitWriter writer;
    private final Routing routing;
    private final ServiceRegistry registry;
    private final Registrations registrations;
    private final IntSupplier maxMessageSize;

    /** @param maxMessageSize the size limit in force, read at each publish (a configuration change applies at once) */
    Publisher(GroupCommitWriter writer, Routing routing, ServiceRegistry registry, Registrations registrations,
            IntSupplier maxMessageSize) {
        this.writer = writer;
        this.routing = routing;
        this.registry = registry;
        this.registrations = registrations;
        this.maxMessageSize = maxMessageSize;
    }

    @Override
    public String publish(String publisher, String name, Object data, PublishOptions options) {
        checkOptions(options);
        NewMessage message = message(publisher, resolve(name), name, data, options);
        writer.store(message);
        return message.msgId();
    }

    @Override
    public List<String> publishAll(String publisher, String name, List<?> data, PublishOptions options) {
        checkOptions(options);
        if (data == null || data.isEmpty() || data.size() > MAX_PUBLISH_ALL) {
            throw new InvalidPublishException("publishAll to '" + name + "' takes 1 to " + MAX_PUBLISH_ALL
                    + " messages, not " + (data == null ? "null" : data.size()) + "; nothing was published");
        }
        if (options.msgId().isPresent()) {
            throw new InvalidPublishException("publishAll to '" + name + "' cannot give every message the same id '"
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
            throw new InvalidPublishException("publish options must not be null; use PublishOptions.defaults()");
        }
    }

    /** A validated message, ready to store. */
    private NewMessage message(String publisher, TopicRow topic, String name, Object data, PublishOptions options) {
        String json;
        try {
            json = Json.write(data);
        } catch (IllegalArgumentException e) {
            throw new InvalidPublishException("The data for '" + name + "' cannot be written as JSON, nothing was published: "
                    + e.getMessage(), e);
        }
        int bytes = json.getBytes(StandardCharsets.UTF_8).length;
        int limit = maxMessageSize.getAsInt();
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

    /** The topic a publish goes to; a service registered a moment ago is subscribed first. */
    private TopicRow resolve(String name) {
        if (!Names.isServiceName(name) && !Names.isSharedTopicName(name)) {
            throw new InvalidPublishException("'" + name + "' is neither a service name (letters, digits, '.', '-', '_')"
                    + " nor a shared topic name ('/' then such names separated by '/'); nothing was published");
        }
        Optional<TopicRow> topic = routing.topic(name).filter(t -> !t.subscriptions().isEmpty());
        if (topic.isEmpty()) {
            registrations.settle();
            if (!name.startsWith("/")) {
                registry.find(name).ifPresent(registrations::subscribeNow);
            }
            topic = routing.topic(name).filter(t -> !t.subscriptions().isEmpty());
        }
        return topic.orElseThrow(() -> name.startsWith("/")
                ? new UnknownTopicException(name, "No service subscribes to the shared topic '" + name
                        + "', nothing was published (a service subscribes with the property courier.subscribe)")
                : new UnknownTopicException(name, "No service named '" + name + "' has ever registered with Courier,"
                        + " nothing was published (courier:services lists the known services)"));
    }
}
