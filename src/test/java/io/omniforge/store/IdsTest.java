package io.omniforge.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class IdsTest {

    @Test
    void anIdIsAVersion7UuidThatCarriesItsMillisecond() {
        long now = 1_764_000_000_123L;
        UUID id = Ids.timeOrdered(now);
        assertEquals(7, id.version());
        assertEquals(2, id.variant(), "the RFC 9562 variant");
        assertEquals(now, id.getMostSignificantBits() >>> 16, "the first 48 bits are the time in milliseconds");
        assertEquals(id, UUID.fromString(id.toString()));
    }

    @Test
    void idsSortAsTextInTheOrderOfTheirMilliseconds() {
        String earlier = Ids.timeOrdered(1_764_000_000_123L).toString();
        String later = Ids.timeOrdered(1_764_000_000_124L).toString();
        String muchLater = Ids.timeOrdered(1_900_000_000_000L).toString();
        assertTrue(earlier.compareTo(later) < 0, earlier + " < " + later);
        assertTrue(later.compareTo(muchLater) < 0, later + " < " + muchLater);
    }

    @Test
    void idsOfTheSameMillisecondDiffer() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            assertTrue(seen.add(Ids.timeOrdered(1_764_000_000_123L).toString()), "a repeated id");
        }
        assertNotEquals(Ids.timeOrdered(), Ids.timeOrdered());
    }
}
