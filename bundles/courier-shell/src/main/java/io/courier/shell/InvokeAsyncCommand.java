package io.courier.shell;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.courier.api.AsyncInvocation;
import io.courier.api.AsyncOptions;
import io.courier.api.Courier;
import io.courier.api.InvocationResult;
import io.courier.core.Json;
import io.courier.shell.completers.ServiceNameCompleter;

@Command(scope = "courier", name = "invoke-async", description = "Invokes a service asynchronously, in RAM: prints the"
        + " invocation id at once; the response or the error goes to the log (log:tail)")
@Service
public class InvokeAsyncCommand extends CourierCommand {

    private static final Logger LOG = LoggerFactory.getLogger(InvokeAsyncCommand.class);

    @Reference
    private Courier courier;

    @Argument(index = 0, name = "service", required = true, description = "The service's name")
    @Completion(ServiceNameCompleter.class)
    private String service;

    @Argument(index = 1, name = "json", description = "The payload, as JSON; quote it: '{\"a\":1}'. None: null")
    private String json;

    @Override
    protected Object run() {
        Object payload = json == null ? null : Format.json("payload", json);
        AsyncInvocation invocation = courier.invokeAsync(service, payload,
                AsyncOptions.builder().callback(InvokeAsyncCommand::log).build());
        System.out.println(invocation.id());
        return null;
    }

    private static void log(InvocationResult r) {
        if (r.succeeded()) {
            LOG.info("Asynchronous invocation {} of '{}' returned {}", r.invocationId(), r.service(),
                    r.response() == null ? "null" : Json.write(r.response()));
        } else {
            LOG.warn("Asynchronous invocation {} of '{}' failed: {}", r.invocationId(), r.service(),
                    r.errorText().orElse("?"));
        }
    }
}
