package io.courier.shell;

import java.util.List;
import java.util.Locale;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.Row;
import org.apache.karaf.shell.support.table.ShellTable;

import io.courier.pubsub.Latency;
import io.courier.pubsub.NodeStats;
import io.courier.pubsub.PubSubAdmin;
import io.courier.pubsub.ServiceStats;

@Command(scope = "courier", name = "stats", description = "Per service, since pub/sub started: messages published"
        + " to it, delivered, failed attempts, new dead letters, the rates per second over the last minute and the"
        + " last minute's p50 and p99 from publish to the end of handle (ms, at most a fifth above);"
        + " this node's, or with --cluster those of every live node added up, or with --nodes each live node's")
@Service
public class StatsCommand extends TableCommand {

    @Option(name = "--cluster", description = "The figures of every live node added up, each counting since its start")
    private boolean cluster;

    @Option(name = "--nodes", description = "Each live node's figures, one row per node and service")
    private boolean nodes;

    @Reference
    private PubSubAdmin pubsub;

    @Override
    protected Object run() {
        if (cluster && nodes) {
            throw new IllegalArgumentException("--cluster and --nodes exclude each other; give one or neither");
        }
        ShellTable table = new ShellTable();
        if (nodes) {
            table.column("Node");
        }
        table.column("Service");
        table.column("Published").alignRight();
        table.column("Delivered").alignRight();
        table.column("Failed").alignRight();
        table.column("Dead").alignRight();
        table.column("Published/s").alignRight();
        table.column("Delivered/s").alignRight();
        table.column("Failed/s").alignRight();
        table.column("p50 ms").alignRight();
        table.column("p99 ms").alignRight();
        String heading;
        if (nodes || cluster) {
            List<NodeStats> live = pubsub.nodeStats();
            if (nodes) {
                live.forEach(n -> n.services().forEach(s -> {
                    Row row = table.addRow();
                    row.addContent(n.node());
                    add(row, s);
                }));
            } else {
                pubsub.clusterStats().forEach(s -> add(table.addRow(), s));
            }
            heading = "Live nodes with figures: " + String.join(", ", live.stream().map(n -> n.node() + " since "
                    + Format.time(n.since())).toList()) + "; the others' figures as of their last heartbeat that"
                    + " carried them (every 5 s); rates: last minute's average";
        } else {
            pubsub.stats().forEach(s -> add(table.addRow(), s));
            heading = "Since " + Format.time(pubsub.statsSince()) + "; rates: last minute's average";
        }
        if (!isNoFormat()) {
            System.out.println(heading);
        }
        print(table);
        return null;
    }

    private static void add(Row row, ServiceStats s) {
        row.addContent(s.service(), s.published(), s.delivered(), s.failed(), s.dead(), rate(s.publishedPerSecond()),
                rate(s.deliveredPerSecond()), rate(s.failedPerSecond()), Latency.format(s.latency().percentileMs(0.5)),
                Latency.format(s.latency().percentileMs(0.99)));
    }

    private static String rate(double perSecond) {
        return String.format(Locale.ROOT, "%.2f", perSecond);
    }
}
