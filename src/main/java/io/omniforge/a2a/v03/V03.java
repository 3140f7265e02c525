package io.omniforge.a2a.v03;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.omniforge.a2a.A2aMethod;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The one translation between A2A 0.3 and 1.0 wire objects, on JSON trees, both ways: a 0.3 client's requests are
 * read as 1.0 ({@code to10}) and the answers written back as 0.3 ({@code to03}); a 0.3 agent gets 1.0 requests written
 * as 0.3 and its answers read as 1.0. Everything inside the gateway stays 1.0.
 *
 * <p>What differs (see docs/API.md, "A2A 0.3"): method names; {@code kind}-tagged objects and parts against 1.0's
 * field-presence; {@code file} parts ({@code bytes}/{@code uri}, {@code mimeType}, {@code name}) against {@code raw}/
 * {@code url}, {@code mediaType}, {@code filename}; lowercase states and roles against {@code TASK_STATE_*},
 * {@code ROLE_*}; results unwrapped against wrapped by name ({@code {"task":...}}); {@code final} on a status update;
 * {@code blocking} against {@code returnImmediately}; the card's {@code url}/{@code preferredTransport}/
 * {@code additionalInterfaces} against {@code supportedInterfaces}, and OpenAPI-style security schemes against 1.0's
 * wrapped ones.
 *
 * <p>Reading is lenient where the meaning is clear (real agents are not exact: a missing {@code kind} is inferred from
 * the fields present, proto-style enums such as {@code TASK_STATE_WORKING} are accepted, a missing {@code append} is
 * absent); where it is not, an {@link IllegalArgumentException} names the field, which the caller turns into -32602
 * (a client's request) or -32006 (an agent's answer). Input trees are never modified.
 */
public final class V03 {

    /** The version a 0.3 card states, and the Major.Minor this class speaks. */
    public static final String CARD_VERSION = "0.3.0";
    public static final String VERSION = "0.3";

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private static final Map<String, A2aMethod> METHODS = Map.ofEntries(
            Map.entry("message/send", A2aMethod.SEND_MESSAGE),
            Map.entry("message/stream", A2aMethod.SEND_STREAMING_MESSAGE),
            Map.entry("tasks/get", A2aMethod.GET_TASK),
            Map.entry("tasks/cancel", A2aMethod.CANCEL_TASK),
            Map.entry("tasks/resubscribe", A2aMethod.SUBSCRIBE_TO_TASK),
            Map.entry("tasks/pushNotificationConfig/set", A2aMethod.CREATE_PUSH_CONFIG),
            Map.entry("tasks/pushNotificationConfig/get", A2aMethod.GET_PUSH_CONFIG),
            Map.entry("tasks/pushNotificationConfig/list", A2aMethod.LIST_PUSH_CONFIGS),
            Map.entry("tasks/pushNotificationConfig/delete", A2aMethod.DELETE_PUSH_CONFIG),
            Map.entry("agent/getAuthenticatedExtendedCard", A2aMethod.GET_EXTENDED_AGENT_CARD));

    private V03() {
    }

    // ----- methods

    /** The 1.0 operation a 0.3 method name stands for; empty for a name 0.3 does not have. */
    public static Optional<A2aMethod> method(String name) {
        return Optional.ofNullable(METHODS.get(name));
    }

    /** The 0.3 name of a 1.0 operation; empty for ListTasks, which 0.3 does not have. */
    public static Optional<String> methodName(A2aMethod method) {
        return METHODS.entrySet().stream().filter(e -> e.getValue() == method).map(Map.Entry::getKey).findFirst();
    }

    // ----- requests (params)

    /** The 0.3 params of a method as the 1.0 request the gateway binds. */
    public static JsonNode paramsTo10(A2aMethod method, JsonNode params) {
        ObjectNode p = params == null || params.isNull() ? F.objectNode() : object(params, "params");
        return switch (method) {
            case SEND_MESSAGE, SEND_STREAMING_MESSAGE -> sendParamsTo10(p);
            case GET_TASK -> copy(p, "id", "historyLength");
            case CANCEL_TASK -> copy(p, "id", "metadata");
            case SUBSCRIBE_TO_TASK -> copy(p, "id");
            case CREATE_PUSH_CONFIG -> pushConfigTo10(p);
            case GET_PUSH_CONFIG, DELETE_PUSH_CONFIG -> {
                ObjectNode out = F.objectNode();
                putIf(out, "taskId", p.get("id"));
                putIf(out, "id", p.get("pushNotificationConfigId"));
                yield out;
            }
            case LIST_PUSH_CONFIGS -> {
                ObjectNode out = F.objectNode();
                putIf(out, "taskId", p.get("id"));
                yield out;
            }
            case GET_EXTENDED_AGENT_CARD, LIST_TASKS -> F.objectNode();
        };
    }

