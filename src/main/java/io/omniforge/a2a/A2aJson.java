package io.omniforge.a2a;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one place where the A2A JSON conventions are set: unknown fields ignored on read, nulls omitted on
 * write, timestamps as ISO-8601 UTC with milliseconds. Quarkus' own mapper gets the same settings through
 * {@code A2aObjectMapperCustomizer}; code outside CDI (tests, tools) uses {@link #newMapper()}.
 */
public final class A2aJson {

    /** {@code YYYY-MM-DDTHH:mm:ss.sssZ}, as the specification's section 5.6.1 asks. */
    public static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private A2aJson() {
    }

    public static ObjectMapper newMapper() {
        return configure(new ObjectMapper());
    }

    public static ObjectMapper configure(ObjectMapper mapper) {
        SimpleModule timestamps = new SimpleModule("a2a-timestamps");
        timestamps.addSerializer(Instant.class, new InstantSerializer());
        return mapper.registerModule(new JavaTimeModule())
                .registerModule(timestamps)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .setSerializationInclusion(JsonInclude.Include.NON_NULL);
    }

    public static String format(Instant instant) {
        return TIMESTAMP.format(instant);
    }

    /** An immutable copy of a list read from JSON, keeping absent (null) apart from empty. */
    static <T> List<T> copy(List<T> list) {
        return list == null ? null : List.copyOf(list);
    }

    /** An immutable copy of a JSON object map; unlike {@link Map#copyOf} it allows null values. */
    static <V> Map<String, V> copy(Map<String, V> map) {
        return map == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }

    private static final class InstantSerializer extends StdSerializer<Instant> {
        InstantSerializer() {
            super(Instant.class);
        }

        @Override
        public void serialize(Instant value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            gen.writeString(TIMESTAMP.format(value));
        }
    }
}
