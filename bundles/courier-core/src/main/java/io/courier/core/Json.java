package io.courier.core;

import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/** The one JSON mapping Courier uses: message data, payload conversion, shell input and output. */
public final class Json {

    /** The deepest nesting of arrays and objects read (Jackson's default, made explicit): deeper text is refused. */
    private static final int MAX_NESTING_DEPTH = 1000;

    /** Jackson's pointers to its own settings and to the redacted source, which mean nothing to a Courier user. */
    private static final Pattern JACKSON_DETAILS = Pattern.compile(",? from `[^`]*`| \\(bound as `[^`]*`\\)"
            + "|:? not allowed as per `[^`]*`| \\(for root starting at \\[Source: [^\\]]*\\]\\)");

    private static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build())
            .build())
            .addModule(new Jdk8Module())
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            // "{} x" is not JSON: without this, Jackson reads the first value and ignores the rest
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private static final ObjectMapper PRETTY = MAPPER.copy().enable(SerializationFeature.INDENT_OUTPUT);

    private Json() {
    }

    /**
     * Writes a value as JSON.
     *
     * @throws IllegalArgumentException if the value cannot be written as JSON, with Jackson's reason
     */
    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e.getOriginalMessage(), e);
        }
    }

    /** Writes a value as indented JSON, for people. */
    public static String writePretty(Object value) {
        try {
            return PRETTY.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e.getOriginalMessage(), e);
        }
    }

    /**
     * Reads JSON text into maps, lists, strings, numbers, booleans and nulls: one value, nested at most
     * 1000 deep, and nothing after it.
     *
     * @throws IllegalArgumentException if the text is not such JSON: one line, starting "not valid JSON: ", with the
     *                                  reason and, when the parser knows it, the line and column of the problem
     */
    public static Object read(String json) {
        try {
            return MAPPER.readValue(json, Object.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not valid JSON: " + problem(e), e);
        }
    }

    /**
     * Reads JSON text as a type.
     *
     * @throws IllegalArgumentException if the text is not JSON or does not map to that type, in one line
     */
    public static <T> T read(String json, Class<T> type) {
        try {
            return MAPPER.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot read JSON as " + type.getName() + ": " + problem(e), e);
        }
    }

    /**
     * Why Jackson refused the text, in one line, with the line and column if it has them: a refusal by
     * {@link StreamReadConstraints} (too deep, a number too long) has no location.
     */
    private static String problem(JsonProcessingException e) {
        String reason = JACKSON_DETAILS.matcher(String.valueOf(e.getOriginalMessage())).replaceAll("")
                .replaceAll("\\s*\\R\\s*", " ");
        JsonLocation at = e.getLocation();
        if (at == null || at.getLineNr() < 1) {
            return reason;
        }
        return reason + " at line " + at.getLineNr() + (at.getColumnNr() < 1 ? "" : ", column " + at.getColumnNr());
    }

    /**
     * Converts a value to a type: returns it as is if it already has that type, maps it through JSON otherwise.
     *
     * @throws IllegalArgumentException if the value does not map to that type
     */
    public static <T> T convert(Object value, Class<T> type) {
        if (value == null || type.isInstance(value)) {
            return type.cast(value);
        }
        try {
            return MAPPER.convertValue(value, type);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot convert " + value.getClass().getName() + " to "
                    + type.getName() + ": " + e.getMessage(), e);
        }
    }
}
