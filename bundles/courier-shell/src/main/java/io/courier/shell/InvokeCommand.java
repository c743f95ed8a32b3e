package io.courier.shell;

import java.time.Duration;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;

import io.courier.api.Courier;
import io.courier.api.CourierException;
import io.courier.api.InvokeOptions;
import io.courier.core.Json;
import io.courier.shell.completers.ServiceNameCompleter;

@Command(scope = "courier", name = "invoke", description = "Invokes a service synchronously and prints its response"
        + " as JSON, or the error it threw")
@Service
public class InvokeCommand extends CourierCommand {

    @Reference
    private Courier courier;

    @Option(name = "--timeout", description = "Milliseconds to wait for the response; by default, as long as it takes")
    private Long timeoutMs;

    @Argument(index = 0, name = "service", required = true, description = "The service's name")
    @Completion(ServiceNameCompleter.class)
    private String service;

    @Argument(index = 1, name = "json", description = "The payload, as JSON; quote it: '{\"a\":1}'. None: null")
    private String json;

    @Override
    protected Object run() throws CommandException {
        Object payload = json == null ? null : Format.json("payload", json);
        if (timeoutMs != null && timeoutMs <= 0) {
            throw new IllegalArgumentException("--timeout must be a positive number of milliseconds, not " + timeoutMs);
        }
        InvokeOptions options = InvokeOptions.builder()
                .timeout(timeoutMs == null ? null : Duration.ofMillis(timeoutMs)).build();
        Object response;
        try {
            response = courier.invoke(service, payload, options);
        } catch (CourierException e) {
            throw e; // says itself what went wrong: unknown service, timeout, checked exception...
        } catch (RuntimeException e) {
            // the service's own failure, not the shell's: one line, like any other error of a command
            throw error("Service '" + service + "' threw " + e, e);
        }
        System.out.println(response == null ? "null (no response)" : Json.writePretty(response));
        return null;
    }
}
