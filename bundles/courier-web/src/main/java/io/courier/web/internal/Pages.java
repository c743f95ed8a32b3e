package io.courier.web.internal;

import static io.courier.web.internal.Html.param;
import static io.courier.web.internal.Html.time;

import java.util.List;

import io.courier.core.Json;
import io.courier.pubsub.Latency;
import io.courier.pubsub.MessageDetails;
import io.courier.pubsub.NodeInfo;
import io.courier.pubsub.QueuedMessage;
import io.courier.pubsub.ServiceInfo;
import io.courier.pubsub.SubscriptionInfo;
import io.courier.pubsub.TopicInfo;

/**
 * The dashboard's pages: server-rendered HTML; the overview's and a service's charts and the "needs attention" list
 * refresh from the API (courier.js, charts by uPlot), and so do the publish and invoke forms. Where a page takes the
 * session's CSRF token, null stands for a user who may not act: no action is shown.
 */
final class Pages {

    static final String BASE = Web.BASE;

    private final Dashboard dashboard;

    Pages(Dashboard dashboard) {
        this.dashboard = dashboard;
    }

    /** A whole page around its content. */
    static String layout(String title, User user, String csrf, String flash, Html content) {
        Html h = new Html().raw("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
                .text(title).raw(" · Courier</title>");
        if (csrf != null) {
            h.raw("<meta name=\"csrf-token\" content=\"").text(csrf).raw("\">");
        }
        h.raw("<link rel=\"stylesheet\" href=\"" + BASE + "/static/uplot/uPlot.min.css\">")
                .raw("<link rel=\"stylesheet\" href=\"" + BASE + "/static/courier.css\">")
                .raw("<script src=\"" + BASE + "/static/uplot/uPlot.iife.min.js\" defer></script>")
                .raw("<script src=\"" + BASE + "/static/courier.js\" defer></script></head><body><header>")
                .raw("<span class=\"brand\">Courier</span>");
        if (user != null) {
            h.raw("<nav><a href=\"" + BASE + "/\">Overview</a><a href=\"" + BASE + "/services\">Services</a>")
                    .raw("<a href=\"" + BASE + "/topics\">Topics</a></nav>")
                    .raw("<span class=\"user\">").text(user.name() + (user.admin() ? "" : " (view only)")).raw("</span>")
                    .button(BASE + "/logout", "Log out", csrf);
        }
        h.raw("</header><main><h1>").text(title).raw("</h1>");
        if (flash != null) {
            h.raw("<p class=\"flash\" id=\"flash\">").text(flash).raw("</p>");
        }
        return h.raw(content.toString()).raw("</main></body></html>\n").toString();
    }

    static Html login(String error, String next) {
        Html h = new Html();
        if (error != null) {
            h.raw("<p class=\"error\" id=\"error\">").text(error).raw("</p>");
        }
        return h.raw("<form class=\"login\" method=\"post\" action=\"" + BASE + "/login\">")
                .hidden("next", next == null ? "" : next)
                .raw("<label>User <input name=\"username\" id=\"username\" autocomplete=\"username\" required autofocus></label>")
                .raw("<label>Password <input type=\"password\" name=\"password\" id=\"password\""
                        + " autocomplete=\"current-password\" required></label>")
                .raw("<button type=\"submit\" id=\"login\">Log in</button></form>");
    }

    /**
     * The landing page: what needs attention, the cluster's rates and queue over the last 15 minutes, the nodes
     * with their health, and each live node's rates.
     */
    Html overview() {
        Html h = new Html().raw("<section class=\"attention\"><h2>Needs attention</h2><ul id=\"attention\">");
        List<Attention> attention = dashboard.attention();
        for (Attention a : attention) {
            attentionItem(h, a);
        }
        h.raw("</ul><p id=\"all-well\" class=\"hint\"").raw(attention.isEmpty() ? "" : " hidden")
                .raw(">Nothing needs attention.</p></section>")
                .raw("<div class=\"charts\" data-series=\"" + BASE + "/api/series\">")
                .raw("<figure><figcaption>Messages per second, all nodes</figcaption>")
                .raw("<div class=\"chart\" id=\"cluster-rates\" data-kind=\"rates\" data-of=\"cluster\"></div></figure>")
                .raw("<figure><figcaption>Queued, all nodes</figcaption>")
                .raw("<div class=\"chart\" id=\"cluster-queue\" data-kind=\"queue\" data-of=\"cluster\"></div></figure>");
        List<NodeInfo> nodes = dashboard.nodes();
        for (NodeInfo n : nodes) {
            if (n.state() == NodeInfo.State.LIVE) {
                h.raw("<figure><figcaption>Messages per second on ").text(n.name()).raw("</figcaption>")
                        .raw("<div class=\"chart\" data-kind=\"rates\" data-of=\"node\" data-node=\"").text(n.name())
                        .raw("\"></div></figure>");
            }
        }
        h.raw("</div><p class=\"hint\">Sampled every " + History.EVERY_MS / 1000 + " seconds, kept for "
                + History.EVERY_MS * History.POINTS / 60_000 + " minutes since this node's dashboard started; the other"
                + " nodes' figures as of their last heartbeat.</p>");
        h.raw("<h2 id=\"nodes\">Nodes</h2><table id=\"node-table\"><thead><tr><th>Node</th><th>Address</th>")
                .raw("<th>State</th><th>Started</th><th class=\"num\">Last heartbeat</th><th class=\"num\">Services</th>")
                .raw("<th class=\"num\">In flight</th></tr></thead><tbody>");
        for (NodeInfo n : nodes) {
            h.raw("<tr class=\"").text(n.state().name().toLowerCase(java.util.Locale.ROOT)).raw("\">")
                    .tag("td", n.name() + (n.self() ? " (this node)" : "")).tag("td", n.address())
                    .tag("td class=\"state\"", n.state().name().toLowerCase(java.util.Locale.ROOT))
                    .tag("td", time(n.startedAt()))
                    .tag("td class=\"num\"", String.format(java.util.Locale.ROOT, "%.1f s ago", n.sinceHeartbeat() / 1000.0))
                    .tag("td class=\"num\"", n.services().size()).tag("td class=\"num\"", n.inFlight()).raw("</tr>");
        }
        return h.raw("</tbody></table>");
    }

    private static void attentionItem(Html h, Attention a) {
        h.raw("<li class=\"").text(a.kind()).raw("\">").link(a.href(), a.text()).raw("</li>");
    }

    /**
     * A service's page (or a shared topic's): its charts, latency, delivery policy, subscriptions, and the actions
     * on it.
     *
     * @param csrf the session's token, or null for a user who may not act
     */
    Html service(String name, String csrf) {
        Dashboard.Details d = dashboard.details(name);
        long depth = d.shared() ? d.topic().depth() : d.service().depth();
        long dead = d.shared() ? d.topic().dead() : d.service().dead();
        boolean paused = !d.subscriptions().isEmpty() && d.subscriptions().stream().allMatch(SubscriptionInfo::paused);
        Html h = new Html().raw("<p class=\"facts\" id=\"facts\">");
        if (d.shared()) {
            h.text("Shared topic, subscribers: ");
            for (int i = 0; i < d.topic().subscribers().size(); i++) {
                String subscriber = d.topic().subscribers().get(i);
                h.raw(i == 0 ? "" : ", ").link(service(subscriber), subscriber);
            }
            h.text(paused ? " · paused" : "");
        } else {
            h.text("State: " + d.service().state() + " · registered on: " + d.service().nodeList() + " · bundle: "
                    + d.service().bundle().map(b -> b.symbolicName() + " " + b.version()).orElse("-"));
        }
        h.raw("<br>").link(browse(name, false, null), depth + " pending").raw(" · ")
                .link(browse(name, true, null), dead + (dead == 1 ? " dead letter" : " dead letters")).raw("</p>");
        if (csrf != null) {
            h.raw("<p class=\"actions\">")
                    .button(BASE + (paused ? "/resume" : "/pause"), paused ? "Resume delivery" : "Pause delivery", csrf,
                            "name", name)
                    .raw(" ").button(BASE + "/retry-dead", "Retry dead letters", csrf, "name", name)
                    .raw(" ").button(BASE + "/purge", "Purge pending messages…", csrf, "name", name, "dead", "false")
                    .raw(" ").button(BASE + "/purge", "Purge dead letters…", csrf, "name", name, "dead", "true")
                    .raw("</p>");
        }
        h.raw("<div class=\"charts\" data-series=\"").text(BASE + "/api/series/" + name).raw("\">");
        if (!d.shared()) {
            h.raw("<figure><figcaption>Messages per second, all nodes</figcaption>")
                    .raw("<div class=\"chart\" id=\"service-rates\" data-kind=\"rates\" data-of=\"series\"></div></figure>");
        }
        h.raw("<figure><figcaption>Queued (in flight: on this node)</figcaption>")
                .raw("<div class=\"chart\" id=\"service-queue\" data-kind=\"queue\" data-of=\"series\"></div></figure>")
                .raw("</div>");
        if (!d.shared()) {
            h.raw("<h2>Publish to end of handle, last minute</h2><table id=\"latency\"><thead><tr><th>On</th>")
                    .raw("<th class=\"num\">Deliveries</th><th class=\"num\">p50</th><th class=\"num\">p99</th></tr></thead><tbody>");
            latencyRow(h, "all nodes", d.latency().cluster());
            d.latency().nodes().forEach((node, l) -> latencyRow(h, node, l));
            h.raw("</tbody></table><p class=\"hint\">Each figure is the upper bound of its bucket: at most a fifth"
                    + " above the true time.</p>");
            h.raw("<h2>Delivery policy</h2><table id=\"policy\"><thead><tr><th>Key</th><th class=\"num\">Value</th>")
                    .raw("<th>Source</th></tr></thead><tbody>");
            d.policy().forEach(v -> h.raw("<tr>").tag("td", v.key()).tag("td class=\"num\"", v.value())
                    .tag("td", v.source()).raw("</tr>"));
            h.raw("</tbody></table>");
        }
        h.raw("<h2>Subscriptions</h2><table id=\"subscriptions\"><thead><tr><th>Topic</th><th>Subscriber</th>")
                .raw("<th class=\"num\">Depth</th><th class=\"num\">In flight</th><th class=\"num\">Dead</th>")
                .raw("<th class=\"num\">Delivered</th><th>Last delivery</th><th>Paused</th></tr></thead><tbody>");
        for (SubscriptionInfo sub : d.subscriptions()) {
            h.raw("<tr><td>").link(service(sub.topic()), sub.topic()).raw("</td><td>")
                    .link(service(sub.subscriber()), sub.subscriber()).raw("</td>")
                    .tag("td class=\"num\"", sub.depth()).tag("td class=\"num\"", sub.inFlight())
                    .tag("td class=\"num\"", sub.dead()).tag("td class=\"num\"", sub.delivered())
                    .tag("td", time(sub.lastDeliveryAt())).tag("td", sub.paused() ? "paused" : "-").raw("</tr>");
        }
        h.raw("</tbody></table>");
        if (csrf != null) {
            h.raw("<div class=\"forms\"><form class=\"call\" id=\"publish\" novalidate data-call=\"publish\" data-api=\"")
                    .text(BASE + "/api/publish/" + name).raw("\"><h2>Publish a message</h2>")
                    .raw("<label>Data (JSON)<textarea name=\"data\" rows=\"5\" required>{}</textarea></label>")
                    .raw("<label>Priority <input name=\"priority\" data-param=\"priority\" type=\"number\" min=\"1\"")
                    .raw(" max=\"9\" placeholder=\"5\"></label>")
                    .raw("<label>Correlation id <input name=\"correlationId\" data-param=\"correlationId\"></label>")
                    .raw("<label>Expires after (ms) <input name=\"expiration\" data-param=\"expiration\" type=\"number\"")
                    .raw(" min=\"1\" placeholder=\"never\"></label>")
                    .raw("<button type=\"submit\">Publish</button><div class=\"result\" aria-live=\"polite\"></div></form>");
            if (!d.shared()) {
                h.raw("<form class=\"call\" id=\"invoke\" novalidate data-call=\"invoke\" data-api=\"")
                        .text(BASE + "/api/invoke/" + name).raw("\"><h2>Invoke</h2>")
                        .raw("<label>Payload (JSON, may be empty)<textarea name=\"payload\" rows=\"5\"></textarea></label>")
                        .raw("<label>Timeout (ms) <input name=\"timeout\" data-param=\"timeout\" type=\"number\" min=\"1\"")
                        .raw(" placeholder=\"none\"></label>")
                        .raw("<button type=\"submit\">Invoke</button><div class=\"result\" aria-live=\"polite\"></div></form>");
            }
            h.raw("</div>");
        }
        return h;
    }

    private static void latencyRow(Html h, String on, Dashboard.LatencyFigures l) {
        h.raw("<tr>").tag("td", on).tag("td class=\"num\"", l.count())
                .tag("td class=\"num\"", ms(l.p50Ms())).tag("td class=\"num\"", ms(l.p99Ms())).raw("</tr>");
    }

    private static String ms(long percentileMs) {
        String ms = Latency.format(percentileMs);
        return ms.equals("-") || ms.startsWith(">") ? ms : "≤ " + ms + " ms";
    }

    Html services() {
        Html h = new Html().raw("<table id=\"services\"><thead><tr><th>Name</th><th>Bundle</th><th>State</th>")
                .raw("<th class=\"num\">Depth</th><th class=\"num\">Dead</th><th class=\"num\">Delivered</th>")
                .raw("<th>Last delivery</th><th>Nodes</th></tr></thead><tbody>");
        for (ServiceInfo s : dashboard.services()) {
            h.raw("<tr><td>").link(service(s.name()), s.name()).raw("</td>")
                    .tag("td", s.bundle().map(b -> b.id() + " " + b.symbolicName() + " " + b.version()).orElse("-"))
                    .tag("td", s.state())
                    .raw("<td class=\"num\">").link(browse(s.name(), false, null), s.depth()).raw("</td>")
                    .raw("<td class=\"num\">").link(browse(s.name(), true, null), s.dead()).raw("</td>")
                    .tag("td class=\"num\"", s.delivered())
                    .tag("td", time(s.lastDeliveryAt())).tag("td", s.nodeList()).raw("</tr>");
        }
        return h.raw("</tbody></table>");
    }

    Html topics() {
        Html h = new Html().raw("<table id=\"topics\"><thead><tr><th>Topic</th><th>Kind</th><th>Subscribers</th>")
                .raw("<th class=\"num\">Depth</th><th class=\"num\">Dead</th><th>Last message</th>")
                .raw("<th>Published</th><th>Data</th></tr></thead><tbody>");
        for (TopicInfo t : dashboard.topics()) {
            h.raw("<tr><td>").link(service(t.name()), t.name()).raw("</td>")
                    .tag("td", t.shared() ? "shared" : "service").tag("td", String.join(", ", t.subscribers()))
                    .raw("<td class=\"num\" data-depth=\"").text(t.name()).raw("\">").text(t.depth()).raw("</td>")
                    .tag("td class=\"num\"", t.dead()).raw("<td>");
            t.lastMsgId().ifPresentOrElse(id -> h.link(message(id), id), () -> h.text("-"));
            h.raw("</td>").tag("td", time(t.lastMsgAt())).tag("td class=\"preview\"", t.lastPreview().orElse("-"))
                    .raw("</tr>");
        }
        return h.raw("</tbody></table><p class=\"hint\">Depths refresh every 5 seconds.</p>");
    }

    Html browse(String name, boolean dead, Paging page, String csrf) {
        List<QueuedMessage> messages = dashboard.browse(name, dead, page);
        Html h = new Html().raw("<p class=\"tabs\">")
                .raw(dead ? "" : "<strong>").link(browse(name, false, null), "Pending").raw(dead ? "" : "</strong>")
                .raw(" · ")
                .raw(dead ? "<strong>" : "").link(browse(name, true, null), "Dead letters").raw(dead ? "</strong>" : "")
                .raw(" · ").link(service(name), "Charts and actions").raw("</p>");
        if (csrf == null) {
            // a viewer: no action
        } else if (dead) {
            h.raw("<p class=\"actions\">").button(BASE + "/retry-dead", "Retry all dead letters", csrf, "name", name)
                    .raw(" ").button(BASE + "/purge", "Purge dead letters…", csrf, "name", name, "dead", "true")
                    .raw("</p>");
        } else {
            h.raw("<p class=\"actions\">")
                    .button(BASE + "/purge", "Purge pending messages…", csrf, "name", name, "dead", "false").raw("</p>");
        }
        if (messages.isEmpty()) {
            h.raw("<p id=\"empty\">").text(dead ? "No dead letter here." : "No pending message here.").raw("</p>");
        } else {
            h.raw("<table id=\"messages\"><thead><tr><th>Message id</th><th>Subscriber</th><th class=\"num\">Prio</th>")
                    .raw("<th>Published</th><th class=\"num\">Attempts</th><th>")
                    .text(dead ? "Last error" : "Next attempt").raw("</th><th>Data</th>")
                    .raw(dead ? "<th></th>" : "").raw("</tr></thead><tbody>");
            for (QueuedMessage m : messages) {
                h.raw("<tr><td>").link(message(m.msgId()), m.msgId()).raw("</td>").tag("td", m.subscriber())
                        .tag("td class=\"num\"", m.priority()).tag("td", time(m.publishedAt()))
                        .tag("td class=\"num\"", m.attempts())
                        .tag("td class=\"preview\"", dead ? m.lastError().orElse("-") : time(m.nextAttemptAt()))
                        .tag("td class=\"preview\"", m.dataPreview());
                if (dead && csrf != null) {
                    h.raw("<td>").button(BASE + "/retry", "Retry", csrf, "msgId", m.msgId()).raw("</td>");
                }
                h.raw("</tr>");
            }
            h.raw("</tbody></table>");
        }
        h.raw("<p class=\"paging\">");
        if (page.offset() > 0) {
            h.link(browse(name, dead, page.previous()), "← Previous").raw(" ");
        }
        h.text("Messages " + (messages.isEmpty() ? 0 : page.offset() + 1) + " to " + (page.offset() + messages.size()));
        if (messages.size() == page.limit()) {
            h.raw(" ").raw("<a id=\"next\" href=\"").text(browse(name, dead, page.next())).raw("\">Next →</a>");
        }
        return h.raw("</p>");
    }

    Html message(String msgId, String csrf) {
        MessageDetails m = dashboard.message(msgId);
        Html h = new Html().raw("<table class=\"meta\" id=\"meta\"><tbody>");
        row(h, "Message id", m.msgId());
        h.raw("<tr><th>Topic</th><td>").link(browse(m.topic(), false, null), m.topic()).raw("</td></tr>");
        row(h, "Published", time(m.publishedAt()));
        row(h, "Expires", time(m.expiresAt()));
        row(h, "Priority", m.priority());
        row(h, "Mime type", m.mimeType());
        row(h, "Correlation id", m.correlationId());
        row(h, "In reply to", m.inReplyTo().orElse("-"));
        row(h, "External client id", m.extClientId().orElse("-"));
        row(h, "Publisher", m.publisher().orElse("-"));
        h.raw("</tbody></table><h2>Waiting for</h2><table id=\"deliveries\"><thead><tr><th>Subscriber</th>")
                .raw("<th>State</th><th class=\"num\">Attempts</th><th>Next attempt</th><th>Last error</th><th></th>")
                .raw("</tr></thead><tbody>");
        boolean anyDead = false;
        for (QueuedMessage q : m.deliveries()) {
            anyDead |= q.dead();
            h.raw("<tr><td>").link(browse(q.subscriber(), q.dead(), null), q.subscriber()).raw("</td>")
                    .raw("<td class=\"state\">").text(q.dead() ? "dead" : "pending").raw("</td>")
                    .tag("td class=\"num\"", q.attempts()).tag("td", q.dead() ? "-" : time(q.nextAttemptAt()))
                    .tag("td class=\"preview\"", q.lastError().orElse("-")).raw("</tr>");
        }
        h.raw("</tbody></table>");
        if (anyDead && csrf != null) {
            h.raw("<p class=\"actions\">").button(BASE + "/retry", "Retry", csrf, "msgId", m.msgId()).raw("</p>");
        }
        return h.raw("<h2>Data</h2><pre id=\"data\">").text(Json.writePretty(Json.read(m.data()))).raw("</pre>");
    }

    /** Shown when a message is no longer stored: delivered, purged, or never published. */
    static Html gone(String message) {
        return new Html().raw("<p id=\"gone\">").text(message).raw("</p>");
    }

    Html purgeConfirmation(String name, boolean dead, String csrf) {
        long count = dashboard.count(name, dead);
        String what = dead ? "dead letters" : "pending messages";
        return new Html().raw("<p class=\"warning\">").text("This deletes the " + count + " " + what + " of '" + name
                + "' for good.").raw("</p><p class=\"actions\">")
                .button(BASE + "/purge", "Delete them for good", csrf, "name", name, "dead", String.valueOf(dead),
                        "confirm", "yes")
                .raw(" ").link(browse(name, dead, null), "Cancel").raw("</p>");
    }

    private static void row(Html h, String field, Object value) {
        h.raw("<tr><th>").text(field).raw("</th>").tag("td", value).raw("</tr>");
    }

    static String browse(String name, boolean dead, Paging page) {
        return BASE + "/browse?name=" + param(name) + (dead ? "&dead=true" : "")
                + (page == null ? "" : "&offset=" + page.offset() + "&limit=" + page.limit());
    }

    static String service(String name) {
        return BASE + "/service?name=" + param(name);
    }

    static String message(String msgId) {
        return BASE + "/message?id=" + param(msgId);
    }
}
