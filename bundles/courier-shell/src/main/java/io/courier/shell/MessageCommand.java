package io.courier.shell;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

import io.courier.core.Json;
import io.courier.pubsub.MessageDetails;
import io.courier.pubsub.PubSubAdmin;
import io.courier.pubsub.QueuedMessage;

@Command(scope = "courier", name = "message", description = "Shows a stored message: its metadata, where it waits"
        + " (attempts, last error) and its data as indented JSON")
@Service
public class MessageCommand extends CourierCommand {

    @Reference
    private PubSubAdmin pubsub;

    @Argument(index = 0, name = "message id", required = true, description = "The message id")
    private String msgId;

    @Override
    protected Object run() {
        MessageDetails m = pubsub.message(msgId).orElseThrow(() -> new IllegalArgumentException("Message '" + msgId
                + "' is not stored: it was delivered, purged, or never published (courier:browse <name> lists them)"));
        ShellTable meta = new ShellTable().noHeaders();
        meta.column("Field");
        meta.column("Value");
        meta.addRow().addContent("Message id", m.msgId());
        meta.addRow().addContent("Topic", m.topic());
        meta.addRow().addContent("Published", Format.time(m.publishedAt()));
        meta.addRow().addContent("Expires", Format.time(m.expiresAt()));
        meta.addRow().addContent("Priority", m.priority());
        meta.addRow().addContent("Mime type", m.mimeType());
        meta.addRow().addContent("Correlation id", m.correlationId());
        meta.addRow().addContent("In reply to", m.inReplyTo().orElse("-"));
        meta.addRow().addContent("External client id", m.extClientId().orElse("-"));
        meta.addRow().addContent("Publisher", m.publisher().orElse("-"));
        meta.print(System.out);

        ShellTable waits = new ShellTable();
        waits.column("Subscriber");
        waits.column("State");
        waits.column("Attempts").alignRight();
        waits.column("Next attempt");
        waits.column("Last error");
        for (QueuedMessage q : m.deliveries()) {
            waits.addRow().addContent(q.subscriber(), q.dead() ? "dead" : "pending", q.attempts(),
                    q.dead() ? "-" : Format.time(q.nextAttemptAt()), q.lastError().orElse("-"));
        }
        waits.print(System.out);
        System.out.println(Json.writePretty(Json.read(m.data())));
        return null;
    }
}
