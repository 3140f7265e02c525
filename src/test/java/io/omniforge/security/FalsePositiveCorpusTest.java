package io.omniforge.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.omniforge.a2a.Message;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The false-positive corpus ({@code sanitizer/ordinary-text.txt}): prices, dates, times, order numbers, UUIDs, versions,
 * addresses, hashes, invalid phone and card numbers, ISBNs, and prose about passwords and tokens. The standard rules
 * find nothing in it; the trusted ones neither; the strict ones find only what strict adds (long numbers and
 * random-looking tokens), by design.
 */
class FalsePositiveCorpusTest {

    static List<String> corpus() throws IOException {
        try (InputStream in = FalsePositiveCorpusTest.class.getResourceAsStream("/sanitizer/ordinary-text.txt")) {
            List<String> lines = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    lines.add(line);
                }
            }
            return lines;
        }
    }

    private static List<String> findings(ContextSanitizer sanitizer, List<String> lines) {
        List<String> found = new ArrayList<>();
        for (String line : lines) {
            Sanitized s = sanitizer.sanitize(Message.user("m", line), "a", "b");
            if (s.redacted()) {
                found.add(s.counts() + " in: " + line + " -> " + s.message().text());
            }
        }
        return found;
    }

    @Test
    void ordinaryTextCrossesUntouched() throws IOException {
        List<String> lines = corpus();
        assertTrue(lines.size() >= 50, "the corpus has " + lines.size() + " lines");
        assertEquals(List.of(), findings(Sanitizers.of(Sanitizers.config(Trust.STANDARD)), lines));
        assertEquals(List.of(), findings(Sanitizers.of(Sanitizers.config(Trust.TRUSTED)), lines));
    }

    @Test
    void strictFindsOnlyWhatItAdds() throws IOException {
        List<String> lines = corpus();
        ContextSanitizer strict = Sanitizers.of(Sanitizers.config(Trust.STRICT));
        for (String line : lines) {
            Sanitized s = strict.sanitize(Message.user("m", line), "a", "b");
            assertTrue(Set.of("NUMBER", "RANDOM_TOKEN").containsAll(s.counts().keySet()), s.counts() + " in: " + line);
        }
    }
}
