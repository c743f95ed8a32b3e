package io.courier.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class JsonTest {

    record Order(String id, int quantity, Instant placedAt, List<String> tags) {
    }

    @Test
    void mapsListsAndScalarsRoundTrip() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("name", "widget");
        value.put("count", 3);
        value.put("big", 12_345_678_901L);
        value.put("price", 9.75);
        value.put("ok", true);
        value.put("none", null);
        value.put("items", Arrays.asList(1, "two", 3.5, false, null, List.of(), Map.of("k", "v")));

        String json = Json.write(value);
        Object back = Json.read(json);

        assertEquals(value, back);
        assertEquals("{\"name\":\"widget\",\"count\":3,\"big\":12345678901,\"price\":9.75,\"ok\":true,\"none\":null,"
                + "\"items\":[1,\"two\",3.5,false,null,[],{\"k\":\"v\"}]}", json);
    }

    @Test
    void topLevelScalarsAndNullRoundTrip() {
        assertEquals("\"hi\"", Json.write("hi"));
        assertEquals("hi", Json.read("\"hi\""));
        assertEquals(42, Json.read(Json.write(42)));
        assertEquals(true, Json.read(Json.write(true)));
        assertEquals("null", Json.write(null));
        assertNull(Json.read("null"));
        assertEquals(List.of(1, 2, 3), Json.read(Json.write(new int[] { 1, 2, 3 })));
    }

    @Test
    void recordsRoundTripWithTheirFieldNames() {
        Order order = new Order("o-1", 2, Instant.parse("2024-05-01T10:15:30.123Z"), List.of("new", "rush"));

        String json = Json.write(order);

        assertEquals("{\"id\":\"o-1\",\"quantity\":2,\"placedAt\":\"2024-05-01T10:15:30.123Z\",\"tags\":[\"new\",\"rush\"]}",
                json);
        assertEquals(order, Json.read(json, Order.class));
    }

    @Test
    void instantsAreWrittenAsIsoText() {
        Instant at = Instant.parse("2024-02-29T23:59:59Z");
        assertEquals("{\"at\":\"2024-02-29T23:59:59Z\"}", Json.write(Map.of("at", at)));
        assertEquals("2024-02-29T23:59:59Z", Json.read(Json.write(Map.of("at", at)), Map.class).get("at"));
    }

    @Test
    void optionalsAreWrittenAsTheirValueOrNull() {
        assertEquals("{\"a\":\"x\"}", Json.write(Map.of("a", Optional.of("x"))));
        assertEquals("{\"a\":null}", Json.write(Map.of("a", Optional.empty())));
    }

    @Test
    void invalidJsonGivesIllegalArgumentWithLineAndColumn() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Json.read("{\n  \"a\": 1,\n  \"b\": ]\n}"));
        assertTrue(e.getMessage().startsWith("not valid JSON"), e.getMessage());
        assertTrue(e.getMessage().contains("line 3, column 8"), e.getMessage());

        IllegalArgumentException e2 = assertThrows(IllegalArgumentException.class, () -> Json.read("{\"a\": tru}"));
        assertTrue(e2.getMessage().matches("(?s).*line 1, column \\d+.*"), e2.getMessage());
    }

    @Test
    void textNestedTooDeepIsRefusedInOneLineWithoutALocation() {
        assertEquals(List.of(List.of(List.of())), Json.read("[[[]]]"));
        Object deepest = Json.read("[".repeat(1000) + "]".repeat(1000));
        assertTrue(deepest instanceof List, "1000 levels are read");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.read("[".repeat(100_000)));
        assertEquals("not valid JSON: Document nesting depth (1001) exceeds the maximum allowed (1000)", e.getMessage());
    }

    @Test
    void everyParseFailureIsOneLineStartingTheSameWay() {
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("{\"a\":1} x", "Unrecognized token 'x'");
        expected.put("{\"a\":1}}", "Unexpected close marker '}'");
        expected.put("{\"a\":1} {}", "Trailing token (of type START_OBJECT) found after value at line 1, column 9");
        expected.put("\"abc", "Unexpected end-of-input");
        expected.put("", "No content to map due to end-of-input at line 1");
        expected.put("1".repeat(2000), "Number value length (2000) exceeds the maximum allowed (1000)");
        expected.put("{\"a\":\"x\u0001y\"}", "Illegal unquoted character");
        for (Map.Entry<String, String> c : expected.entrySet()) {
            String text = c.getKey().length() > 20 ? c.getKey().substring(0, 20) + "..." : c.getKey();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.read(c.getKey()), text);
            assertTrue(e.getMessage().startsWith("not valid JSON: " + c.getValue()), text + " gave: " + e.getMessage());
            assertEquals(1, e.getMessage().lines().count(), text + " gave: " + e.getMessage());
            assertTrue(!e.getMessage().contains("`") && !e.getMessage().contains("Source:"),
                    text + " names Jackson's internals: " + e.getMessage());
        }
    }

    @Test
    void readingAsATypeRefusesTrailingTextToo() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Json.read("{\"id\":\"o-1\"} {}", Order.class));
        assertTrue(e.getMessage().startsWith("cannot read JSON as " + Order.class.getName() + ": "), e.getMessage());
        assertTrue(e.getMessage().contains("line 1, column"), e.getMessage());
    }

    @Test
    void readingAsATypeThatDoesNotFitNamesTheType() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Json.read("{\"quantity\":\"many\"}", Order.class));
        assertTrue(e.getMessage().contains(Order.class.getName()), e.getMessage());
    }

    @Test
    void convertMapsAMapToARecordIgnoringUnknownProperties() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("id", "o-9");
        map.put("quantity", 5);
        map.put("placedAt", "2024-05-01T00:00:00Z");
        map.put("tags", new ArrayList<>(List.of("a")));
        map.put("somethingNew", "ignored");

        Order order = Json.convert(map, Order.class);

        assertEquals(new Order("o-9", 5, Instant.parse("2024-05-01T00:00:00Z"), List.of("a")), order);
    }

    @Test
    void convertReturnsAValueOfTheRightTypeAsIs() {
        Order order = new Order("o", 1, null, List.of());
        assertSame(order, Json.convert(order, Order.class));
        assertNull(Json.convert(null, Order.class));
        assertEquals(Map.of("id", "o", "quantity", 1, "tags", List.of()),
                withoutNulls(Json.convert(order, Map.class)));
    }

    @Test
    void convertOfAnIncompatibleValueGivesIllegalArgument() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Json.convert(Map.of("quantity", "lots"), Order.class));
        assertTrue(e.getMessage().contains(Order.class.getName()), e.getMessage());
    }

    @Test
    void aValueJacksonCannotWriteGivesIllegalArgument() {
        assertThrows(IllegalArgumentException.class, () -> Json.write(new Object()));
        assertThrows(IllegalArgumentException.class, () -> Json.write(Map.of("nested", new Object())));
        assertThrows(IllegalArgumentException.class, () -> Json.writePretty(new Object()));
    }

    @Test
    void prettyOutputIsTheSameDataIndented() {
        Map<String, Object> value = Map.of("a", List.of(1, 2));
        String pretty = Json.writePretty(value);
        assertTrue(pretty.contains("\n"), pretty);
        assertEquals(Json.read(Json.write(value)), Json.read(pretty));
    }

    private static Map<?, ?> withoutNulls(Map<?, ?> m) {
        Map<Object, Object> copy = new LinkedHashMap<>(m);
        copy.values().removeIf(v -> v == null);
        return copy;
    }
}
