package io.omniforge.a2a;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * One piece of content: exactly one of {@code text}, {@code raw} (base64 bytes), {@code url} or {@code data}
 * (any JSON), with optional media type, file name and metadata.
 */
public record Part(
        String text,
        String raw,
        String url,
        JsonNode data,
        String mediaType,
        String filename,
        Map<String, Object> metadata) {

    public Part {
        if (data != null && (data.isNull() || data.isMissingNode())) {
            data = null;
        }
        List<String> present = new ArrayList<>(1);
        if (text != null) {
            present.add("text");
        }
        if (raw != null) {
            present.add("raw");
        }
        if (url != null) {
            present.add("url");
        }
        if (data != null) {
            present.add("data");
        }
        if (present.size() != 1) {
            throw new IllegalArgumentException("a part must have exactly one of text, raw, url or data, "
                    + (present.isEmpty() ? "found none" : "found " + String.join(" and ", present)));
        }
        if (raw != null) {
            try {
                Base64.getDecoder().decode(raw);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("part.raw must be base64: " + e.getMessage());
            }
        }
        metadata = A2aJson.copy(metadata);
    }

    public static Part text(String text) {
        return new Part(text, null, null, null, null, null, null);
    }

    public static Part text(String text, String mediaType) {
        return new Part(text, null, null, null, mediaType, null, null);
    }

    public static Part data(JsonNode data) {
        return new Part(null, null, null, data, "application/json", null, null);
    }

    public Part withMetadata(Map<String, Object> newMetadata) {
        return new Part(text, raw, url, data, mediaType, filename, newMetadata);
    }
}
