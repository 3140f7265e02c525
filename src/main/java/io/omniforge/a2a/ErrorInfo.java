package io.omniforge.a2a;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/** A {@code google.rpc.ErrorInfo} detail, as carried in {@code error.data[]}. */
public record ErrorInfo(
        @JsonProperty("@type") String type,
        String reason,
        String domain,
        Map<String, String> metadata) {

    public static final String TYPE = "type.googleapis.com/google.rpc.ErrorInfo";

    public static ErrorInfo of(String reason, Map<String, String> metadata) {
        return new ErrorInfo(TYPE, reason, A2aError.DOMAIN, metadata);
    }
}