    /** A 1.0 request as the params of its 0.3 method (for a 0.3 agent). */
    public static JsonNode paramsTo03(A2aMethod method, JsonNode params) {
        ObjectNode p = object(params, "params");
        return switch (method) {
            case SEND_MESSAGE, SEND_STREAMING_MESSAGE -> sendParamsTo03(p);
            case GET_TASK -> copy(p, "id", "historyLength");
            case CANCEL_TASK -> copy(p, "id", "metadata");
            case SUBSCRIBE_TO_TASK -> copy(p, "id");
            case CREATE_PUSH_CONFIG -> pushConfigTo03(p);
            case GET_PUSH_CONFIG, DELETE_PUSH_CONFIG -> {
                ObjectNode out = F.objectNode();
                putIf(out, "id", p.get("taskId"));
                putIf(out, "pushNotificationConfigId", p.get("id"));
                yield out;
            }
            case LIST_PUSH_CONFIGS -> {
                ObjectNode out = F.objectNode();
                putIf(out, "id", p.get("taskId"));
                yield out;
            }
            case GET_EXTENDED_AGENT_CARD, LIST_TASKS -> F.objectNode();
        };
    }

    private static ObjectNode sendParamsTo10(ObjectNode p) {
        ObjectNode out = F.objectNode();
        if (p.has("message")) {
            out.set("message", messageTo10(p.get("message"), "params.message"));
        }
        JsonNode config = p.get("configuration");
        if (config != null && !config.isNull()) {
            ObjectNode c = object(config, "params.configuration");
            ObjectNode o = F.objectNode();
            putIf(o, "acceptedOutputModes", c.get("acceptedOutputModes"));
            putIf(o, "historyLength", c.get("historyLength"));
            JsonNode blocking = c.get("blocking");
            if (blocking != null && blocking.isBoolean() && !blocking.booleanValue()) {
                o.put("returnImmediately", true);
            } else if (blocking != null && !blocking.isNull() && !blocking.isBoolean()) {
                throw new IllegalArgumentException("params.configuration.blocking: expected a boolean");
            }
            JsonNode push = c.get("pushNotificationConfig");
            if (push != null && !push.isNull()) {
                o.set("taskPushNotificationConfig", pushNotificationConfigTo10(object(push,
                        "params.configuration.pushNotificationConfig"), null));
            }
            out.set("configuration", o);
        }
        putIf(out, "metadata", p.get("metadata"));
        return out;
    }

    private static ObjectNode sendParamsTo03(ObjectNode p) {
        ObjectNode out = F.objectNode();
        if (p.has("message")) {
            out.set("message", messageTo03(p.get("message")));
        }
        JsonNode config = p.get("configuration");
        if (config != null && config.isObject()) {
            ObjectNode o = F.objectNode();
            putIf(o, "acceptedOutputModes", config.get("acceptedOutputModes"));
            putIf(o, "historyLength", config.get("historyLength"));
            o.put("blocking", !config.path("returnImmediately").asBoolean(false));
            JsonNode push = config.get("taskPushNotificationConfig");
            if (push != null && push.isObject()) {
                o.set("pushNotificationConfig", pushNotificationConfigTo03(push));
            }
            out.set("configuration", o);
        }
        putIf(out, "metadata", p.get("metadata"));
        return out;
    }

    /** 0.3 {@code {taskId, pushNotificationConfig:{id,url,token,authentication}}} as a 1.0 TaskPushNotificationConfig. */
    private static ObjectNode pushConfigTo10(ObjectNode p) {
        JsonNode config = p.get("pushNotificationConfig");
        ObjectNode out = config == null || config.isNull() ? F.objectNode()
                : pushNotificationConfigTo10(object(config, "params.pushNotificationConfig"), null);
        ObjectNode ordered = F.objectNode();
        putIf(ordered, "taskId", p.get("taskId"));
        ordered.setAll(out);
        return ordered;
    }

    private static ObjectNode pushConfigTo03(ObjectNode p) {
        ObjectNode out = F.objectNode();
        putIf(out, "taskId", p.get("taskId"));
        out.set("pushNotificationConfig", pushNotificationConfigTo03(p));
        return out;
    }

    private static ObjectNode pushNotificationConfigTo10(ObjectNode c, String taskId) {
        ObjectNode out = F.objectNode();
        if (taskId != null) {
            out.put("taskId", taskId);
        }
        putIf(out, "id", c.get("id"));
        putIf(out, "url", c.get("url"));
        putIf(out, "token", c.get("token"));
        JsonNode auth = c.get("authentication");
        if (auth != null && auth.isObject()) {
            ObjectNode a = F.objectNode();
            JsonNode schemes = auth.get("schemes");
            if (schemes != null && schemes.isArray() && !schemes.isEmpty()) {
                a.set("scheme", schemes.get(0));
            }
            putIf(a, "credentials", auth.get("credentials"));
            out.set("authentication", a);
        }
        return out;
    }

    /** The config part of a 1.0 TaskPushNotificationConfig, as a 0.3 PushNotificationConfig. */
    public static ObjectNode pushNotificationConfigTo03(JsonNode c) {
        ObjectNode out = F.objectNode();
        putIf(out, "id", c.get("id"));
        putIf(out, "url", c.get("url"));
        putIf(out, "token", c.get("token"));
        JsonNode auth = c.get("authentication");
        if (auth != null && auth.isObject()) {
            ObjectNode a = F.objectNode();
            ArrayNode schemes = a.putArray("schemes");
            if (auth.hasNonNull("scheme")) {
                schemes.add(auth.get("scheme"));
            }
            putIf(a, "credentials", auth.get("credentials"));
            out.set("authentication", a);
        }
        return out;
    }

    // ----- results

