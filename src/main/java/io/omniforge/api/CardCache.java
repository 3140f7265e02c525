package io.omniforge.api;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The validators of the cards one endpoint serves: a strong ETag (a digest of the card's bytes) and Last-Modified,
 * the moment those exact bytes were first served by this process. A card differs by version and by the base URL it
 * was built for, so a few variants are kept (at most {@link #MAX}, the oldest dropped first).
 */
final class CardCache {

    static final int MAX = 32;

    record Entry(String etag, Instant modified) {

        String lastModified() {
            return DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.ofInstant(modified, ZoneOffset.UTC));
        }

        /**
         * Whether a conditional GET may get 304: If-None-Match decides when present (RFC 9110 13.1.2), else
         * If-Modified-Since at or after Last-Modified.
         */
        boolean notModified(String ifNoneMatch, String ifModifiedSince) {
            if (ifNoneMatch != null) {
                for (String tag : ifNoneMatch.split(",")) {
                    String t = tag.trim();
                    if (t.equals("*") || t.equals(etag) || t.equals("W/" + etag)) {
                        return true;
                    }
                }
                return false;
            }
            if (ifModifiedSince != null) {
                try {
                    Instant since = ZonedDateTime.parse(ifModifiedSince.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                    return !modified.isAfter(since);
                } catch (DateTimeParseException e) {
                    return false;
                }
            }
            return false;
        }
    }

    private final Map<String, Entry> entries = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
            return size() > MAX;
        }
    };

    /** The validators of a card's bytes. */
    synchronized Entry entry(byte[] card) {
        String etag = "\"" + digest(card) + "\"";
        return entries.computeIfAbsent(etag, t -> new Entry(t, Instant.now().truncatedTo(ChronoUnit.SECONDS)));
    }

    private static String digest(byte[] bytes) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(bytes);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(d).substring(0, 22);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
