package io.courier.shell;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

import io.courier.pubsub.DatabaseInfo;
import io.courier.pubsub.PubSubAdmin;

@Command(scope = "courier", name = "database", description = "Shows the database Courier's store uses, where each"
        + " setting comes from, and whether the store is open on it (never the password)")
@Service
public class DatabaseCommand extends CourierCommand {

    @Reference
    private PubSubAdmin pubsub;

    @Override
    protected Object run() {
        DatabaseInfo d = pubsub.database();
        ShellTable table = new ShellTable().noHeaders();
        table.column("Field");
        table.column("Value");
        table.column("From");
        table.addRow().addContent("Database", d.product() + (d.serverVersion() == null ? "" : " " + d.serverVersion()),
                "");
        table.addRow().addContent("URL", d.url(), d.urlFrom());
        table.addRow().addContent("User", d.user().isEmpty() ? "-" : d.user(), d.userFrom());
        table.addRow().addContent("Password", d.passwordSet() ? "(set, not shown)" : "-", d.passwordFrom());
        table.addRow().addContent("State", d.open() ? "open" : "not open: " + d.problem(), "");
        table.print(System.out);
        return null;
    }
}
