package io.courier.shell;

import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.support.table.ShellTable;

/** A command that prints a table: bordered with a header, or plain with {@code --no-format} for scripts. */
abstract class TableCommand extends CourierCommand {

    @Option(name = "--no-format", description = "Plain output for scripts: no borders, no header")
    private boolean noFormat;

    void print(ShellTable table) {
        table.print(System.out, !noFormat);
    }

    boolean isNoFormat() {
        return noFormat;
    }
}
