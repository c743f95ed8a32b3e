package io.courier.shell;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import io.courier.api.InvocationException;
import io.courier.api.ServiceNotFoundException;
import io.courier.core.Json;
import io.courier.core.ServiceRegistry;
import io.courier.shell.completers.ServiceNameCompleter;

@Command(scope = "courier", name = "invoke", description = "Invokes a service synchronously and prints its response"
        + " as JSON, or the error it threw")
@Service
public class InvokeCommand implements Action {

    @Reference
    private ServiceRegistry registry;

    @Argument(index = 0, name = "service", required = true, description = "The service's name")
    @Completion(ServiceNameCompleter.class)
    private String service;

    @Argument(index = 1, name = "json", description = "The payload, as JSON; quote it: '{\"a\":1}'. None: null")
    private String json;

    @Override
    public Object execute() {
        Object payload = json == null ? null : Format.json("payload", json);
        Object response;
        try {
            response = registry.invoke(service, payload);
        } catch (ServiceNotFoundException | InvocationException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new IllegalStateException("Service '" + service + "' threw " + e, e);
        }
        System.out.println(response == null ? "null (no response)" : Json.writePretty(response));
        return null;
    }
}
