package io.courier.itests;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.courier.api.Context;
import io.courier.api.PubSubMessage;
import io.courier.api.Request;
import io.courier.api.Service;

/** A test service that records every message it receives, and fails its first {@code failures} calls. */
class Recorder implements Service {

    final List<PubSubMessage> received = new CopyOnWriteArrayList<>();
    final AtomicInteger calls = new AtomicInteger();
    private final int failures;

    Recorder() {
        this(0);
    }

    Recorder(int failures) {
        this.failures = failures;
    }

    @Override
    public Object handle(Request request, Context ctx) {
        PubSubMessage msg = request.pubsubMessage().orElseThrow();
        int call = calls.incrementAndGet();
        if (call <= failures) {
            throw new IllegalStateException("downstream unavailable (call " + call + ")");
        }
        msg.data(); // decoded while the message is current
        received.add(msg);
        return null;
    }

    List<Object> data() {
        return received.stream().map(PubSubMessage::data).toList();
    }

    List<String> ids() {
        return received.stream().map(PubSubMessage::msgId).toList();
    }

    static Map<String, Object> data(int i) {
        return Map.of("i", i);
    }
}
