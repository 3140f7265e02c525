package io.omniforge.a2a;

import java.util.List;

/** The {@code error} member of a JSON-RPC response; {@code data} holds ErrorInfo details. */
public record JsonRpcError(int code, String message, List<ErrorInfo> data) {

    public JsonRpcError {
        data = A2aJson.copy(data);
    }
}
