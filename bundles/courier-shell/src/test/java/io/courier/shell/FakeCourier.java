package io.courier.shell;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.UnaryOperator;

import io.courier.api.AsyncInvocation;
import io.courier.api.AsyncOptions;
import io.courier.api.Courier;
import io.courier.api.InvokeOptions;
import io.courier.api.Patterns;
import io.courier.api.PubSub;
import io.courier.api.PublishException;
import io.courier.api.PublishOptions;
import io.courier.api.ServiceNotFoundException;

/** Courier with services given by a test; a publish is recorded and gets the id "msg-1", "msg-2"... */
final class FakeCourier implements Courier, PubSub {

    final Map<String, UnaryOperator<Object>> services = new HashMap<>();
    final List<String> published = new ArrayList<>();

    @Override
    public Object invoke(String name, Object payload, InvokeOptions options) {
        return service(name).apply(payload);
    }

    @Override
    public AsyncInvocation invokeAsync(String name, Object payload, AsyncOptions options) {
        service(name);
        return new AsyncInvocation() {
            @Override
            public String id() {
                return "invocation-1";
            }

            @Override
            public CompletionStage<Object> response() {
                return new CompletableFuture<>();
            }
        };
    }

    private UnaryOperator<Object> service(String name) {
        UnaryOperator<Object> service = services.get(name);
        if (service == null) {
            throw new ServiceNotFoundException(name);
        }
        return service;
    }

    @Override
    public String publish(String name, Object data, PublishOptions options) {
        if (!services.containsKey(name)) {
            throw new PublishException("No service named '" + name + "' has ever registered with Courier, nothing"
                    + " was published (courier:services lists the known services)");
        }
        published.add(name + " " + data + " priority " + options.priority()
                + options.correlationId().map(c -> " correlation " + c).orElse(""));
        return "msg-" + published.size();
    }

    @Override
    public List<String> publishAll(String name, List<?> data, PublishOptions options) {
        throw new UnsupportedOperationException("no command publishes several messages");
    }

    @Override
    public Patterns patterns() {
        throw new UnsupportedOperationException("no command uses the patterns");
    }

    @Override
    public PubSub pubsub() {
        return this;
    }
}