    /** A 1.0 result of {@code method} as the 0.3 result. */
    public static JsonNode resultTo03(A2aMethod method, JsonNode result) {
        return switch (method) {
            case SEND_MESSAGE, SEND_STREAMING_MESSAGE, SUBSCRIBE_TO_TASK -> streamResponseTo03(result);
            case GET_TASK, CANCEL_TASK -> taskTo03(result);
            case GET_EXTENDED_AGENT_CARD -> cardTo03(result, false);
            case CREATE_PUSH_CONFIG, GET_PUSH_CONFIG -> pushConfigTo03(object(result, "result"));
            case LIST_PUSH_CONFIGS -> {
                ArrayNode out = F.arrayNode();
                result.path("configs").forEach(c -> out.add(pushConfigTo03(object(c, "result.configs[]"))));
                yield out;
            }
            case DELETE_PUSH_CONFIG -> F.nullNode();
            case LIST_TASKS -> result;
        };
    }

    /**
     * A 0.3 agent's result of {@code method} as the 1.0 result: SendMessage's and stream events' wrapped by name,
     * GetTask's and CancelTask's the Task.
     */
    public static JsonNode resultTo10(A2aMethod method, JsonNode result) {
        return switch (method) {
            case SEND_MESSAGE, SEND_STREAMING_MESSAGE, SUBSCRIBE_TO_TASK -> streamResponseTo10(result, "result");
            case GET_TASK, CANCEL_TASK -> taskTo10(result, "result");
            case GET_EXTENDED_AGENT_CARD -> cardTo10(result);
            case CREATE_PUSH_CONFIG, GET_PUSH_CONFIG -> {
                ObjectNode r = object(result, "result");
                yield pushNotificationConfigTo10(object(r.path("pushNotificationConfig"),
                        "result.pushNotificationConfig"), r.path("taskId").asText(null));
            }
            case LIST_PUSH_CONFIGS -> {
                ObjectNode out = F.objectNode();
                ArrayNode configs = out.putArray("configs");
                if (result.isArray()) {
                    result.forEach(c -> configs.add(pushNotificationConfigTo10(object(c.path("pushNotificationConfig"),
                            "result[].pushNotificationConfig"), c.path("taskId").asText(null))));
                }
                yield out;
            }
            case DELETE_PUSH_CONFIG -> F.objectNode();
            case LIST_TASKS -> result;
        };
    }

    /**
     * A 1.0 StreamResponse or SendMessage result ({@code {"task"|"message"|"statusUpdate"|"artifactUpdate": ...}}) as
     * the 0.3 kind-tagged object; a status update that ends the stream (terminal or interrupted) gets
     * {@code "final": true}, every other {@code false}.
     */
    public static ObjectNode streamResponseTo03(JsonNode response) {
        if (response.has("task")) {
            return taskTo03(response.get("task"));
        }
        if (response.has("message")) {
            return messageTo03(response.get("message"));
        }
        if (response.has("statusUpdate")) {
            JsonNode s = response.get("statusUpdate");
            ObjectNode out = F.objectNode();
            out.put("kind", "status-update");
            putIf(out, "taskId", s.get("taskId"));
            putIf(out, "contextId", s.get("contextId"));
            ObjectNode status = statusTo03(s.get("status"));
            out.set("status", status);
            out.put("final", endsStream(s.path("status").path("state").asText("")));
            putIf(out, "metadata", s.get("metadata"));
            return out;
        }
        if (response.has("artifactUpdate")) {
            JsonNode a = response.get("artifactUpdate");
            ObjectNode out = F.objectNode();
            out.put("kind", "artifact-update");
            putIf(out, "taskId", a.get("taskId"));
            putIf(out, "contextId", a.get("contextId"));
            out.set("artifact", artifactTo03(a.get("artifact")));
            putIf(out, "append", a.get("append"));
            putIf(out, "lastChunk", a.get("lastChunk"));
            putIf(out, "metadata", a.get("metadata"));
            return out;
        }
        throw new IllegalArgumentException("a stream response holds none of task, message, statusUpdate, artifactUpdate");
    }

    /** A 0.3 kind-tagged result or event as the 1.0 StreamResponse (wrapped by name). */
    public static ObjectNode streamResponseTo10(JsonNode event, String where) {
        ObjectNode e = object(event, where);
        String kind = e.path("kind").asText(null);
        if (kind == null) {
            kind = inferKind(e, where);
        }
        ObjectNode out = F.objectNode();
        switch (kind) {
            case "task" -> out.set("task", taskTo10(e, where));
            case "message" -> out.set("message", messageTo10(e, where));
            case "status-update" -> {
                ObjectNode s = F.objectNode();
                putIf(s, "taskId", e.get("taskId"));
                putIf(s, "contextId", e.get("contextId"));
                s.set("status", statusTo10(e.get("status"), where + ".status"));
                putIf(s, "metadata", e.get("metadata"));
                out.set("statusUpdate", s);
            }
            case "artifact-update" -> {
                ObjectNode a = F.objectNode();
                putIf(a, "taskId", e.get("taskId"));
                putIf(a, "contextId", e.get("contextId"));
                a.set("artifact", artifactTo10(e.get("artifact"), where + ".artifact"));
                putIf(a, "append", e.get("append"));
                putIf(a, "lastChunk", e.get("lastChunk"));
                putIf(a, "metadata", e.get("metadata"));
                out.set("artifactUpdate", a);
            }
            default -> throw new IllegalArgumentException(where + ".kind: expected one of task, message, status-update,"
                    + " artifact-update, got \"" + kind + "\"");
        }
        return out;
    }

