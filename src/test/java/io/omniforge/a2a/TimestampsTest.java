package io.omniforge.a2a;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The direct timestamp writer and reader in {@link A2aJson} agree with the formatter and the JSR-310 reader they
 * stand in for, and leave every other shape to the latter.
 */
class TimestampsTest {

    private final ObjectMapper a2a = A2aJson.newMapper();
    /** What reading timestamps did before: the JSR-310 module alone. */
    private final ObjectMapper jsr310 = new ObjectMapper().registerModule(new JavaTimeModule());

    @Test
    void writesWhatTheFormatterWrites() {
        Random random = new Random(11);
        List<Instant> edges = List.of(Instant.EPOCH, Instant.ofEpochSecond(-1), Instant.ofEpochSecond(-62135596800L),
                Instant.ofEpochSecond(253402300799L, 999_999_999), Instant.ofEpochSecond(253402300800L),
                Instant.ofEpochSecond(-62135596801L), Instant.parse("2024-02-29T23:59:59.999999Z"),
                Instant.parse("2026-12-04T21:35:49.299Z"), Instant.parse("+10000-01-01T00:00:00Z"));
        for (Instant t : edges) {
            assertEquals(A2aJson.TIMESTAMP.format(t), A2aJson.format(t), t.toString());
        }
        for (int i = 0; i < 20_000; i++) {
            Instant t = Instant.ofEpochSecond(random.nextLong(-62135596800L, 253402300800L), random.nextInt(1_000_000_000));
            assertEquals(A2aJson.TIMESTAMP.format(t), A2aJson.format(t), t.toString());
        }
    }

    @Test
    void readsWhatTheJsr310ReaderReads() throws Exception {
        Random random = new Random(13);
        for (int i = 0; i < 20_000; i++) {
            Instant t = Instant.ofEpochSecond(random.nextLong(0, 253402300800L), random.nextInt(1_000_000_000));
            String text = t.toString(); // 0, 3, 6 or 9 digits of fraction
            int cut = random.nextInt(10);
            if (text.contains(".") && cut > 0) { // other lengths of fraction too
                String whole = text.substring(0, text.indexOf('.'));
                String fraction = (text.substring(text.indexOf('.') + 1, text.length() - 1) + "000000000").substring(0, cut);
                text = whole + "." + fraction + "Z";
            }
            assertEquals(Instant.parse(text), A2aJson.parseSimple(text), text);
            assertEquals(read(jsr310, text), read(a2a, text), text);
        }
    }

    @Test
    void leavesOtherShapesToTheJsr310Reader() throws Exception {
        for (String other : List.of("2026-12-04T21:35:49+01:00", "2026-12-04t21:35:49z", "2026-12-04T21:35:49.Z",
                "+12026-12-04T21:35:49Z", "2026-12-04T21:35:49.1234567890Z", "2026-12-04 21:35:49Z")) {
            assertNull(A2aJson.parseSimple(other), other);
        }
        // an offset is read as the JSR-310 reader reads it
        assertEquals(read(jsr310, "2026-12-04T21:35:49+01:00"), read(a2a, "2026-12-04T21:35:49+01:00"));
        // so is the end of a day, 24:00
        assertNull(A2aJson.parseSimple("2026-12-04T24:00:00Z"));
        assertEquals(read(jsr310, "2026-12-04T24:00:00Z"), read(a2a, "2026-12-04T24:00:00Z"));
        // an invalid date is refused as before, with the JSR-310 reader's error
        for (String invalid : List.of("2026-02-30T10:00:00Z", "2026-13-01T10:00:00Z", "2026-12-04T21:60:00Z",
                "2026-12-04T21:35:4xZ", "not a time")) {
            assertNull(A2aJson.parseSimple(invalid), invalid);
            assertThrows(InvalidFormatException.class, () -> read(jsr310, invalid), invalid);
            assertThrows(InvalidFormatException.class, () -> read(a2a, invalid), invalid);
        }
    }

    private static Instant read(ObjectMapper mapper, String text) throws Exception {
        return mapper.readValue("\"" + text + "\"", Instant.class);
    }
}
