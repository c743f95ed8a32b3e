package io.courier.web.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import javax.servlet.http.HttpSession;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.courier.api.Courier;
import io.courier.api.PubSub;
import io.courier.pubsub.PubSubAdmin;
import io.courier.pubsub.StoreUnavailableException;

/**
 * The dashboard and the REST API, one servlet under {@code /courier} on the HTTP whiteboard. Every page and
 * API call needs a user of the configured JAAS realm: pages through a login session, the API through that session
 * or HTTP Basic credentials on each request (never challenged, so that browsers do not keep them). A user with the
 * configured role may look and act; one with only the viewer role may look (every GET) but not act (every POST but
 * logging out is refused). A POST made with the session needs the session's CSRF token. While it is active, the
 * charts' figures are sampled every {@value History#EVERY_MS} ms.
 */
@Component(service = Servlet.class, property = {
        "osgi.http.whiteboard.servlet.pattern=" + Web.BASE + "/*",
        "osgi.http.whiteboard.servlet.name=courier-web" })
@Designate(ocd = Web.Config.class)
public class Web extends HttpServlet {

    static final String BASE = "/courier";

    @ObjectClassDefinition(name = "Courier web", description = "The dashboard and REST API under /courier")
    public @interface Config {
        @AttributeDefinition(description = "The Karaf JAAS realm that checks user names and passwords")
        String realm() default "karaf";

        @AttributeDefinition(description = "The role a user needs for the dashboard and the API, to look and act")
        String role() default "admin";

        @AttributeDefinition(description = "The role of users who may look at the dashboard and GET from the API but"
                + " change nothing; empty for none")
        String viewerRole() default "viewer";

        @AttributeDefinition(description = "Minutes of inactivity after which a login session ends")
        int sessionTimeoutMinutes() default 30;
    }

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(Web.class);
    private static final String USER = "courier.user";
    private static final String CSRF = "courier.csrf";
    private static final String FLASH = "courier.flash";
    /** When the user last did something: a page or a form, not a page's own polling. */
    private static final String ACTIVE = "courier.active";
    private static final Map<String, String> STATIC = Map.of("/static/courier.css", "text/css;charset=utf-8",
            "/static/courier.js", "text/javascript;charset=utf-8",
            "/static/uplot/uPlot.iife.min.js", "text/javascript;charset=utf-8",
            "/static/uplot/uPlot.min.css", "text/css;charset=utf-8",
            "/static/uplot/LICENSE", "text/plain;charset=utf-8");

    private final transient Dashboard dashboard;
    private final transient Api api;
    private final transient Pages pages;
    private final transient JaasLogin jaas;
    private final int sessionTimeoutSeconds;
    private final transient ScheduledExecutorService sampler;

