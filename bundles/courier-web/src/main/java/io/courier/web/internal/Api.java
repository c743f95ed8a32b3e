package io.courier.web.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import io.courier.api.Courier;
import io.courier.api.CourierException;
import io.courier.api.InvokeOptions;
import io.courier.api.Names;
import io.courier.api.PubSub;
import io.courier.core.Json;
import io.courier.pubsub.MessageDetails;

/** The REST API under {@code /courier/api}: JSON in and out. The caller is already authenticated and checked. */
final class Api {

    /** The largest request body read; the pub/sub size limit applies to the data within it. */
    static final int MAX_BODY = 16 * 1024 * 1024;

    private final Dashboard dashboard;
    private final PubSub pubsub;
    private final Courier courier;
    private final Exposition exposition;

    Api(Dashboard dashboard, PubSub pubsub, Courier courier, Exposition exposition) {
        this.dashboard = dashboard;
        this.pubsub = pubsub;
        this.courier = courier;
        this.exposition = exposition;
    }

    /**
     * Serves one call.
     *
     * @param path the path below {@code /api}, such as {@code /browse/my.target}
     */
    void handle(HttpServletRequest req, HttpServletResponse resp, String path) throws IOException {
        String method = req.getMethod();
        if (!method.equals("GET") && !method.equals("POST")) {
            throw new WebException(405, "The API takes GET and POST only, not " + Errors.quote(method));
        }
        int slash = path.indexOf('/', 1);
        String call = slash < 0 ? path.substring(1) : path.substring(1, slash);
        String arg = slash < 0 ? "" : path.substring(slash + 1);
        switch (method + " " + call) {
            case "GET services" -> json(resp, 200, arg.isEmpty() ? dashboard.services() : dashboard.details(arg));
            case "GET series" -> json(resp, 200, arg.isEmpty() ? dashboard.series() : dashboard.series(arg));
            case "GET attention" -> json(resp, 200, dashboard.attention());
            case "GET topics" -> json(resp, 200, dashboard.topics());
            case "GET nodes" -> json(resp, 200, dashboard.nodes());
            case "GET stats" -> json(resp, 200, dashboard.stats());
            case "GET metrics" -> metrics(resp);
            case "GET browse" -> browse(req, resp, required(arg, "a service or shared topic name"));
            case "GET messages" -> json(resp, 200, message(dashboard.message(required(arg, "a message id"))));
            case "POST publish" -> publish(req, resp, required(arg, "a service or shared topic name"));
            case "POST invoke" -> invoke(req, resp, service(required(arg, "a service name")));
            case "POST retry" -> json(resp, 200, Map.of("retried", dashboard.retry(required(arg, "a message id"))));
            case "POST retry-dead" -> json(resp, 200,
                    Map.of("retried", dashboard.retryDead(required(arg, "a service or shared topic name"))));
            case "POST purge" -> json(resp, 200, Map.of("deleted",
                    dashboard.purge(required(arg, "a service or shared topic name"), dead(req))));
            case "POST pause" -> {
                dashboard.pause(required(arg, "a service or shared topic name"));
                json(resp, 200, Map.of("paused", arg));
            }
            case "POST resume" -> {
                dashboard.resume(required(arg, "a service or shared topic name"));
                json(resp, 200, Map.of("resumed", arg));
            }
            default -> throw WebException.notFound("No API call " + method + " " + Errors.quote("/courier/api" + path)
                    + "; the calls are GET services, services/{name}, topics, nodes, stats, series, series/{name},"
                    + " attention, metrics, browse/{name}, messages/{id} and POST publish/{name}, invoke/{name},"
                    + " retry/{id}, retry-dead/{name}, purge/{name}, pause/{name}, resume/{name}");
        }
    }

    /** Courier's figures in Prometheus' text format (see {@link Exposition}). */
    private void metrics(HttpServletResponse resp) throws IOException {
        resp.setStatus(200);
        resp.setContentType(exposition.contentType());
        exposition.write(resp.getOutputStream());
    }

    private void browse(HttpServletRequest req, HttpServletResponse resp, String name) throws IOException {
        boolean dead = dead(req);
        Paging page = Paging.parse(req.getParameter("offset"), req.getParameter("limit"));
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("name", name);
        result.put("dead", dead);
        result.put("offset", page.offset());
        result.put("limit", page.limit());
        result.put("messages", dashboard.browse(name, dead, page));
        json(resp, 200, result);
    }

