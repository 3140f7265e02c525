package io.omniforge.store;

import java.security.SecureRandom;
import java.util.UUID;

/**
 * Identifiers for what the store keeps (threads, tasks): UUID version 7 (RFC 9562), whose first 48 bits are the time
 * in milliseconds and the other 74 are random. Ordered by time, a new id lands at the end of every index keyed by it,
 * so a commit of many new tasks touches a few pages at the tail of each index instead of one random page per task
 * and index (which, with random version 4 ids, was most of what each commit wrote to the write-ahead log). They are
 * as unguessable as any UUID needs to be here: every lookup also checks the tenant.
 */
public final class Ids {

    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {
    }

    /** A new time-ordered UUID (version 7), as text. */
    public static String timeOrdered() {
        return timeOrdered(System.currentTimeMillis()).toString();
    }

    static UUID timeOrdered(long epochMillis) {
        byte[] random = new byte[10];
        RANDOM.nextBytes(random);
        long high = (epochMillis & 0xFFFF_FFFF_FFFFL) << 16 // unix_ts_ms: 48 bits
                | 0x7000L // version 7
                | ((random[0] & 0x0FL) << 8) | (random[1] & 0xFFL); // rand_a: 12 bits
        long low = 0x8000_0000_0000_0000L // variant 10
                | ((random[2] & 0x3FL) << 56);
        for (int i = 3; i < 10; i++) {
            low |= (random[i] & 0xFFL) << (8 * (9 - i)); // rand_b: 62 bits in all
        }
        return new UUID(high, low);
    }
}
