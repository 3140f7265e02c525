package io.omniforge.security;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.omniforge.a2a.A2aError;
import io.omniforge.a2a.A2aException;
import io.omniforge.a2a.Message;
import io.omniforge.a2a.Part;
import io.omniforge.a2a.SendMessageRequest;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;

/**
 * The limits of what one request may carry ({@code omniforge.limits.*}): how deep its JSON nests, checked while the
 * body is parsed, and, for a message, how many parts it has, how large each part is and how large its metadata is.
 * A request over a limit is refused whole, with an error that names the field, the limit and its key, and the value
 * found; the ErrorInfo metadata has them too ({@code field}, {@code limit}, {@code max}, {@code actual}).
 */
@ApplicationScoped
public class InputLimits {

    private final LimitsConfig config;
    private final ObjectMapper mapper;
    private final JsonFactory requests;

    public InputLimits(LimitsConfig config, ObjectMapper mapper) {
        this.config = config;
        this.mapper = mapper;
        // A factory of its own: the nesting limit is for what clients send, not for what the service reads back.
        this.requests = mapper.getFactory().copy().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(config.maxDepth()).build());
    }

    /**
     * Parses a request body within {@code omniforge.limits.max-depth}.
     *
     * @throws IOException when the body is not JSON (the caller says so in its own words)
     * @throws A2aException -32600 when the JSON nests deeper than the limit
     */
    public JsonNode readTree(byte[] body) throws IOException {
        JsonParser parser = requests.createParser(body);
        try (parser) {
            return mapper.readTree(parser);
        } catch (StreamConstraintsException e) {
            if (parser.getParsingContext().getNestingDepth() > config.maxDepth()) {
                throw refused(A2aError.INVALID_REQUEST, "the request body", "max-depth", config.maxDepth(),
                        "more than " + config.maxDepth(), "levels of nested JSON objects and arrays");
            }
            throw new A2aException(A2aError.INVALID_REQUEST, "the request body exceeds a JSON limit: " + e.getOriginalMessage());
        }
    }

    /**
     * Checks a SendMessage request: its message's parts and metadata, and the request's metadata.
     *
     * @param prefix how the caller names the request's fields ({@code "params."} on JSON-RPC, {@code ""} on REST)
     * @return the request, unchanged
     * @throws A2aException -32602 naming the first limit exceeded
     */
    /**
     * Refuses a string holding U+0000 anywhere in {@code node} (-32602 naming the field): no store can keep one
     * (PostgreSQL's text and jsonb refuse it), and nothing in A2A needs it.
     *
     * @param path where {@code node} is, for the message: {@code "params"}, or {@code ""} for a whole body
     */
    public static void storable(com.fasterxml.jackson.databind.JsonNode node, String path) {
        if (node == null) {
            return;
        }
        if (node.isTextual()) {
            if (node.asText().indexOf('\u0000') >= 0) {
                throw io.omniforge.a2a.A2aException.invalidParams("Invalid parameters: " + (path.isEmpty() ? "the body" : path)
                        + " holds the character U+0000 (NUL), which no string may hold");
            }
            return;
        }
        if (node.isObject()) {
            var fields = node.fields();
            while (fields.hasNext()) {
                var field = fields.next();
                if (field.getKey().indexOf('\u0000') >= 0) {
                    throw io.omniforge.a2a.A2aException.invalidParams("Invalid parameters: a field name in "
                            + (path.isEmpty() ? "the body" : path) + " holds the character U+0000 (NUL)");
                }
                storable(field.getValue(), path.isEmpty() ? field.getKey() : path + "." + field.getKey());
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                storable(node.get(i), path + "[" + i + "]");
            }
        }
    }

    public SendMessageRequest check(SendMessageRequest request, String prefix) {
        check(request.message(), prefix + "message");
        metadata(request.metadata(), prefix + "metadata");
        return request;
    }

    private void check(Message message, String field) {
        List<Part> parts = message.parts();
        if (parts.size() > config.maxParts()) {
            throw refused(A2aError.INVALID_PARAMS, field + ".parts", "max-parts", config.maxParts(),
                    String.valueOf(parts.size()), "parts");
        }
        for (int i = 0; i < parts.size(); i++) {
            Part part = parts.get(i);
            String at = field + ".parts[" + i + "]";
            long size = partBytes(part);
            if (size > config.maxPartBytes()) {
                throw refused(A2aError.INVALID_PARAMS, at + "." + content(part), "max-part-bytes", config.maxPartBytes(),
                        String.valueOf(size), "bytes");
            }
            metadata(part.metadata(), at + ".metadata");
        }
        metadata(message.metadata(), field + ".metadata");
    }

    private void metadata(Map<String, Object> metadata, String field) {
        if (metadata == null) {
            return;
        }
        long size = jsonBytes(metadata);
        if (size > config.maxMetadataBytes()) {
            throw refused(A2aError.INVALID_PARAMS, field, "max-metadata-bytes", config.maxMetadataBytes(),
                    String.valueOf(size), "bytes of JSON");
        }
    }

    /** A part's size: a text's or URL's UTF-8 bytes, a file's decoded bytes, a data part's JSON bytes. */
    private long partBytes(Part part) {
        if (part.text() != null) {
            return utf8Bytes(part.text());
        }
        if (part.raw() != null) {
            return decodedBase64Bytes(part.raw());
        }
        if (part.url() != null) {
            return utf8Bytes(part.url());
        }
        return jsonBytes(part.data());
    }

    private static String content(Part part) {
        return part.text() != null ? "text" : part.raw() != null ? "raw" : part.url() != null ? "url" : "data";
    }

    /** The UTF-8 length of a string, without encoding it. */
    static long utf8Bytes(String s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n += 1;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    /** The number of bytes a valid base64 string (the model checked it) decodes to. */
    static long decodedBase64Bytes(String base64) {
        int len = base64.length();
        int padding = base64.endsWith("==") ? 2 : base64.endsWith("=") ? 1 : 0;
        return (long) len * 3 / 4 - padding;
    }

    /** The size of a value as JSON, counted as it is written rather than kept. */
    private long jsonBytes(Object value) {
        long[] count = new long[1];
        OutputStream counter = new OutputStream() {
            @Override
            public void write(int b) {
                count[0]++;
            }

            @Override
            public void write(byte[] b, int off, int len) {
                count[0] += len;
            }
        };
        try {
            mapper.writeValue(counter, value);
        } catch (IOException e) {
            throw new IllegalStateException("cannot measure a JSON value", e);
        }
        return count[0];
    }

    private static A2aException refused(A2aError error, String field, String key, int max, String actual, String unit) {
        String limit = "omniforge.limits." + key;
        return new A2aException(error, field + " has " + actual + " " + unit + "; the limit is " + max + " (" + limit + ")",
                Map.of("field", field, "limit", limit, "max", String.valueOf(max), "actual", actual), null);
    }
}
