package io.courier.itests;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.courier.testing.karaf.KarafProcess;

/**
 * The dashboard and REST API of the built distribution, as a user reaches them: the REST API with a plain HTTP
 * client (credentials, roles, CSRF, errors), and the pages in headless Chromium driven by Selenium: log in,
 * browse a queue, open a message, retry a dead letter, purge with confirmation. One Karaf for the whole class.
 */
public class WebIT {

    private static final String ADMIN = basic(KarafProcess.USER, KarafProcess.PASSWORD);
    private static final String RECORDER = "itest.recorder";
    private static final String FAILS_ONCE = "itest.fails.once";
    private static final String SINK = "itest.sink";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path SCREENSHOTS = KarafProcess.TARGET.resolve("web-screenshots");

    private static KarafProcess karaf;
    private static String base;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @BeforeClass
    public static void startKaraf() throws Exception {
        karaf = KarafProcess.withTestServices("web");
        karaf.addUser("watcher", "watcher", "viewer");
        karaf.addUser("nobody", "nobody");
        karaf.environment("COURIER_NODE", "node-a"); // the screenshots' node name, not this machine's
        karaf.start();
        base = karaf.httpUrl() + "/courier";
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
            HttpResponse<String> r = get("/api/services", ADMIN);
            return r.statusCode() == 200 && r.body().contains(RECORDER) && r.body().contains(FAILS_ONCE);
        });
        // the recorder's messages wait in its queue, to be browsed
        String paused = karaf.client("courier:pause " + RECORDER);
        assertTrue(paused, paused.contains("Delivery to '" + RECORDER + "' paused"));
    }

    @AfterClass
    public static void stopKaraf() throws Exception {
        if (karaf != null) {
            karaf.stop();
            karaf.close();
        }
    }

    @Test
    public void withoutCredentialsNothingIsServedAndAViewerMayLookButNotAct() throws Exception {
        for (String path : List.of("/api/services", "/api/topics", "/api/browse/" + RECORDER)) {
            HttpResponse<String> r = get(path, null);
            assertEquals(path, 401, r.statusCode());
            assertTrue(r.body(), error(r).startsWith("Not logged in"));
            assertFalse("never a challenge: browsers must not keep credentials",
                    r.headers().firstValue("WWW-Authenticate").isPresent());
        }
        HttpResponse<String> wrong = get("/api/services", basic(KarafProcess.USER, "wrong"));
        assertEquals(401, wrong.statusCode());
        assertEquals("Wrong user name or password", error(wrong));
        assertFalse(wrong.headers().firstValue("WWW-Authenticate").isPresent());

        String viewer = basic("watcher", "watcher");
        assertEquals(200, get("/api/services", viewer).statusCode());
        assertEquals(200, get("/api/series", viewer).statusCode());
        for (String action : List.of("/api/publish/", "/api/invoke/", "/api/pause/", "/api/resume/", "/api/purge/",
                "/api/retry-dead/")) {
            HttpResponse<String> refused = send(HttpRequest.newBuilder(uri(action + RECORDER))
                    .header("Authorization", viewer).POST(BodyPublishers.ofString("{}")));
            assertEquals(action, 403, refused.statusCode());
            assertEquals("User 'watcher' does not have the admin role", error(refused));
        }
        assertError(get("/api/services", basic("nobody", "nobody")), 403,
                "User 'nobody' has neither the admin role nor the viewer role");

        HttpResponse<String> loginFirst = get("/services", null);
        assertEquals("pages send the browser to the login form", 302, loginFirst.statusCode());
        assertTrue(loginFirst.headers().firstValue("Location").orElse("").contains("/courier/login"));
        HttpResponse<String> noRoleLogin = send(HttpRequest.newBuilder(uri("/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(BodyPublishers.ofString("username=nobody&password=nobody")));
        assertEquals(403, noRoleLogin.statusCode());
        assertTrue(noRoleLogin.headers().allValues("Set-Cookie").isEmpty());

        // a viewer's session: the pages without their actions; an action refused even with the session's token
        HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
        assertEquals(302, browser.send(HttpRequest.newBuilder(uri("/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(BodyPublishers.ofString("username=watcher&password=watcher")).build(), BodyHandlers.ofString())
                .statusCode());
        HttpResponse<String> page = browser.send(HttpRequest.newBuilder(uri("/service?name=" + RECORDER)).build(),
                BodyHandlers.ofString());
        assertEquals(200, page.statusCode());
        assertTrue(page.body(), page.body().contains("id=\"service-rates\""));
        assertFalse(page.body(), page.body().contains("Resume delivery") || page.body().contains("id=\"publish\""));
        Matcher token = Pattern.compile("<meta name=\"csrf-token\" content=\"([^\"]+)\">").matcher(page.body());
        assertTrue(page.body(), token.find());
        HttpResponse<String> resume = browser.send(HttpRequest.newBuilder(uri("/resume"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(BodyPublishers.ofString("name=" + RECORDER + "&csrf=" + token.group(1))).build(),
                BodyHandlers.ofString());
        assertEquals(403, resume.statusCode());
        assertTrue(resume.body(), resume.body().contains("User &#39;watcher&#39; does not have the admin role"));
        assertTrue("still paused", subscription(RECORDER).get("paused").asBoolean());
    }

    @Test
    public void guessingPasswordsIsSlowedDown() throws Exception {
        String guess = basic(KarafProcess.USER, "guess");
        for (int i = 0; i < 5; i++) {
            assertError(get("/api/services", guess), 401, "Wrong user name or password");
        }

        // the sixth attempt is refused without its password being checked, even the right one
        HttpResponse<String> refused = get("/api/services", ADMIN);
        assertError(refused, 429, "Too many failed logins from ");
        assertEquals("1", refused.headers().firstValue("Retry-After").orElse(""));
        HttpResponse<String> form = send(HttpRequest.newBuilder(uri("/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(BodyPublishers.ofString("username=" + KarafProcess.USER + "&password=" + KarafProcess.PASSWORD)));
        assertEquals(429, form.statusCode());
        assertTrue(form.body(), form.body().contains("Too many failed logins from "));
        assertTrue(form.headers().allValues("Set-Cookie").isEmpty());

        // a second later the right password is checked again, and its success forgets the failures
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                .until(() -> get("/api/services", ADMIN).statusCode() == 200);
        assertError(get("/api/services", guess), 401, "Wrong user name or password");
    }

    @Test
    public void publishBrowseAndReadMessagesThroughTheApi() throws Exception {
        purge(RECORDER);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/api/publish/" + RECORDER + "?correlationId=web-" + i))
                    .header("Authorization", ADMIN).header("Content-Type", "application/json")
                    .header("X-Courier-Priority", "7").POST(BodyPublishers.ofString("{\"n\":" + i + ",\"text\":\"<b>hi</b>\"}")));
            assertEquals(r.body(), 201, r.statusCode());
            String id = JSON.readTree(r.body()).get("msgId").asText();
            assertEquals("/courier/api/messages/" + id, r.headers().firstValue("Location").orElseThrow());
            ids.add(id);
        }

        JsonNode first = JSON.readTree(get("/api/browse/" + RECORDER + "?offset=0&limit=2", ADMIN).body());
        assertEquals(2, first.get("messages").size());
        assertEquals(ids.get(0), first.get("messages").get(0).get("msgId").asText());
        JsonNode rest = JSON.readTree(get("/api/browse/" + RECORDER + "?offset=2&limit=2", ADMIN).body());
        assertEquals(1, rest.get("messages").size());
        assertEquals(ids.get(2), rest.get("messages").get(0).get("msgId").asText());

        JsonNode message = JSON.readTree(get("/api/messages/" + ids.get(1), ADMIN).body());
        assertEquals(7, message.get("priority").asInt());
        assertEquals("web-1", message.get("correlationId").asText());
        assertEquals("<b>hi</b>", message.get("data").get("text").asText());
        assertEquals("pending", message.get("deliveries").get(0).get("dead").asBoolean() ? "dead" : "pending");

        JsonNode topics = JSON.readTree(get("/api/topics", ADMIN).body());
        boolean found = false;
        for (JsonNode t : topics) {
            if (t.get("name").asText().equals(RECORDER)) {
                found = true;
                assertEquals(3, t.get("depth").asInt());
                assertEquals(ids.get(2), t.get("lastMsgId").asText());
            }
        }
        assertTrue(topics.toString(), found);

        // bad input: 400; unknown names and messages: 404; always one clear JSON error
        assertError(post("/api/publish/" + RECORDER, "{not json"), 400, "The request body is not valid JSON");
        assertError(post("/api/publish/" + RECORDER + "?priority=10", "{}"), 400,
                "priority must be a whole number from 1 to 9, not '10'");
        assertError(post("/api/publish/" + RECORDER, ""), 400, "The request body must be the message data");
        assertError(get("/api/browse/" + RECORDER + "?limit=0", ADMIN), 400, "limit must be a whole number from 1 to 500");
        assertError(get("/api/browse/" + RECORDER + "?offset=-1", ADMIN), 400, "offset must be a whole number from 0 on");
        assertError(post("/api/publish/no.such.service", "{}"), 404, "No service named 'no.such.service' has ever registered");
        assertError(get("/api/browse/no.such.service", ADMIN), 404, "No service or shared topic named 'no.such.service'");
        assertError(get("/api/messages/0000", ADMIN), 404, "Message '0000' is not stored");
        assertError(post("/api/invoke/no.such.service", "{}"), 404, "No Courier service named 'no.such.service'");
        assertError(post("/api/invoke/bank.fraud?timeout=0", "{}"), 400, "timeout (milliseconds) must be a whole number");
        // the example's fraud check takes 5 s for customer c-slow: abandoned after 300 ms
        assertError(post("/api/invoke/bank.fraud?timeout=300", "{\"customerId\":\"c-slow\"}"), 504,
                "Service 'bank.fraud' did not answer within 300 ms");
        assertError(post("/api/retry/" + ids.get(0), ""), 409, "has no dead letter");
        assertEquals("nothing of the refused publishes was stored", 3,
                JSON.readTree(get("/api/browse/" + RECORDER, ADMIN).body()).get("messages").size());
    }

    @Test
    public void aPostWithTheLoginSessionNeedsItsCsrfToken() throws Exception {
        HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
        HttpResponse<String> login = browser.send(HttpRequest.newBuilder(uri("/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(BodyPublishers.ofString("username=courier&password=courier")).build(), BodyHandlers.ofString());
        assertEquals(302, login.statusCode());
        HttpResponse<String> page = browser.send(HttpRequest.newBuilder(uri("/services")).build(), BodyHandlers.ofString());
        assertEquals(200, page.statusCode());
        Matcher m = Pattern.compile("<meta name=\"csrf-token\" content=\"([^\"]+)\">").matcher(page.body());
        assertTrue(page.body(), m.find());
        String token = m.group(1);

        HttpResponse<String> withSession = browser.send(HttpRequest.newBuilder(uri("/api/services")).build(),
                BodyHandlers.ofString());
        assertEquals("a GET needs no token", 200, withSession.statusCode());
        for (String sent : new String[] { null, "wrong" }) {
            HttpRequest.Builder forged = HttpRequest.newBuilder(uri("/api/publish/" + RECORDER))
                    .POST(BodyPublishers.ofString("{\"forged\":true}"));
            if (sent != null) {
                forged.header("X-CSRF-Token", sent);
            }
            HttpResponse<String> r = browser.send(forged.build(), BodyHandlers.ofString());
            assertEquals(403, r.statusCode());
            assertTrue(r.body(), error(r).startsWith("Missing or wrong CSRF token"));
        }
        HttpResponse<String> formWithoutToken = browser.send(HttpRequest.newBuilder(uri("/purge"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(BodyPublishers.ofString("name=" + RECORDER + "&confirm=yes")).build(), BodyHandlers.ofString());
        assertEquals(403, formWithoutToken.statusCode());
        HttpResponse<String> ok = browser.send(HttpRequest.newBuilder(uri("/api/publish/" + RECORDER))
                .header("X-CSRF-Token", token).POST(BodyPublishers.ofString("{\"withToken\":true}")).build(),
                BodyHandlers.ofString());
        assertEquals(ok.body(), 201, ok.statusCode());
    }

    @Test
    public void aUserBrowsesAQueueOpensAMessageAndRetriesADeadLetterInTheBrowser() throws Exception {
        purge(RECORDER);
        List<String> queued = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            queued.add(JSON.readTree(post("/api/publish/" + RECORDER, "{\"browser\":" + i + "}").body()).get("msgId").asText());
        }
        String dead = JSON.readTree(post("/api/publish/" + FAILS_ONCE, "{\"order\":\"<script>alert(1)</script>\"}").body())
                .get("msgId").asText();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
                .until(() -> get("/api/browse/" + FAILS_ONCE + "?dead=true", ADMIN).body().contains(dead));

        try (Browser browser = new Browser()) {
            WebDriver driver = browser.driver;
            WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(20));
            logIn(driver, wait, "/services");
            WebElement services = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("services")));
            assertTrue(services.getText(), services.getText().contains(FAILS_ONCE));
            screenshot(driver, "services");

            // the service's page, then its queue, two messages a page
            driver.findElement(By.linkText(RECORDER)).click();
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("facts")));
            driver.findElement(By.linkText("3 pending")).click();
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("messages")));
            driver.get(base + "/browse?name=" + RECORDER + "&limit=2");
            assertEquals(List.of(queued.get(0), queued.get(1)), messageIds(driver));
            driver.findElement(By.id("next")).click();
            wait.until(ExpectedConditions.urlContains("offset=2"));
            assertEquals(List.of(queued.get(2)), messageIds(driver));
            screenshot(driver, "queue");

            // a message: metadata and data as indented JSON
            driver.findElement(By.linkText(queued.get(2))).click();
            WebElement data = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("data")));
            assertEquals("{\n  \"browser\" : 2\n}", data.getText());
            assertTrue(driver.findElement(By.id("deliveries")).getText().contains("pending"));

            // the topics, their depths refreshed from the API
            driver.get(base + "/topics");
            wait.until(ExpectedConditions.textToBePresentInElementLocated(
                    By.cssSelector("td[data-depth='" + RECORDER + "']"), "3"));
            screenshot(driver, "topics");

            // the dead letter: shown with its error, its data escaped; retried, it is delivered
            driver.get(base + "/browse?name=" + FAILS_ONCE + "&dead=true");
            WebElement row = wait.until(ExpectedConditions.visibilityOfElementLocated(
                    By.xpath("//table[@id='messages']//tr[td/a[text()='" + dead + "']]")));
            assertTrue(row.getText(), row.getText().contains("the first delivery of " + dead + " fails"));
            assertTrue(row.getText(), row.getText().contains("<script>alert(1)</script>"));
            screenshot(driver, "dead-letters");
            row.findElement(By.xpath(".//button[text()='Retry']")).click();
            assertEquals("Retrying 1 dead letter of message " + dead,
                    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("flash"))).getText());
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
                    .until(() -> KarafProcess.lines(karaf.data("itest/fails-once.log")).contains(dead));
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(300)).until(() -> {
                driver.navigate().refresh();
                return !driver.findElements(By.id("gone")).isEmpty();
            });
            assertTrue(driver.findElement(By.id("gone")).getText().contains("is not stored: it was delivered"));
            driver.get(base + "/browse?name=" + FAILS_ONCE + "&dead=true");
            assertEquals("No dead letter here.", driver.findElement(By.id("empty")).getText());

            // purge asks first
            driver.get(base + "/browse?name=" + RECORDER);
            driver.findElement(By.xpath("//button[text()='Purge pending messages…']")).click();
            WebElement warning = wait.until(ExpectedConditions.visibilityOfElementLocated(By.className("warning")));
            assertEquals("This deletes the 3 pending messages of '" + RECORDER + "' for good.", warning.getText());
            driver.findElement(By.xpath("//button[text()='Delete them for good']")).click();
            assertEquals("Deleted 3 pending messages of '" + RECORDER + "'",
                    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("flash"))).getText());
            assertEquals("No pending message here.", driver.findElement(By.id("empty")).getText());
        }
    }

    @Test
    public void anOperatorWatchesTheOverviewAndPausesPublishesAndInvokesOnAServicePage() throws Exception {
        try (Browser browser = new Browser()) {
            WebDriver driver = browser.driver;
            WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(30));
            logIn(driver, wait, "/");

            // the overview: its charts get points as messages are published; a new dead letter needs attention
            List<Long> counted = sinkStats(JSON.readTree(get("/api/stats", ADMIN).body()));
            for (int i = 0; i < 20; i++) {
                assertEquals(201, post("/api/publish/" + SINK, "{\"overview\":" + i + "}").statusCode());
            }
            // the sink's own series: its rates over the samples' times add up to the 20 published to it
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                JsonNode series = JSON.readTree(get("/api/series/" + SINK, ADMIN).body());
                assertEquals(series.toString(), 20.0, integral(series, "published"), 0.5);
                assertEquals(series.toString(), 20.0, integral(series, "delivered"), 0.5);
            });
            // GET stats counts them too, in the cluster's figures and in the node's own, once it wrote them
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                JsonNode stats = JSON.readTree(get("/api/stats", ADMIN).body());
                assertEquals("published and delivered, in the cluster and on node-a: " + stats,
                        counted.stream().map(n -> n + 20).toList(), sinkStats(stats));
            });
            JsonNode latency = JSON.readTree(get("/api/services/" + SINK, ADMIN).body()).get("latency");
            assertEquals(latency.toString(), 20, latency.get("cluster").get("count").asLong());
            assertTrue(latency.toString(), latency.get("cluster").get("p50Ms").asLong() >= 1
                    && latency.get("cluster").get("p99Ms").asLong() >= latency.get("cluster").get("p50Ms").asLong());
            assertEquals(latency.toString(), 20, latency.get("nodes").get("node-a").get("count").asLong());
            assertEquals(201, post("/api/publish/" + FAILS_ONCE, "{\"attention\":true}").statusCode());
            JavascriptExecutor js = (JavascriptExecutor) driver;
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                    .untilAsserted(() -> assertTrue("no published point above 0 in the overview's chart", ((Number) js
                            .executeScript("const c = window.courier.charts['cluster-rates'];"
                                    + " return c ? c.data[1].filter(v => v > 0).length : 0;")).intValue() > 0));
            WebElement item = wait.until(ExpectedConditions.visibilityOfElementLocated(
                    By.cssSelector("#attention li.dead-letters a[href*='" + FAILS_ONCE + "']")));
            assertTrue(item.getText(), item.getText().startsWith("'" + FAILS_ONCE + "' has 1 dead letter"));
            assertTrue(driver.findElement(By.id("attention")).getText().contains("Delivery to '" + RECORDER + "' is paused"));
            screenshot(driver, "overview");

            // pause: what is published waits in the store; resume: it is delivered
            driver.get(base + "/service?name=" + SINK);
            WebElement latencyRow = driver.findElement(By.xpath("//table[@id='latency']//tr[td[1]='all nodes']"));
            assertTrue(latencyRow.getText(), latencyRow.getText().matches("all nodes \\d+ (≤ \\d+ ms|-) (≤ \\d+ ms|-)"));
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(500))
                    .untilAsserted(() -> assertTrue("no point above 0 in the service's chart", ((Number) js
                            .executeScript("const c = window.courier.charts['service-rates'];"
                                    + " return c ? c.data[1].filter(v => v > 0).length : 0;")).intValue() > 0));
            driver.findElement(By.xpath("//button[text()='Pause delivery']")).click();
            assertEquals("Delivery to '" + SINK + "' paused",
                    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("flash"))).getText());
            assertTrue("paused in the store", subscription(SINK).get("paused").asBoolean());
            long before = sinkDelivered();

            WebElement publish = driver.findElement(By.id("publish"));
            publish.findElement(By.name("data")).clear();
            publish.findElement(By.name("data")).sendKeys("{\"from\":\"the form\"}");
            publish.findElement(By.name("priority")).sendKeys("7");
            publish.findElement(By.name("correlationId")).sendKeys("form-1");
            publish.findElement(By.tagName("button")).click();
            String id = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#publish .msg-id")))
                    .getText();
            JsonNode stored = JSON.readTree(get("/api/messages/" + id, ADMIN).body());
            assertEquals("the form", stored.get("data").get("from").asText());
            assertEquals(7, stored.get("priority").asInt());
            assertEquals("form-1", stored.get("correlationId").asText());

            // bad input: the API's error next to the form, nothing stored
            for (String[] bad : new String[][] { { "{not json", "", "The request body is not valid JSON" },
                    { "{}", "10", "priority must be a whole number from 1 to 9, not '10'" } }) {
                publish.findElement(By.name("data")).clear();
                publish.findElement(By.name("data")).sendKeys(bad[0]);
                publish.findElement(By.name("priority")).clear();
                publish.findElement(By.name("priority")).sendKeys(bad[1]);
                publish.findElement(By.tagName("button")).click();
                String expected = bad[2];
                wait.withMessage(() -> "the form shows " + publish.findElement(By.className("result")).getText()
                        + ", not " + expected).until(d -> publish.findElement(By.className("result")).getText()
                                .startsWith(expected) && publish.findElement(By.className("result")).getAttribute("class")
                                        .contains("error"));
            }
            assertEquals("only the good publish waits: " + get("/api/browse/" + SINK, ADMIN).body(), List.of(id),
                    ids(JSON.readTree(get("/api/browse/" + SINK, ADMIN).body()).get("messages")));
            await("paused: nothing delivered for 1.5 s").during(Duration.ofMillis(1_500))
                    .atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(300))
                    .untilAsserted(() -> assertEquals("paused: delivered to the sink meanwhile", before, sinkDelivered()));
            screenshot(driver, "service");

            driver.findElement(By.xpath("//button[text()='Resume delivery']")).click();
            assertEquals("Delivery to '" + SINK + "' resumed",
                    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("flash"))).getText());
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
                    .until(() -> get("/api/messages/" + id, ADMIN).statusCode() == 404);
            assertEquals("the form's message reached the service", before + 1, sinkDelivered());

            // invoke: the service's answer, or its error as the API gives it
            WebElement invoke = driver.findElement(By.id("invoke"));
            invoke.findElement(By.tagName("button")).click();
            WebElement answer = wait.until(ExpectedConditions.visibilityOfElementLocated(
                    By.cssSelector("#invoke .response")));
            assertEquals(before + 1, JSON.readTree(answer.getText()).get("delivered").asLong());

            driver.get(base + "/service?name=" + FAILS_ONCE);
            driver.findElement(By.cssSelector("#invoke textarea")).sendKeys("{\"x\":1}");
            driver.findElement(By.cssSelector("#invoke button")).click();
            WebElement failure = wait.until(ExpectedConditions.visibilityOfElementLocated(
                    By.cssSelector("#invoke .result.error")));
            assertEquals(error(post("/api/invoke/" + FAILS_ONCE, "{\"x\":1}")), failure.getText());
        } finally {
            post("/api/purge/" + FAILS_ONCE + "?dead=true", ""); // the dead letter of the overview
        }
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    /** Headless Chromium through the local chromedriver, with a profile of its own: nothing is downloaded. */
    private static final class Browser implements AutoCloseable {

        final Path profile;
        final WebDriver driver;

        Browser() throws IOException {
            Path chromium = Paths.get(System.getProperty("courier.chromium", "/usr/bin/chromium"));
            Path chromedriver = Paths.get(System.getProperty("courier.chromedriver", "/usr/bin/chromedriver"));
            assertTrue("No Chromium at " + chromium + " or no chromedriver at " + chromedriver + ": install Debian's"
                    + " packages with 'apt-get install -y chromium chromium-driver' (.ci/run does)",
                    Files.isExecutable(chromium) && Files.isExecutable(chromedriver));
            profile = Files.createTempDirectory(KarafProcess.TARGET, "chromium-");
            System.setProperty("webdriver.chrome.driver", chromedriver.toString());
            ChromeOptions options = new ChromeOptions().setBinary(chromium.toFile())
                    .addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                            "--disable-quic", "--no-first-run", "--disable-background-networking",
                            "--disable-component-update", "--disable-sync", "--window-size=1400,900",
                            "--user-data-dir=" + profile);
            ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(chromedriver.toFile())
                    .usingAnyFreePort().withLogFile(KarafProcess.TARGET.resolve("chromedriver.log").toFile()).build();
            driver = new ChromeDriver(service, options);
        }

        @Override
        public void close() throws IOException {
            driver.quit();
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }

    private static void logIn(WebDriver driver, WebDriverWait wait, String path) {
        driver.get(base + path);
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("username"))).sendKeys(KarafProcess.USER);
        driver.findElement(By.id("password")).sendKeys(KarafProcess.PASSWORD);
        driver.findElement(By.id("login")).click();
        wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("username")));
    }

    /** A service's own subscription, as the store has it. */
    private static JsonNode subscription(String service) throws Exception {
        for (JsonNode s : JSON.readTree(get("/api/services/" + service, ADMIN).body()).get("subscriptions")) {
            if (s.get("topic").asText().equals(service)) {
                return s;
            }
        }
        throw new AssertionError("No subscription of " + service + " to its topic");
    }

    /**
     * The sink's counts in a {@code GET /api/stats} answer: published and delivered in the cluster's figures, then in
     * node-a's; 0 where it has none yet.
     */
    private static List<Long> sinkStats(JsonNode stats) {
        JsonNode nodeA = JSON.createArrayNode();
        for (JsonNode node : stats.get("nodes")) {
            if (node.get("node").asText().equals("node-a")) {
                nodeA = node.get("services");
            }
        }
        JsonNode cluster = stats.get("cluster");
        return List.of(sinkCount(cluster, "published"), sinkCount(cluster, "delivered"), sinkCount(nodeA, "published"),
                sinkCount(nodeA, "delivered"));
    }

    private static long sinkCount(JsonNode services, String figure) {
        for (JsonNode service : services) {
            if (service.get("service").asText().equals(SINK)) {
                return service.get(figure).asLong();
            }
        }
        return 0;
    }

    /** How many messages the sink took, as it answers when invoked. */
    private static long sinkDelivered() throws Exception {
        return JSON.readTree(post("/api/invoke/" + SINK, "").body()).get("delivered").asLong();
    }

    /** A figure's rates over the samples' times: how many in all. */
    private static double integral(JsonNode series, String figure) {
        JsonNode at = series.get("at");
        JsonNode rates = series.get("series").get(figure);
        double sum = 0;
        for (int i = 1; i < at.size(); i++) {
            if (!rates.get(i).isNull()) {
                sum += rates.get(i).asDouble() * (at.get(i).asLong() - at.get(i - 1).asLong()) / 1000.0;
            }
        }
        return sum;
    }

    private static List<String> ids(JsonNode messages) {
        List<String> ids = new ArrayList<>();
        messages.forEach(m -> ids.add(m.get("msgId").asText()));
        return ids;
    }

    private static List<String> messageIds(WebDriver driver) {
        return driver.findElements(By.cssSelector("#messages tbody tr td:first-child a")).stream()
                .map(WebElement::getText).toList();
    }

    /** A screenshot of the page from its top, under target/web-screenshots (the README's are copies). */
    private static void screenshot(WebDriver driver, String name) throws IOException {
        ((JavascriptExecutor) driver).executeScript("window.scrollTo(0, 0)");
        Files.createDirectories(SCREENSHOTS);
        File png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
        Files.copy(png.toPath(), SCREENSHOTS.resolve(name + ".png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private static void purge(String name) throws Exception {
        HttpResponse<String> r = post("/api/purge/" + name, "");
        assertEquals(r.body(), 200, r.statusCode());
    }

    private static URI uri(String path) {
        return URI.create(base + path);
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static HttpResponse<String> get(String path, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return send(b);
    }

    /** A POST with the admin's Basic credentials: no session, so no CSRF token. */
    private static HttpResponse<String> post(String path, String json) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).header("Authorization", ADMIN)
                .header("Content-Type", "application/json").POST(BodyPublishers.ofString(json)));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.timeout(Duration.ofSeconds(30)).build(), BodyHandlers.ofString());
    }

    private static String error(HttpResponse<String> r) throws IOException {
        assertEquals(r.body(), "application/json;charset=utf-8",
                r.headers().firstValue("Content-Type").orElse("").toLowerCase().replace(" ", ""));
        return JSON.readTree(r.body()).get("error").asText();
    }

    private static void assertError(HttpResponse<String> r, int status, String start) throws IOException {
        assertEquals(r.body(), status, r.statusCode());
        assertTrue(r.body(), error(r).startsWith(start) || error(r).contains(start));
    }
}
