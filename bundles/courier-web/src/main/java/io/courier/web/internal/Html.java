package io.courier.web.internal;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/** Builds the dashboard's HTML: every value written through {@link #text} is escaped. */
final class Html {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS")
            .withZone(ZoneId.systemDefault());

    private final StringBuilder out = new StringBuilder(4096);

    /** Markup written as is: only constants and values already escaped. */
    Html raw(String markup) {
        out.append(markup);
        return this;
    }

    /** Text, escaped for element content and attribute values. */
    Html text(Object value) {
        out.append(escape(value == null ? "-" : String.valueOf(value)));
        return this;
    }

    /** An element with escaped text: {@code tag("td", value)}. */
    Html tag(String tag, Object value) {
        return raw("<" + tag + ">").text(value).raw("</" + tag.split(" ")[0] + ">");
    }

    /** A link with escaped text and address. */
    Html link(String href, Object value) {
        return raw("<a href=\"").text(href).raw("\">").text(value).raw("</a>");
    }

    /** A POST form of one button, with the session's CSRF token and hidden fields (name, value pairs). */
    Html button(String action, String label, String csrf, String... fields) {
        raw("<form class=\"inline\" method=\"post\" action=\"").text(action).raw("\">");
        hidden(Csrf.FIELD, csrf);
        for (int i = 0; i + 1 < fields.length; i += 2) {
            hidden(fields[i], fields[i + 1]);
        }
        return raw("<button type=\"submit\">").text(label).raw("</button></form>");
    }

    Html hidden(String name, String value) {
        return raw("<input type=\"hidden\" name=\"").text(name).raw("\" value=\"").text(value).raw("\">");
    }

    @Override
    public String toString() {
        return out.toString();
    }

    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /** A query parameter value, URL-encoded. */
    static String param(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    static String time(Instant t) {
        return t == null ? "-" : TIME.format(t);
    }

    static String time(Optional<Instant> t) {
        return time(t.orElse(null));
    }
}