    /** Which object a 0.3 event without {@code kind} is, from its fields; 1.0-style wrappers are unwrapped too. */
    private static String inferKind(ObjectNode e, String where) {
        if (e.has("artifact")) {
            return "artifact-update";
        }
        if (e.has("messageId") && e.has("parts")) {
            return "message";
        }
        if (e.has("status") && e.has("taskId")) {
            return "status-update";
        }
        if (e.has("status") && e.has("id")) {
            return "task";
        }
        throw new IllegalArgumentException(where + ": an object without \"kind\" that is none of a task, message,"
                + " status-update or artifact-update");
    }

    // ----- objects

    public static ObjectNode taskTo03(JsonNode task) {
        ObjectNode out = F.objectNode();
        out.put("kind", "task");
        putIf(out, "id", task.get("id"));
        putIf(out, "contextId", task.get("contextId"));
        out.set("status", statusTo03(task.get("status")));
        if (task.has("artifacts")) {
            ArrayNode artifacts = out.putArray("artifacts");
            task.get("artifacts").forEach(a -> artifacts.add(artifactTo03(a)));
        }
        if (task.has("history")) {
            ArrayNode history = out.putArray("history");
            task.get("history").forEach(m -> history.add(messageTo03(m)));
        }
        putIf(out, "metadata", task.get("metadata"));
        return out;
    }

    public static ObjectNode taskTo10(JsonNode task, String where) {
        ObjectNode t = object(task, where);
        ObjectNode out = F.objectNode();
        putIf(out, "id", t.get("id"));
        putIf(out, "contextId", t.get("contextId"));
        out.set("status", statusTo10(t.get("status"), where + ".status"));
        if (t.hasNonNull("artifacts")) {
            ArrayNode artifacts = out.putArray("artifacts");
            int i = 0;
            for (JsonNode a : array(t.get("artifacts"), where + ".artifacts")) {
                artifacts.add(artifactTo10(a, where + ".artifacts[" + i++ + "]"));
            }
        }
        if (t.hasNonNull("history")) {
            ArrayNode history = out.putArray("history");
            int i = 0;
            for (JsonNode m : array(t.get("history"), where + ".history")) {
                history.add(messageTo10(m, where + ".history[" + i++ + "]"));
            }
        }
        putIf(out, "metadata", t.get("metadata"));
        return out;
    }

    private static ObjectNode statusTo03(JsonNode status) {
        ObjectNode out = F.objectNode();
        if (status == null || !status.isObject()) {
            return out;
        }
        out.put("state", stateTo03(status.path("state").asText("")));
        if (status.hasNonNull("message")) {
            out.set("message", messageTo03(status.get("message")));
        }
        putIf(out, "timestamp", status.get("timestamp"));
        return out;
    }

    private static ObjectNode statusTo10(JsonNode status, String where) {
        ObjectNode s = object(status, where);
        ObjectNode out = F.objectNode();
        out.put("state", stateTo10(s.get("state"), where + ".state"));
        if (s.hasNonNull("message")) {
            out.set("message", messageTo10(s.get("message"), where + ".message"));
        }
        putIf(out, "timestamp", s.get("timestamp"));
        return out;
    }

    public static ObjectNode artifactTo03(JsonNode artifact) {
        ObjectNode out = F.objectNode();
        putIf(out, "artifactId", artifact.get("artifactId"));
        putIf(out, "name", artifact.get("name"));
        putIf(out, "description", artifact.get("description"));
        ArrayNode parts = out.putArray("parts");
        artifact.path("parts").forEach(p -> parts.add(partTo03(p)));
        putIf(out, "metadata", artifact.get("metadata"));
        putIf(out, "extensions", artifact.get("extensions"));
        return out;
    }

    public static ObjectNode artifactTo10(JsonNode artifact, String where) {
        ObjectNode a = object(artifact, where);
        ObjectNode out = F.objectNode();
        putIf(out, "artifactId", a.get("artifactId"));
        putIf(out, "name", a.get("name"));
        putIf(out, "description", a.get("description"));
        out.set("parts", partsTo10(a.get("parts"), where + ".parts"));
        putIf(out, "metadata", a.get("metadata"));
        putIf(out, "extensions", a.get("extensions"));
        return out;
    }

    public static ObjectNode messageTo03(JsonNode message) {
        ObjectNode out = F.objectNode();
        out.put("kind", "message");
        putIf(out, "messageId", message.get("messageId"));
        putIf(out, "contextId", message.get("contextId"));
        putIf(out, "taskId", message.get("taskId"));
        String role = message.path("role").asText("");
        out.put("role", role.equals("ROLE_AGENT") ? "agent" : role.equals("ROLE_USER") ? "user"
                : role.toLowerCase(Locale.ROOT));
        ArrayNode parts = out.putArray("parts");
        message.path("parts").forEach(p -> parts.add(partTo03(p)));
        putIf(out, "metadata", message.get("metadata"));
        putIf(out, "extensions", message.get("extensions"));
        putIf(out, "referenceTaskIds", message.get("referenceTaskIds"));
        return out;
    }

