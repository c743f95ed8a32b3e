package io.courier.example.hello;

import org.osgi.service.component.annotations.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.courier.api.Context;
import io.courier.api.PubSubMessage;
import io.courier.api.Request;
import io.courier.api.Service;

/** Logs the data of each message it receives. */
@Component(property = Service.NAME + "=my.target")
public class MyTarget implements Service {

    private static final Logger LOG = LoggerFactory.getLogger(MyTarget.class);

    @Override
    public Object handle(Request request, Context ctx) {
        PubSubMessage msg = request.pubsubMessage().orElseThrow(
                () -> new IllegalArgumentException("my.target receives pub/sub messages; publish to it"));
        LOG.info("My message is {}", msg.data());
        return null;
    }
}
