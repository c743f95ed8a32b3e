package io.courier.pubsub.internal.cluster;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Optional;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/**
 * The machine and the Karaf instance a node runs in: what its default name and its address are made of. The host
 * name and the instance are read once; the web port each time the address is asked for, since Karaf's web server
 * may start after pub/sub, or move.
 */
public final class NodeHost {

    /** The service of the OSGi HTTP Whiteboard that says where Karaf's web server listens. */
    private static final String HTTP_RUNTIME = "org.osgi.service.http.runtime.HttpServiceRuntime";

    private final BundleContext context;
    private final String hostName;
    private final String karafName;
    private final String karafBase;

    public NodeHost(BundleContext context) {
        this.context = context;
        this.hostName = localHostName();
        this.karafName = orElse(context.getProperty("karaf.name"), "karaf");
        this.karafBase = orElse(context.getProperty("karaf.base"), System.getProperty("user.dir"));
    }

    /** The node's name: {@code COURIER_NODE}, else the {@code node} setting, else one made up ({@link NodeName}). */
    public String nodeName(String configured) {
        return NodeName.resolve(System.getenv(), configured, hostName, karafName, karafBase);
    }

    /** Where people reach the node: its host name, with the port of Karaf's web server where it runs one. */
    public String address() {
        return webPort().map(port -> hostName + ":" + port).orElse(hostName);
    }

    /** The port of the first endpoint the HTTP Whiteboard runtime announces ({@code osgi.http.endpoint}). */
    private Optional<Integer> webPort() {
        try {
            ServiceReference<?> runtime = context.getServiceReference(HTTP_RUNTIME);
            Object endpoints = runtime == null ? null : runtime.getProperty("osgi.http.endpoint");
            Optional<String> first = endpoints instanceof String[] all ? Arrays.stream(all).findFirst()
                    : Optional.ofNullable(endpoints).map(Object::toString);
            return first.map(URI::create).map(URI::getPort).filter(port -> port > 0);
        } catch (IllegalStateException | IllegalArgumentException e) {
            return Optional.empty(); // the bundle is stopping, or an endpoint that is not a URL
        }
    }

    private static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return orElse(System.getenv("HOSTNAME"), "localhost");
        }
    }

    private static String orElse(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value;
    }
}