    public static ObjectNode messageTo10(JsonNode message, String where) {
        ObjectNode m = object(message, where);
        ObjectNode out = F.objectNode();
        putIf(out, "messageId", m.get("messageId"));
        putIf(out, "contextId", m.get("contextId"));
        putIf(out, "taskId", m.get("taskId"));
        JsonNode role = m.get("role");
        if (role != null && !role.isNull()) {
            out.put("role", roleTo10(role, where + ".role"));
        }
        if (m.has("parts")) {
            out.set("parts", partsTo10(m.get("parts"), where + ".parts"));
        } else if (m.has("content")) {
            // a2a-js 0.3's HTTP+JSON transport writes the proto field name.
            out.set("parts", partsTo10(m.get("content"), where + ".content"));
        }
        putIf(out, "metadata", m.get("metadata"));
        putIf(out, "extensions", m.get("extensions"));
        putIf(out, "referenceTaskIds", m.get("referenceTaskIds"));
        return out;
    }

    private static ArrayNode partsTo10(JsonNode parts, String where) {
        ArrayNode out = F.arrayNode();
        if (parts == null || parts.isNull()) {
            return out;
        }
        int i = 0;
        for (JsonNode p : array(parts, where)) {
            out.add(partTo10(p, where + "[" + i++ + "]"));
        }
        return out;
    }

    /**
     * A 1.0 part as 0.3's: text, file (bytes or uri, with mimeType and name) or data. What 0.3 cannot say is lost: a
     * text or data part's media type and file name, and a data part that is not an object, which is wrapped as
     * {@code {"value": ...}}.
     */
    public static ObjectNode partTo03(JsonNode part) {
        ObjectNode out = F.objectNode();
        if (part.has("text")) {
            out.put("kind", "text");
            out.set("text", part.get("text"));
        } else if (part.has("raw") || part.has("url")) {
            out.put("kind", "file");
            ObjectNode file = out.putObject("file");
            if (part.has("raw")) {
                file.set("bytes", part.get("raw"));
            } else {
                file.set("uri", part.get("url"));
            }
            putIf(file, "mimeType", part.get("mediaType"));
            putIf(file, "name", part.get("filename"));
        } else if (part.has("data")) {
            out.put("kind", "data");
            JsonNode data = part.get("data");
            if (data.isObject()) {
                out.set("data", data);
            } else {
                out.putObject("data").set("value", data);
            }
        } else {
            throw new IllegalArgumentException("a part holds none of text, raw, url or data");
        }
        putIf(out, "metadata", part.get("metadata"));
        return out;
    }

    /** A 0.3 part as 1.0's; a part without {@code kind} is read by its fields (a 1.0 part is taken as it is). */
    public static ObjectNode partTo10(JsonNode part, String where) {
        ObjectNode p = object(part, where);
        String kind = p.path("kind").asText(null);
        if (kind == null) {
            if (p.has("text") || p.has("raw") || p.has("url") || (p.has("data") && !p.has("file"))) {
                return p.deepCopy();
            }
            kind = p.has("file") ? "file" : null;
        }
        if (kind == null) {
            throw new IllegalArgumentException(where + ": a part needs \"kind\" (text, file or data)");
        }
        ObjectNode out = F.objectNode();
        switch (kind) {
            case "text" -> {
                JsonNode text = p.get("text");
                if (text == null || !text.isTextual()) {
                    throw new IllegalArgumentException(where + ".text: a text part needs a string \"text\"");
                }
                out.set("text", text);
            }
            case "file" -> {
                ObjectNode file = object(p.get("file"), where + ".file");
                if (file.hasNonNull("bytes")) {
                    out.set("raw", file.get("bytes"));
                } else if (file.hasNonNull("uri")) {
                    out.set("url", file.get("uri"));
                } else {
                    throw new IllegalArgumentException(where + ".file: a file part needs \"bytes\" or \"uri\"");
                }
                putIf(out, "mediaType", file.get("mimeType"));
                putIf(out, "filename", file.get("name"));
            }
            case "data" -> {
                JsonNode data = p.get("data");
                if (data == null || data.isNull()) {
                    throw new IllegalArgumentException(where + ".data: a data part needs \"data\"");
                }
                out.set("data", data);
            }
            default -> throw new IllegalArgumentException(where + ".kind: expected text, file or data, got \""
                    + kind + "\"");
        }
        putIf(out, "metadata", p.get("metadata"));
        return out;
    }

    // ----- enums

    /** {@code TASK_STATE_INPUT_REQUIRED} → {@code input-required}. */
    static String stateTo03(String state) {
        return state.startsWith("TASK_STATE_")
                ? state.substring("TASK_STATE_".length()).toLowerCase(Locale.ROOT).replace('_', '-')
                : state;
    }

