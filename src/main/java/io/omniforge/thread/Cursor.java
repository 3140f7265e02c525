package io.omniforge.thread;

import io.omniforge.a2a.A2aException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * An opaque keyset cursor for listings ordered by (updated_at DESC, id DESC): the last row's timestamp and id,
 * base64url-encoded. Opaque to clients; a token that does not decode is a -32602.
 */
public record Cursor(long updatedAt, String id) {

    public String encode() {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((updatedAt + ":" + id).getBytes(StandardCharsets.UTF_8));
    }

    public static Cursor decode(String token, String field) {
        try {
            String s = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            int colon = s.indexOf(':');
            return new Cursor(Long.parseLong(s.substring(0, colon)), s.substring(colon + 1));
        } catch (RuntimeException e) {
            throw A2aException.invalidParams(field + " is not a token this service issued: '" + token + "'");
        }
    }
}
