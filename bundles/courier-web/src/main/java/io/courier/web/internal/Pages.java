package io.courier.web.internal;

import static io.courier.web.internal.Html.param;
import static io.courier.web.internal.Html.time;

import java.util.List;

import io.courier.core.Json;
import io.courier.pubsub.MessageDetails;
import io.courier.pubsub.QueuedMessage;
import io.courier.pubsub.ServiceInfo;
import io.courier.pubsub.TopicInfo;

/** The dashboard's pages: plain server-rendered HTML; the topics page polls the API for its depth chart. */
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
        h.raw("<link rel=\"stylesheet\" href=\"" + BASE + "/static/courier.css\">")
                .raw("<script src=\"" + BASE + "/static/courier.js\" defer></script></head><body><header>")
                .raw("<span class=\"brand\">Courier</span>");
        if (user != null) {
            h.raw("<nav><a href=\"" + BASE + "/services\">Services</a><a href=\"" + BASE + "/topics\">Topics</a></nav>")
                    .raw("<span class=\"user\">").text(user.name()).raw("</span>")
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

    Html services() {
        Html h = new Html().raw("<table id=\"services\"><thead><tr><th>Name</th><th>Bundle</th><th>State</th>")
                .raw("<th class=\"num\">Depth</th><th class=\"num\">Dead</th><th class=\"num\">Delivered</th>")
                .raw("<th>Last delivery</th><th>Nodes</th></tr></thead><tbody>");
        for (ServiceInfo s : dashboard.services()) {
            h.raw("<tr><td>").link(browse(s.name(), false, null), s.name()).raw("</td>")
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
                .raw("<th class=\"num\">Depth</th><th>Depth, live</th><th class=\"num\">Dead</th><th>Last message</th>")
                .raw("<th>Published</th><th>Data</th></tr></thead><tbody>");
        for (TopicInfo t : dashboard.topics()) {
            h.raw("<tr><td>").link(browse(t.name(), false, null), t.name()).raw("</td>")
                    .tag("td", t.shared() ? "shared" : "service").tag("td", String.join(", ", t.subscribers()))
                    .raw("<td class=\"num\" data-depth=\"").text(t.name()).raw("\">").text(t.depth()).raw("</td>")
                    .raw("<td><svg class=\"spark\" width=\"120\" height=\"24\" data-spark=\"").text(t.name())
                    .raw("\"></svg></td>")
                    .tag("td class=\"num\"", t.dead()).raw("<td>");
            t.lastMsgId().ifPresentOrElse(id -> h.link(message(id), id), () -> h.text("-"));
            h.raw("</td>").tag("td", time(t.lastMsgAt())).tag("td class=\"preview\"", t.lastPreview().orElse("-"))
                    .raw("</tr>");
        }
        return h.raw("</tbody></table><p class=\"hint\">Depths refresh every 2 seconds.</p>");
    }

    Html browse(String name, boolean dead, Paging page, String csrf) {
        List<QueuedMessage> messages = dashboard.browse(name, dead, page);
        Html h = new Html().raw("<p class=\"tabs\">")
                .raw(dead ? "" : "<strong>").link(browse(name, false, null), "Pending").raw(dead ? "" : "</strong>")
                .raw(" · ")
                .raw(dead ? "<strong>" : "").link(browse(name, true, null), "Dead letters").raw(dead ? "</strong>" : "")
                .raw("</p>");
        if (dead) {
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
                if (dead) {
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
        if (anyDead) {
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

    static String message(String msgId) {
        return BASE + "/message?id=" + param(msgId);
    }
}