    private void publish(HttpServletRequest req, HttpServletResponse resp, String name) throws IOException {
        String body = body(req);
        if (body.isBlank()) {
            throw WebException.badRequest("The request body must be the message data, as JSON");
        }
        Object data = parse(body);
        String msgId = pubsub.publish(Dashboard.name(name), data, PublishParams.parse(req::getParameter, req::getHeader));
        resp.setHeader("Location", Web.BASE + "/api/messages/" + msgId);
        json(resp, 201, Map.of("msgId", msgId));
    }

    private void invoke(HttpServletRequest req, HttpServletResponse resp, String name) throws IOException {
        String body = body(req);
        Object payload = body.isBlank() ? null : parse(body);
        int timeoutMs = Paging.number("timeout (milliseconds)", req.getParameter("timeout"), 0, 1, Integer.MAX_VALUE);
        InvokeOptions options = InvokeOptions.builder()
                .timeout(timeoutMs == 0 ? null : Duration.ofMillis(timeoutMs)).build();
        Object response;
        try {
            response = courier.invoke(name, payload, options);
        } catch (CourierException e) {
            throw e; // says itself what went wrong: unknown service, checked exception, too deep
        } catch (RuntimeException e) {
            throw new WebException(502, "Service '" + name + "' threw " + e);
        }
        json(resp, 200, response);
    }

    /** A message's metadata, where it waits, and its data as JSON (not as text). */
    static Map<String, Object> message(MessageDetails m) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("msgId", m.msgId());
        result.put("topic", m.topic());
        result.put("publishedAt", m.publishedAt());
        result.put("expiresAt", m.expiresAt());
        result.put("priority", m.priority());
        result.put("mimeType", m.mimeType());
        result.put("correlationId", m.correlationId());
        result.put("inReplyTo", m.inReplyTo());
        result.put("extClientId", m.extClientId());
        result.put("publisher", m.publisher());
        result.put("deliveries", m.deliveries());
        result.put("data", Json.read(m.data()));
        return result;
    }

    private static boolean dead(HttpServletRequest req) {
        String dead = req.getParameter("dead");
        if (dead == null || dead.isEmpty() || dead.equals("false")) {
            return false;
        }
        if (dead.equals("true")) {
            return true;
        }
        throw WebException.badRequest("dead must be true or false, not " + Errors.quote(dead));
    }

    private static String required(String arg, String what) {
        if (arg.isEmpty()) {
            throw WebException.badRequest("The path must end with " + what);
        }
        return arg;
    }

    /** A service name from the path: 400 if it cannot be one, before the name is looked up. */
    private static String service(String name) {
        String problem = Names.serviceNameProblem(name);
        if (problem != null) {
            throw WebException.badRequest(Errors.quote(name) + " is not a service name: " + problem);
        }
        return name;
    }

    static Object parse(String json) {
        try {
            return Json.read(json);
        } catch (IllegalArgumentException e) {
            throw WebException.badRequest("The request body is " + e.getMessage());
        }
    }

    private static String body(HttpServletRequest req) throws IOException {
        if (req.getContentLengthLong() > MAX_BODY) {
            throw tooLarge();
        }
        try (InputStream in = req.getInputStream()) {
            byte[] bytes = in.readNBytes(MAX_BODY + 1);
            if (bytes.length > MAX_BODY) {
                throw tooLarge();
            }
            return utf8(bytes);
        }
    }

    /** The body as text; a byte that is not UTF-8 is refused, never replaced, so that nothing is stored altered. */
    static String utf8(byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            return decoder.decode(in).toString();
        } catch (CharacterCodingException e) {
            // the decoder stops at the first byte it cannot read
            throw WebException.badRequest("The request body is not valid UTF-8 (from byte offset " + in.position()
                    + " on): send JSON encoded as UTF-8");
        }
    }

    private static WebException tooLarge() {
        return new WebException(413, "The request body is over " + MAX_BODY / (1024 * 1024) + " MiB");
    }

    static void json(HttpServletResponse resp, int status, Object value) throws IOException {
        send(resp, status, Json.write(value));
    }

    static void send(HttpServletResponse resp, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        resp.setStatus(status);
        resp.setContentType("application/json;charset=utf-8");
        resp.setContentLength(bytes.length);
        resp.getOutputStream().write(bytes);
    }
}