    /** {@code input-required} (or already {@code TASK_STATE_INPUT_REQUIRED}) → {@code TASK_STATE_INPUT_REQUIRED}. */
    static String stateTo10(JsonNode state, String where) {
        if (state == null || !state.isTextual()) {
            throw new IllegalArgumentException(where + ": expected a task state");
        }
        String s = state.asText();
        String upper = s.toUpperCase(Locale.ROOT).replace('-', '_');
        String name = upper.startsWith("TASK_STATE_") ? upper : "TASK_STATE_" + upper;
        return switch (name) {
            case "TASK_STATE_SUBMITTED", "TASK_STATE_WORKING", "TASK_STATE_COMPLETED", "TASK_STATE_FAILED",
                    "TASK_STATE_CANCELED", "TASK_STATE_INPUT_REQUIRED", "TASK_STATE_REJECTED",
                    "TASK_STATE_AUTH_REQUIRED" -> name;
            case "TASK_STATE_CANCELLED" -> "TASK_STATE_CANCELED";
            default -> throw new IllegalArgumentException(where + ": \"" + s + "\" is not a state the gateway can act on"
                    + " (expected submitted, working, input-required, auth-required, completed, canceled, failed or"
                    + " rejected)");
        };
    }

    private static String roleTo10(JsonNode role, String where) {
        String r = role.asText("");
        return switch (r.toLowerCase(Locale.ROOT)) {
            case "user", "role_user" -> "ROLE_USER";
            case "agent", "role_agent" -> "ROLE_AGENT";
            default -> throw new IllegalArgumentException(where + ": expected \"user\" or \"agent\", got \"" + r + "\"");
        };
    }

    private static boolean endsStream(String state10) {
        return switch (state10) {
            case "TASK_STATE_COMPLETED", "TASK_STATE_FAILED", "TASK_STATE_CANCELED", "TASK_STATE_REJECTED",
                    "TASK_STATE_INPUT_REQUIRED", "TASK_STATE_AUTH_REQUIRED" -> true;
            default -> false;
        };
    }

    // ----- errors

    /**
     * The code a 0.3 agent's error means. Some agents (Google ADK's {@code toA2a}) answer every handler error with
     * -32603 but keep the standard message, which then says which error it is; any other code is taken as it is.
     */
    public static int errorCode(int code, String message) {
        if (code != -32603 || message == null) {
            return code;
        }
        String m = message.toLowerCase(Locale.ROOT);
        if (m.startsWith("task not found")) {
            return -32001;
        }
        if (m.startsWith("task not cancelable") || m.startsWith("task cannot be canceled")) {
            return -32002;
        }
        if (m.startsWith("push notification")) {
            return -32003;
        }
        if (m.startsWith("unsupported operation") || m.startsWith("this operation is not supported")) {
            return -32004;
        }
        return code;
    }

    // ----- agent cards

    /**
     * A 1.0 card as 0.3's. Its {@code url} is the first JSON-RPC interface (this gateway's JSON-RPC endpoints speak
     * both versions at one URL, by the request's {@code A2A-Version}); HTTP+JSON interfaces are 1.0 only and not
     * offered to a 0.3 client. With {@code keep10Interfaces}, {@code supportedInterfaces} stays beside them, so that
     * one card serves a client of either version (the 0.3 schema allows members it does not name; the 1.0 one does
     * not, which is why a 1.0 client that says so gets the pure 1.0 card).
     */
    public static ObjectNode cardTo03(JsonNode card, boolean keep10Interfaces) {
        ObjectNode out = F.objectNode();
        putIf(out, "name", card.get("name"));
        out.put("description", card.path("description").asText(""));
        out.put("protocolVersion", CARD_VERSION);
        out.put("version", card.path("version").asText("0"));
        String url = null;
        ArrayNode additional = F.arrayNode();
        for (JsonNode i : card.path("supportedInterfaces")) {
            if ("JSONRPC".equalsIgnoreCase(i.path("protocolBinding").asText()) && i.hasNonNull("url")) {
                if (url == null) {
                    url = i.get("url").asText();
                }
                additional.addObject().put("url", i.get("url").asText()).put("transport", "JSONRPC");
            }
        }
        if (url != null) {
            out.put("url", url);
            out.put("preferredTransport", "JSONRPC");
            out.set("additionalInterfaces", additional);
        }
        putIf(out, "provider", card.get("provider"));
        putIf(out, "documentationUrl", card.get("documentationUrl"));
        putIf(out, "iconUrl", card.get("iconUrl"));
        ObjectNode caps = out.putObject("capabilities");
        JsonNode c = card.path("capabilities");
        putIf(caps, "streaming", c.get("streaming"));
        putIf(caps, "pushNotifications", c.get("pushNotifications"));
        putIf(caps, "extensions", c.get("extensions"));
        if (c.path("extendedAgentCard").asBoolean(false)) {
            out.put("supportsAuthenticatedExtendedCard", true);
        }
        JsonNode schemes = card.get("securitySchemes");
        if (schemes != null && schemes.isObject()) {
            ObjectNode s = out.putObject("securitySchemes");
            schemes.fields().forEachRemaining(e -> s.set(e.getKey(), securitySchemeTo03(e.getValue())));
        }
        if (card.has("securityRequirements")) {
            out.set("security", requirementsTo03(card.get("securityRequirements")));
        }
        out.set("defaultInputModes", card.has("defaultInputModes") ? card.get("defaultInputModes") : F.arrayNode().add("text/plain"));
        out.set("defaultOutputModes", card.has("defaultOutputModes") ? card.get("defaultOutputModes") : F.arrayNode().add("text/plain"));
        ArrayNode skills = out.putArray("skills");
        for (JsonNode skill : card.path("skills")) {
            ObjectNode k = F.objectNode();
            putIf(k, "id", skill.get("id"));
            putIf(k, "name", skill.get("name"));
            k.put("description", skill.path("description").asText(""));
            k.set("tags", skill.has("tags") ? skill.get("tags") : F.arrayNode());
            putIf(k, "examples", skill.get("examples"));
            putIf(k, "inputModes", skill.get("inputModes"));
            putIf(k, "outputModes", skill.get("outputModes"));
            if (skill.has("securityRequirements")) {
                k.set("security", requirementsTo03(skill.get("securityRequirements")));
            }
            skills.add(k);
        }
        putIf(out, "signatures", card.get("signatures"));
        if (keep10Interfaces) {
            putIf(out, "supportedInterfaces", card.get("supportedInterfaces"));
        }
        return out;
    }

