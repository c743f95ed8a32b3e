package io.courier.shell;

import java.util.Locale;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

import io.courier.pubsub.PubSubAdmin;
import io.courier.pubsub.ServiceStats;

@Command(scope = "courier", name = "stats", description = "Per service, since pub/sub started: messages published"
        + " to it, delivered, failed attempts, new dead letters, and the rates per second over the last minute")
@Service
public class StatsCommand extends TableCommand {

    @Reference
    private PubSubAdmin pubsub;

    @Override
    protected Object run() {
        ShellTable table = new ShellTable();
        table.column("Service");
        table.column("Published").alignRight();
        table.column("Delivered").alignRight();
        table.column("Failed").alignRight();
        table.column("Dead").alignRight();
        table.column("Published/s").alignRight();
        table.column("Delivered/s").alignRight();
        table.column("Failed/s").alignRight();
        for (ServiceStats s : pubsub.stats()) {
            table.addRow().addContent(s.service(), s.published(), s.delivered(), s.failed(), s.dead(),
                    rate(s.publishedPerSecond()), rate(s.deliveredPerSecond()), rate(s.failedPerSecond()));
        }
        if (!isNoFormat()) {
            System.out.println("Since " + Format.time(pubsub.statsSince()) + "; rates: last minute's average");
        }
        print(table);
        return null;
    }

    private static String rate(double perSecond) {
        return String.format(Locale.ROOT, "%.2f", perSecond);
    }
}
