package io.courier.itest.services;

import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.Version;

import io.courier.api.Context;
import io.courier.api.PubSubMessage;
import io.courier.api.Request;
import io.courier.api.Service;

/**
 * A service that is broken in versions below 2 of this bundle and fixed from version 2 on: the hot-swap tests
 * deploy the same jar with its Bundle-Version rewritten. Each message it handles is recorded in
 * {@code swapped.log} with the version that handled it.
 */
abstract class SwappableService implements Service {

    private final DurableLog swapped = new DurableLog("swapped.log");

    @Override
    public Object handle(Request request, Context ctx) {
        PubSubMessage msg = request.pubsubMessage().orElseThrow();
        Version version = FrameworkUtil.getBundle(getClass()).getVersion();
        if (version.getMajor() < 2) {
            throw new IllegalStateException("version " + version + " cannot handle " + msg.msgId());
        }
        swapped.append(msg.msgId() + " " + ctx.serviceName() + " " + version);
        return null;
    }
}