    /** Whether a card is 0.3's (it has no 1.0 {@code supportedInterfaces}, or says a 0.x {@code protocolVersion}). */
    public static boolean isCard03(JsonNode card) {
        return card.isObject() && (!card.path("supportedInterfaces").isArray()
                || card.path("protocolVersion").asText("").startsWith("0."));
    }

    /**
     * A 0.3 card as 1.0's. Its {@code url} (in its {@code preferredTransport}, JSON-RPC by default) and each of its
     * {@code additionalInterfaces} become {@code supportedInterfaces} with the card's protocol version; a card that
     * already lists 1.0 {@code supportedInterfaces} beside them keeps those first.
     */
    public static ObjectNode cardTo10(JsonNode card) {
        ObjectNode c = object(card, "card");
        ObjectNode out = F.objectNode();
        putIf(out, "name", c.get("name"));
        putIf(out, "description", c.get("description"));
        ArrayNode interfaces = out.putArray("supportedInterfaces");
        Set<String> seen = new LinkedHashSet<>();
        for (JsonNode i : c.path("supportedInterfaces")) {
            if (i.isObject() && i.has("protocolBinding") && seen.add(i.path("url").asText() + " "
                    + i.path("protocolBinding").asText() + " " + i.path("protocolVersion").asText())) {
                interfaces.add(i.deepCopy());
            }
        }
        String version = majorMinor(c.path("protocolVersion").asText(VERSION));
        if (!version.startsWith("0.")) {
            version = VERSION;
        }
        if (c.hasNonNull("url")) {
            addInterface(interfaces, seen, c.get("url").asText(), c.path("preferredTransport").asText("JSONRPC"), version);
        }
        for (JsonNode i : c.path("additionalInterfaces")) {
            if (i.hasNonNull("url")) {
                addInterface(interfaces, seen, i.get("url").asText(), i.path("transport").asText("JSONRPC"), version);
            }
        }
        putIf(out, "provider", c.get("provider"));
        putIf(out, "version", c.get("version"));
        putIf(out, "documentationUrl", c.get("documentationUrl"));
        ObjectNode caps = out.putObject("capabilities");
        JsonNode cc = c.path("capabilities");
        putIf(caps, "streaming", cc.get("streaming"));
        putIf(caps, "pushNotifications", cc.get("pushNotifications"));
        putIf(caps, "extensions", cc.get("extensions"));
        if (c.path("supportsAuthenticatedExtendedCard").asBoolean(false)) {
            caps.put("extendedAgentCard", true);
        }
        JsonNode schemes = c.get("securitySchemes");
        if (schemes != null && schemes.isObject()) {
            ObjectNode s = out.putObject("securitySchemes");
            schemes.fields().forEachRemaining(e -> s.set(e.getKey(), securitySchemeTo10(e.getValue())));
        }
        if (c.has("security")) {
            out.set("securityRequirements", requirementsTo10(c.get("security")));
        }
        putIf(out, "defaultInputModes", c.get("defaultInputModes"));
        putIf(out, "defaultOutputModes", c.get("defaultOutputModes"));
        if (c.has("skills")) {
            ArrayNode skills = out.putArray("skills");
            for (JsonNode skill : c.get("skills")) {
                ObjectNode k = F.objectNode();
                putIf(k, "id", skill.get("id"));
                putIf(k, "name", skill.get("name"));
                putIf(k, "description", skill.get("description"));
                putIf(k, "tags", skill.get("tags"));
                putIf(k, "examples", skill.get("examples"));
                putIf(k, "inputModes", skill.get("inputModes"));
                putIf(k, "outputModes", skill.get("outputModes"));
                if (skill.has("security")) {
                    k.set("securityRequirements", requirementsTo10(skill.get("security")));
                }
                skills.add(k);
            }
        }
        putIf(out, "signatures", c.get("signatures"));
        putIf(out, "iconUrl", c.get("iconUrl"));
        return out;
    }

    private static void addInterface(ArrayNode interfaces, Set<String> seen, String url, String transport, String version) {
        String binding = transport.toUpperCase(Locale.ROOT);
        if (binding.equals("REST") || binding.equals("HTTP_JSON")) {
            binding = "HTTP+JSON";
        }
        if (seen.add(url + " " + binding + " " + version)) {
            interfaces.addObject().put("url", url).put("protocolBinding", binding).put("protocolVersion", version);
        }
    }

    /** {@code 0.3.0} → {@code 0.3}. */
    public static String majorMinor(String version) {
        String[] parts = version.trim().split("\\.");
        return parts.length >= 2 ? parts[0] + "." + parts[1] : version.trim();
    }

