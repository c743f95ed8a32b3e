package io.courier.bench;

import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * The dashboard's pages as a browser loads them, timed: logged in once, each page is its HTML and the API calls
 * its script makes at once (the charts' series, the needs-attention list), one after the other. The server's
 * side of a page load: what a browser adds (parsing, drawing) does not grow with the services or the backlog.
 */
final class WebPages {

    private static final String BASE = "http://localhost:8181/courier";

    private final HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager())
            .connectTimeout(Duration.ofSeconds(10)).build();

    WebPages() throws Exception {
        int status = http.send(HttpRequest.newBuilder(URI.create(BASE + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(BodyPublishers.ofString("username=courier&password=courier")).build(), BodyHandlers.discarding())
                .statusCode();
        if (status != 302) {
            throw new AssertionError("logging in to the dashboard answered " + status);
        }
    }

    /** The overview: the page, its charts' series and the needs-attention list. */
    double overviewMs(int loads) throws Exception {
        return medianMs(loads, List.of("/", "/api/series", "/api/attention"));
    }

    /** The services page: one row per service. */
    double servicesMs(int loads) throws Exception {
        return medianMs(loads, List.of("/services"));
    }

    /** A service's page and its charts' series. */
    double serviceMs(int loads, String service) throws Exception {
        String name = URLEncoder.encode(service, StandardCharsets.UTF_8);
        return medianMs(loads, List.of("/service?name=" + name, "/api/series/" + name));
    }

    private double medianMs(int loads, List<String> paths) throws Exception {
        double[] ms = new double[loads];
        for (int i = 0; i < loads; i++) {
            long t0 = System.nanoTime();
            for (String path : paths) {
                var response = http.send(HttpRequest.newBuilder(URI.create(BASE + path)).timeout(Duration.ofMinutes(2))
                        .build(), BodyHandlers.ofByteArray());
                if (response.statusCode() != 200) {
                    throw new AssertionError("GET " + path + " answered " + response.statusCode() + ": "
                            + new String(response.body(), StandardCharsets.UTF_8));
                }
            }
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(ms);
        return ms[loads / 2];
    }
}
