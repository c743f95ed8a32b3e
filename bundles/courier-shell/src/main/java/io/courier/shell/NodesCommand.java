package io.courier.shell;

import java.util.Locale;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

import io.courier.pubsub.NodeInfo;
import io.courier.pubsub.PubSubAdmin;

@Command(scope = "courier", name = "nodes", description = "Lists the Courier nodes using the store's database (this"
        + " one marked *): address, start, last heartbeat, live, stopped or gone, services registered, deliveries in"
        + " hand")
@Service
public class NodesCommand extends TableCommand {

    @Reference
    private PubSubAdmin pubsub;

    @Override
    protected Object run() {
        ShellTable table = new ShellTable();
        table.column("Node");
        table.column("Address");
        table.column("Started");
        table.column("Heartbeat").alignRight();
        table.column("State");
        table.column("In flight").alignRight();
        table.column("Services");
        for (NodeInfo n : pubsub.nodes()) {
            table.addRow().addContent((n.self() ? "* " : "") + n.name(), n.address(), Format.time(n.startedAt()),
                    ago(n.sinceHeartbeat()), n.state().name().toLowerCase(Locale.ROOT), n.inFlight(),
                    n.services().isEmpty() ? "-" : String.join(", ", n.services()));
        }
        print(table);
        return null;
    }

    /** How long ago, for people: 0.4 s ago, 12 s ago, 3 min ago, 5 h ago. */
    static String ago(long ms) {
        if (ms < 10_000) {
            return String.format(Locale.ROOT, "%.1f s ago", Math.max(0, ms) / 1000.0);
        }
        if (ms < 120_000) {
            return ms / 1000 + " s ago";
        }
        if (ms < 7_200_000) {
            return ms / 60_000 + " min ago";
        }
        return ms / 3_600_000 + " h ago";
    }
}