    private static JsonNode securitySchemeTo03(JsonNode scheme) {
        ObjectNode out = F.objectNode();
        if (scheme.has("apiKeySecurityScheme")) {
            JsonNode s = scheme.get("apiKeySecurityScheme");
            out.put("type", "apiKey");
            putIf(out, "in", s.get("location"));
            putIf(out, "name", s.get("name"));
            putIf(out, "description", s.get("description"));
        } else if (scheme.has("httpAuthSecurityScheme")) {
            JsonNode s = scheme.get("httpAuthSecurityScheme");
            out.put("type", "http");
            putIf(out, "scheme", s.get("scheme"));
            putIf(out, "bearerFormat", s.get("bearerFormat"));
            putIf(out, "description", s.get("description"));
        } else if (scheme.has("oauth2SecurityScheme")) {
            JsonNode s = scheme.get("oauth2SecurityScheme");
            out.put("type", "oauth2");
            ObjectNode flows = s.path("flows").isObject() ? ((ObjectNode) s.get("flows")).deepCopy() : F.objectNode();
            flows.remove("deviceCode");
            flows.fields().forEachRemaining(f -> {
                if (f.getValue().isObject()) {
                    ((ObjectNode) f.getValue()).remove("pkceRequired");
                }
            });
            out.set("flows", flows);
            putIf(out, "oauth2MetadataUrl", s.get("oauth2MetadataUrl"));
            putIf(out, "description", s.get("description"));
        } else if (scheme.has("openIdConnectSecurityScheme")) {
            JsonNode s = scheme.get("openIdConnectSecurityScheme");
            out.put("type", "openIdConnect");
            putIf(out, "openIdConnectUrl", s.get("openIdConnectUrl"));
            putIf(out, "description", s.get("description"));
        } else if (scheme.has("mtlsSecurityScheme")) {
            out.put("type", "mutualTLS");
            putIf(out, "description", scheme.get("mtlsSecurityScheme").get("description"));
        } else {
            return scheme.deepCopy();
        }
        return out;
    }

    private static JsonNode securitySchemeTo10(JsonNode scheme) {
        if (!scheme.has("type")) {
            return scheme.deepCopy();
        }
        ObjectNode out = F.objectNode();
        ObjectNode s;
        switch (scheme.path("type").asText()) {
            case "apiKey" -> {
                s = out.putObject("apiKeySecurityScheme");
                putIf(s, "location", scheme.get("in"));
                putIf(s, "name", scheme.get("name"));
            }
            case "http" -> {
                s = out.putObject("httpAuthSecurityScheme");
                putIf(s, "scheme", scheme.get("scheme"));
                putIf(s, "bearerFormat", scheme.get("bearerFormat"));
            }
            case "oauth2" -> {
                s = out.putObject("oauth2SecurityScheme");
                putIf(s, "flows", scheme.get("flows"));
                putIf(s, "oauth2MetadataUrl", scheme.get("oauth2MetadataUrl"));
            }
            case "openIdConnect" -> {
                s = out.putObject("openIdConnectSecurityScheme");
                putIf(s, "openIdConnectUrl", scheme.get("openIdConnectUrl"));
            }
            case "mutualTLS" -> s = out.putObject("mtlsSecurityScheme");
            default -> {
                return F.objectNode();
            }
        }
        putIf(s, "description", scheme.get("description"));
        return out;
    }

    /** 1.0 {@code [{"schemes":{"name":{"list":[scopes]}}}]} → 0.3 {@code [{"name":[scopes]}]}. */
    private static ArrayNode requirementsTo03(JsonNode requirements) {
        ArrayNode out = F.arrayNode();
        for (JsonNode r : requirements) {
            ObjectNode o = out.addObject();
            r.path("schemes").fields().forEachRemaining(e -> o.set(e.getKey(),
                    e.getValue().has("list") ? e.getValue().get("list") : F.arrayNode()));
        }
        return out;
    }

    private static ArrayNode requirementsTo10(JsonNode security) {
        ArrayNode out = F.arrayNode();
        for (JsonNode r : security) {
            ObjectNode schemes = out.addObject().putObject("schemes");
            r.fields().forEachRemaining(e -> schemes.putObject(e.getKey()).set("list",
                    e.getValue().isArray() ? e.getValue() : F.arrayNode()));
        }
        return out;
    }

    // ----- helpers

    private static ObjectNode object(JsonNode node, String where) {
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException(where + ": expected an object" + got(node));
        }
        return (ObjectNode) node;
    }

    private static JsonNode array(JsonNode node, String where) {
        if (node == null || !node.isArray()) {
            throw new IllegalArgumentException(where + ": expected an array" + got(node));
        }
        return node;
    }

    private static String got(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return ", got nothing";
        }
        return ", got " + (node.isNull() ? "null" : node.isTextual() ? "a string" : node.isNumber() ? "a number"
                : node.isBoolean() ? "a boolean" : node.isArray() ? "an array" : "an object");
    }

    private static ObjectNode copy(ObjectNode from, String... fields) {
        ObjectNode out = F.objectNode();
        for (String f : fields) {
            putIf(out, f, from.get(f));
        }
        return out;
    }

    private static void putIf(ObjectNode out, String field, JsonNode value) {
        if (value != null && !value.isNull() && !value.isMissingNode()) {
            out.set(field, value);
        }
    }
}
