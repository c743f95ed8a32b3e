package io.courier.shell;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/** How the commands show values: local times to the millisecond, empty values as "-", long text cut. */
final class Format {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS")
            .withZone(ZoneId.systemDefault());

    private Format() {
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
