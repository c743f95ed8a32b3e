package io.courier.shell;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

import io.courier.core.Json;

/** How the commands show values: local times to the millisecond, empty values as "-", long text cut. */
final class Format {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS")
            .withZone(ZoneId.systemDefault());

    private Format() {
    }

    /**
     * Parses a JSON argument.
     *
     * @throws IllegalArgumentException naming the argument and showing how to quote it
     */
    static Object json(String what, String text) {
        try {
            return Json.read(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("The " + what + " is " + e.getMessage()
                    + "; quote it, for example '{\"a\":1}'");
        }
    }

    static String time(Instant t) {
        return t == null ? "-" : TIME.format(t);
    }

    static String time(Optional<Instant> t) {
        return t.map(Format::time).orElse("-");
    }

    static String text(Optional<String> s, int max) {
        return s.map(v -> cut(v, max)).orElse("-");
    }

    static String cut(String s, int max) {
        String oneLine = s.replaceAll("\\s+", " ").trim();
        return oneLine.length() <= max ? oneLine : oneLine.substring(0, max - 1) + "…";
    }
}
