package io.courier.shell;

import java.util.ArrayList;
import java.util.List;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

import io.courier.pubsub.PubSubAdmin;
import io.courier.pubsub.QueuedMessage;
import io.courier.shell.completers.TopicNameCompleter;

@Command(scope = "courier", name = "browse", description = "Lists the messages waiting for a service or a shared"
        + " topic, highest priority first, then dead letters, with their attempts and last error")
@Service
public class BrowseCommand extends TableCommand {

    @Reference
    private PubSubAdmin pubsub;

    @Argument(index = 0, name = "name", required = true, description = "A service name or a shared topic (/name)")
    @Completion(TopicNameCompleter.class)
    private String name;

    @Option(name = "--dead", description = "Only dead letters")
    private boolean deadOnly;

    @Option(name = "--pending", description = "Only pending messages")
    private boolean pendingOnly;

    @Option(name = "--limit", description = "How many messages of each kind to show (default 50)")
    private int limit = 50;

    @Option(name = "--offset", description = "How many messages of each kind to skip (default 0)")
    private int offset;

    @Override
    protected Object run() {
        if (deadOnly && pendingOnly) {
            throw new IllegalArgumentException("--dead and --pending exclude each other; give one or neither");
        }
        if (limit < 1 || offset < 0) {
            throw new IllegalArgumentException("--limit must be at least 1 and --offset at least 0");
        }
        List<QueuedMessage> messages = new ArrayList<>();
        if (!deadOnly) {
            messages.addAll(pubsub.browse(name, false, offset, limit));
        }
        if (!pendingOnly) {
            messages.addAll(pubsub.browse(name, true, offset, limit));
        }
        ShellTable table = new ShellTable();
        table.column("Message id");
        table.column("Subscriber");
        table.column("State");
        table.column("Prio").alignRight();
        table.column("Published");
        table.column("Attempts").alignRight();
        table.column("Next attempt");
        table.column("Last error");
        table.column("Data");
        table.emptyTableText(deadOnly ? "No dead letter for '" + name + "'"
                : pendingOnly ? "No pending message for '" + name + "'"
                : "No pending message and no dead letter for '" + name + "'");
        for (QueuedMessage m : messages) {
            table.addRow().addContent(m.msgId(), m.subscriber(), m.dead() ? "dead" : "pending", m.priority(),
                    Format.time(m.publishedAt()), m.attempts(), m.dead() ? "-" : Format.time(m.nextAttemptAt()),
                    Format.text(m.lastError(), 60), Format.cut(m.dataPreview(), 30));
        }
        print(table);
        return null;
    }
}