    @Activate
    public Web(@Reference PubSubAdmin admin, @Reference PubSub pubsub, @Reference Courier courier, Config config) {
        this.dashboard = new Dashboard(admin);
        this.api = new Api(dashboard, pubsub, courier, new Exposition(admin));
        this.pages = new Pages(dashboard);
        this.jaas = new JaasLogin(config.realm(), config.role(), config.viewerRole());
        this.sessionTimeoutSeconds = Math.max(1, config.sessionTimeoutMinutes()) * 60;
        this.sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "courier-web-charts");
            t.setDaemon(true);
            return t;
        });
        sampler.scheduleWithFixedDelay(this::sample, 0, History.EVERY_MS, TimeUnit.MILLISECONDS);
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        sampler.shutdown();
        if (!sampler.awaitTermination(5, TimeUnit.SECONDS)) {
            sampler.shutdownNow();
        }
    }

    /** One sample of the charts; while the store is out of reach the charts get a gap. */
    private void sample() {
        try {
            dashboard.sample();
        } catch (StoreUnavailableException e) {
            LOG.debug("No chart sample: {}", e.getMessage());
            dashboard.gap();
        } catch (RuntimeException e) {
            LOG.warn("A sample of the dashboard's charts failed", e);
            dashboard.gap();
        }
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String path = req.getPathInfo() == null ? "/" : req.getPathInfo();
        headers(resp);
        if (STATIC.containsKey(path)) {
            resource(resp, path);
        } else if (path.startsWith("/api/")) {
            api(req, resp, path.substring(4));
        } else {
            page(req, resp, path);
        }
    }

    /** Nothing cached, nothing framed, nothing loaded from elsewhere. */
    private static void headers(HttpServletResponse resp) {
        resp.setHeader("Cache-Control", "no-store");
        resp.setHeader("X-Content-Type-Options", "nosniff");
        resp.setHeader("X-Frame-Options", "DENY");
        resp.setHeader("Referrer-Policy", "same-origin");
        resp.setHeader("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'; form-action 'self'");
    }

    // ---- API ------------------------------------------------------------------------------------------------

    private void api(HttpServletRequest req, HttpServletResponse resp, String path) throws IOException {
        try {
            Optional<User> basic = jaas.basic(req.getHeader("Authorization"), req.getRemoteAddr());
            boolean userAction = !"GET".equals(req.getMethod()); // a page's own polling is not activity
            User user = basic.or(() -> sessionUser(req, userAction)).orElseThrow(() -> new WebException(401,
                    "Not logged in: send HTTP Basic credentials of a user with " + jaas.roles() + ", or log in at " + BASE
                    + "/login"));
            if (!user.mayLook()) {
                throw new WebException(403, jaas.noRole(user.name()));
            }
            if (!"GET".equals(req.getMethod())) {
                checkMayAct(user);
            }
            if (basic.isEmpty() && "POST".equals(req.getMethod())) {
                checkCsrf(req);
            }
            api.handle(req, resp, path);
        } catch (RuntimeException e) {
            int status = failed(req, e);
            if (!resp.isCommitted()) {
                resp.reset();
                headers(resp);
                retryAfter(resp, e);
                Api.send(resp, status, Errors.json(Errors.message(e)));
            }
        }
    }

    private static void retryAfter(HttpServletResponse resp, RuntimeException e) {
        if (e instanceof WebException w && w.retryAfterSeconds() > 0) {
            resp.setHeader("Retry-After", String.valueOf(w.retryAfterSeconds()));
        }
    }

    /** The status of a failed request; a fault of the server is logged with its stack trace. */
    private static int failed(HttpServletRequest req, RuntimeException e) {
        int status = Errors.status(e);
        if (status == Errors.INTERNAL) {
            LOG.warn("{} {} failed", req.getMethod(), req.getRequestURI(), e);
        }
        return status;
    }

    private void checkMayAct(User user) {
        if (!user.admin()) {
            throw new WebException(403, "User '" + user.name() + "' does not have the " + jaas.role() + " role");
        }
    }

    private static void checkCsrf(HttpServletRequest req) {
        HttpSession session = req.getSession(false);
        String sent = Optional.ofNullable(req.getHeader(Csrf.HEADER)).orElseGet(() -> req.getParameter(Csrf.FIELD));
        if (session == null || !Csrf.matches((String) session.getAttribute(CSRF), sent)) {
            throw new WebException(403, "Missing or wrong CSRF token: a POST made with a login session needs the"
                    + " session's token in the " + Csrf.HEADER + " header or the " + Csrf.FIELD + " form field");
        }
    }

    /**
     * The session's user, unless the user did nothing for the session timeout: the pages' own polls (charts, needs
     * attention) keep the container's session alive but are not the user's doing, so a page left open does not keep
     * a login, nor the roles it was given, for ever.
     *
     * @param userAction whether this request is the user's doing (a page, a form), which counts as activity
     */
    private Optional<User> sessionUser(HttpServletRequest req, boolean userAction) {
        HttpSession session = req.getSession(false);
        User user = session == null ? null : (User) session.getAttribute(USER);
        if (user == null) {
            return Optional.empty();
        }
        long now = System.currentTimeMillis();
        Long active = (Long) session.getAttribute(ACTIVE);
        if (active == null || now - active > sessionTimeoutSeconds * 1000L) {
            session.invalidate();
            return Optional.empty();
        }
        if (userAction) {
            session.setAttribute(ACTIVE, now);
        }
        return Optional.of(user);
    }

    // ---- pages ----------------------------------------------------------------------------------------------

    private void page(HttpServletRequest req, HttpServletResponse resp, String path) throws IOException {
        boolean post = "POST".equals(req.getMethod());
        if (path.equals("/login")) {
            if (post) {
                login(req, resp);
            } else {
                html(resp, 200, Pages.layout("Log in", null, null, null, Pages.login(null, req.getParameter("next"))));
            }
            return;
        }
        Optional<User> user = sessionUser(req, true);
        if (user.isEmpty()) {
            String next = post ? null : req.getRequestURI() + (req.getQueryString() == null ? "" : "?" + req.getQueryString());
            resp.sendRedirect(BASE + "/login" + (next == null ? "" : "?next=" + Html.param(next)));
            return;
        }
        HttpSession session = req.getSession(false);
        String csrf = (String) session.getAttribute(CSRF);
        String actCsrf = user.get().admin() ? csrf : null; // what pages take: null shows no action
        String flash = (String) session.getAttribute(FLASH);
        session.removeAttribute(FLASH);
        try {
            if (post) {
                checkCsrf(req);
                if (!path.equals("/logout")) {
                    checkMayAct(user.get());
                }
                action(req, resp, path, session, user.get(), csrf);
                return;
            }
            switch (path) {
                case "/" -> html(resp, 200, Pages.layout("Overview", user.get(), csrf, flash, pages.overview()));
                case "/services" -> html(resp, 200, Pages.layout("Services", user.get(), csrf, flash, pages.services()));
                case "/service" -> {
                    String name = param(req, "name");
                    html(resp, 200, Pages.layout(name, user.get(), csrf, flash, pages.service(name, actCsrf)));
                }
                case "/topics" -> html(resp, 200, Pages.layout("Topics", user.get(), csrf, flash, pages.topics()));
                case "/browse" -> {
                    String name = param(req, "name");
                    boolean dead = "true".equals(req.getParameter("dead"));
                    Paging page = Paging.parse(req.getParameter("offset"), req.getParameter("limit"));
                    html(resp, 200, Pages.layout((dead ? "Dead letters of " : "Queue of ") + name, user.get(), csrf,
                            flash, pages.browse(name, dead, page, actCsrf)));
                }
                case "/message" -> {
                    String id = param(req, "id");
                    html(resp, 200, Pages.layout("Message " + id, user.get(), csrf, flash, pages.message(id, actCsrf)));
                }
                default -> throw WebException.notFound("No page " + Errors.quote(path));
            }
        } catch (RuntimeException e) {
            int status = failed(req, e);
            // the flash too: a retried message may be delivered, and gone, before the page it returns to shows
            html(resp, status, Pages.layout(status == 404 ? "Not found" : "Error " + status, user.get(), csrf, flash,
                    Pages.gone(Errors.message(e))));
        }
    }

    /** A page's POST: does it, then sends the browser back (POST, redirect, GET) with a one-line outcome. */
    private void action(HttpServletRequest req, HttpServletResponse resp, String path, HttpSession session, User user,
            String csrf) throws IOException {
        String back;
        String outcome;
        switch (path) {
            case "/logout" -> {
                session.invalidate();
                resp.sendRedirect(BASE + "/login");
                return;
            }
            case "/retry" -> {
                String msgId = param(req, "msgId");
                int n = dashboard.retry(msgId);
                outcome = "Retrying " + n + " dead " + (n == 1 ? "letter" : "letters") + " of message " + msgId;
                back = Pages.message(msgId);
            }
            case "/pause", "/resume" -> {
                String name = param(req, "name");
                if (path.equals("/pause")) {
                    dashboard.pause(name);
                } else {
                    dashboard.resume(name);
                }
                outcome = "Delivery to '" + name + "' " + (path.equals("/pause") ? "paused" : "resumed");
                back = Pages.service(name);
            }
            case "/retry-dead" -> {
                String name = param(req, "name");
                int n = dashboard.retryDead(name);
                outcome = "Retrying " + n + " dead " + (n == 1 ? "letter" : "letters") + " of '" + name + "'";
                back = Pages.browse(name, true, null);
            }
            case "/purge" -> {
                String name = param(req, "name");
                boolean dead = "true".equals(req.getParameter("dead"));
                if (!"yes".equals(req.getParameter("confirm"))) {
                    html(resp, 200, Pages.layout("Purge " + name, user, csrf, null,
                            pages.purgeConfirmation(name, dead, csrf)));
                    return;
                }
                outcome = "Deleted " + dashboard.purge(name, dead) + (dead ? " dead letters" : " pending messages")
                        + " of '" + name + "'";
                back = Pages.browse(name, dead, null);
            }
            default -> throw WebException.notFound("No action " + Errors.quote(path));
        }
        session.setAttribute(FLASH, outcome);
        resp.sendRedirect(back);
    }

    private void login(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String next = req.getParameter("next");
        Optional<User> user;
        try {
            user = jaas.login(req.getParameter("username"), req.getParameter("password"), req.getRemoteAddr());
        } catch (WebException tooMany) {
            retryAfter(resp, tooMany);
            html(resp, tooMany.status(), Pages.layout("Log in", null, null, null, Pages.login(tooMany.getMessage(), next)));
            return;
        }
        if (user.isEmpty() || !user.get().mayLook()) {
            String error = user.isEmpty() ? "Wrong user name or password" : jaas.noRole(user.get().name());
            html(resp, user.isEmpty() ? 401 : 403, Pages.layout("Log in", null, null, null, Pages.login(error, next)));
            return;
        }
        HttpSession old = req.getSession(false);
        if (old != null) {
            old.invalidate(); // a new session id at each login: no session fixation
        }
        HttpSession session = req.getSession(true);
        session.setMaxInactiveInterval(sessionTimeoutSeconds);
        session.setAttribute(USER, user.get());
        session.setAttribute(CSRF, Csrf.newToken());
        session.setAttribute(ACTIVE, System.currentTimeMillis());
        LOG.info("User '{}' logged in to the Courier dashboard from {}", user.get().name(), req.getRemoteAddr());
        resp.sendRedirect(next != null && next.startsWith(BASE + "/") && !next.startsWith("//") ? next : BASE + "/");
    }

    private static String param(HttpServletRequest req, String name) {
        String value = req.getParameter(name);
        if (value == null || value.isBlank()) {
            throw WebException.badRequest("The parameter '" + name + "' is missing");
        }
        return value;
    }

    private static void html(HttpServletResponse resp, int status, String page) throws IOException {
        byte[] bytes = page.getBytes(StandardCharsets.UTF_8);
        resp.setStatus(status);
        resp.setContentType("text/html;charset=utf-8");
        resp.setContentLength(bytes.length);
        resp.getOutputStream().write(bytes);
    }

    private void resource(HttpServletResponse resp, String path) throws IOException {
        try (InputStream in = Web.class.getResourceAsStream(path)) {
            if (in == null) {
                resp.sendError(404);
                return;
            }
            resp.setContentType(STATIC.get(path));
            in.transferTo(resp.getOutputStream());
        }
    }
}
