package io.courier.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class PublishOptionsTest {

    @Test
    void defaultsArePriority5JsonAndNoOptionalValues() {
        PublishOptions o = PublishOptions.builder().build();
        assertEquals(5, o.priority());
        assertEquals("application/json", o.mimeType());
        assertEquals(Optional.empty(), o.expiration());
        assertEquals(Optional.empty(), o.correlationId());
        assertEquals(Optional.empty(), o.inReplyTo());
        assertEquals(Optional.empty(), o.extClientId());
        assertEquals(Optional.empty(), o.msgId());

        PublishOptions d = PublishOptions.defaults();
        assertEquals(5, d.priority());
        assertEquals("application/json", d.mimeType());
        assertTrue(d.msgId().isEmpty() && d.expiration().isEmpty() && d.correlationId().isEmpty());
    }

    @ParameterizedTest
    @ValueSource(ints = { 1, 2, 3, 4, 5, 6, 7, 8, 9 })
    void priorityFrom1To9IsAccepted(int priority) {
        assertEquals(priority, PublishOptions.builder().priority(priority).build().priority());
    }

    @ParameterizedTest
    @ValueSource(ints = { 0, 10, -1, 100 })
    void priorityOutside1To9IsRefusedNamingTheValue(int priority) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PublishOptions.builder().priority(priority));
        assertTrue(e.getMessage().contains("priority"), e.getMessage());
        assertTrue(Pattern.compile("(?<![0-9-])" + Pattern.quote(Integer.toString(priority)) + "(?![0-9])")
                .matcher(e.getMessage()).find(), "the message should name " + priority + ": " + e.getMessage());
    }

    @Test
    void positiveExpirationIsKeptAndNullMeansNever() {
        assertEquals(Optional.of(Duration.ofMillis(1)),
                PublishOptions.builder().expiration(Duration.ofMillis(1)).build().expiration());
        assertEquals(Optional.of(Duration.ofDays(3)),
                PublishOptions.builder().expiration(Duration.ofDays(3)).build().expiration());
        assertEquals(Optional.empty(),
                PublishOptions.builder().expiration(Duration.ofMinutes(1)).expiration(null).build().expiration());
    }

    @ParameterizedTest
    @ValueSource(longs = { 0, -1, -60_000 })
    void nonPositiveExpirationIsRefused(long millis) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PublishOptions.builder().expiration(Duration.ofMillis(millis)));
        assertTrue(e.getMessage().contains("expiration"), e.getMessage());
    }

    /** Every id-like option: its name as the error message should say it, and its setter. */
    static Stream<Arguments> idSetters() {
        return Stream.of(
                Arguments.of("correlation id", (BiFunction<PublishOptions.Builder, String, PublishOptions.Builder>)
                        PublishOptions.Builder::correlationId),
                Arguments.of("in-reply-to", (BiFunction<PublishOptions.Builder, String, PublishOptions.Builder>)
                        PublishOptions.Builder::inReplyTo),
                Arguments.of("external client id", (BiFunction<PublishOptions.Builder, String, PublishOptions.Builder>)
                        PublishOptions.Builder::extClientId),
                Arguments.of("message id", (BiFunction<PublishOptions.Builder, String, PublishOptions.Builder>)
                        PublishOptions.Builder::msgId));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("idSetters")
    void idsUpTo200PrintableCharactersAreAccepted(String what,
            BiFunction<PublishOptions.Builder, String, PublishOptions.Builder> setter) {
        for (String ok : new String[] { "a", "order-42", "with space and ünïcode", "x".repeat(200) }) {
            PublishOptions o = setter.apply(PublishOptions.builder(), ok).build();
            assertEquals(Optional.of(ok), idOf(what, o));
        }
        assertEquals(Optional.empty(), idOf(what, setter.apply(PublishOptions.builder(), null).build()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("idSetters")
    void blankTooLongOrControlCharacterIdsAreRefused(String what,
            BiFunction<PublishOptions.Builder, String, PublishOptions.Builder> setter) {
        for (String bad : new String[] { "", "   ", "\t", "x".repeat(201), "a\nb", "a\u0000", "\u007f", "a\rb" }) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> setter.apply(PublishOptions.builder(), bad), () -> what + " '" + bad + "' accepted");
            assertTrue(e.getMessage().startsWith(what), e.getMessage());
        }
    }

    private static Optional<String> idOf(String what, PublishOptions o) {
        return switch (what) {
        case "correlation id" -> o.correlationId();
        case "in-reply-to" -> o.inReplyTo();
        case "external client id" -> o.extClientId();
        case "message id" -> o.msgId();
        default -> throw new AssertionError(what);
        };
    }

    @ParameterizedTest
    @ValueSource(strings = { "text/plain", "application/json", "application/vnd.courier+json; charset=utf-8", "a/b" })
    void mimeTypesWithASlashAreAccepted(String mimeType) {
        assertEquals(mimeType, PublishOptions.builder().mimeType(mimeType).build().mimeType());
    }

    @ParameterizedTest
    @ValueSource(strings = { "json", "/json", "", "  ", "text" })
    void mimeTypesWithoutTypeSlashSubtypeAreRefused(String mimeType) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PublishOptions.builder().mimeType(mimeType));
        assertTrue(e.getMessage().contains("mime type"), e.getMessage());
        assertTrue(e.getMessage().contains("'" + mimeType + "'"), e.getMessage());
    }

    @Test
    void nullMimeTypeIsRefused() {
        assertThrows(NullPointerException.class, () -> PublishOptions.builder().mimeType(null));
    }

    @Test
    void aRefusedValueLeavesThePreviousOneInPlace() {
        PublishOptions.Builder b = PublishOptions.builder().priority(7).mimeType("text/plain");
        assertThrows(IllegalArgumentException.class, () -> b.priority(0));
        assertThrows(IllegalArgumentException.class, () -> b.mimeType("plain"));
        PublishOptions o = b.build();
        assertEquals(7, o.priority());
        assertEquals("text/plain", o.mimeType());
    }

    @Test
    void toBuilderRoundTripKeepsEveryValue() {
        PublishOptions original = PublishOptions.builder().priority(9).expiration(Duration.ofSeconds(30))
                .correlationId("corr-1").inReplyTo("msg-0").extClientId("client-7").mimeType("text/plain")
                .msgId("msg-1").build();

        PublishOptions copy = original.toBuilder().build();

        assertNotSame(original, copy);
        assertEquals(9, copy.priority());
        assertEquals(Optional.of(Duration.ofSeconds(30)), copy.expiration());
        assertEquals(Optional.of("corr-1"), copy.correlationId());
        assertEquals(Optional.of("msg-0"), copy.inReplyTo());
        assertEquals(Optional.of("client-7"), copy.extClientId());
        assertEquals("text/plain", copy.mimeType());
        assertEquals(Optional.of("msg-1"), copy.msgId());
        assertEquals(original.toString(), copy.toString());
    }

    @Test
    void changingACopyLeavesTheOriginalAlone() {
        PublishOptions original = PublishOptions.builder().priority(2).msgId("a").build();
        PublishOptions changed = original.toBuilder().priority(8).msgId("b").build();

        assertEquals(2, original.priority());
        assertEquals(Optional.of("a"), original.msgId());
        assertEquals(8, changed.priority());
        assertEquals(Optional.of("b"), changed.msgId());
        assertSame(PublishOptions.defaults(), PublishOptions.defaults());
        assertEquals(5, PublishOptions.defaults().toBuilder().build().priority());
    }
}
