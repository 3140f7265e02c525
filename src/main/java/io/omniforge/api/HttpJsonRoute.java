package io.omniforge.api;

import io.omniforge.a2a.A2aMethod;
import io.vertx.core.http.HttpMethod;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Where a request of the HTTP+JSON binding goes (section 11.3): the resource its path names below the interface URL,
 * the tenant segment before it when there is one ({@code /{tenant}/message:send}), and the ids in it.
 *
 * <p>A path is read without a tenant first, so {@code /tasks/tasks} is the task "tasks", not tenant "tasks"'s list.
 * A tenant segment is never one of {@link #RESERVED} (the other parts of the service at the root) and holds no
 * {@code :}. A {@code :} may come percent-encoded ({@code /message%3Asend}, as some HTTP clients send it) and is the
 * same {@code :}; so an id cannot hold one (the gateway's ids never do). The other segments are percent-decoded after
 * the {@code :verb} is split off.
 */
record HttpJsonRoute(Resource resource, String tenant, String taskId, String configId) {

    /** The binding's resources and the operation each HTTP method is on it. */
    enum Resource {
        SEND("/message:send", Map.of(HttpMethod.POST, A2aMethod.SEND_MESSAGE)),
        STREAM("/message:stream", Map.of(HttpMethod.POST, A2aMethod.SEND_STREAMING_MESSAGE)),
        TASKS("/tasks", Map.of(HttpMethod.GET, A2aMethod.LIST_TASKS)),
        TASK("/tasks/{id}", Map.of(HttpMethod.GET, A2aMethod.GET_TASK)),
        CANCEL("/tasks/{id}:cancel", Map.of(HttpMethod.POST, A2aMethod.CANCEL_TASK)),
        // GET too: an EventSource can only GET (it sends A2A-Version as a query parameter).
        SUBSCRIBE("/tasks/{id}:subscribe", ordered(HttpMethod.POST, A2aMethod.SUBSCRIBE_TO_TASK,
                HttpMethod.GET, A2aMethod.SUBSCRIBE_TO_TASK)),
        PUSH_CONFIGS("/tasks/{id}/pushNotificationConfigs", ordered(HttpMethod.POST, A2aMethod.CREATE_PUSH_CONFIG,
                HttpMethod.GET, A2aMethod.LIST_PUSH_CONFIGS)),
        PUSH_CONFIG("/tasks/{id}/pushNotificationConfigs/{configId}", ordered(HttpMethod.GET, A2aMethod.GET_PUSH_CONFIG,
                HttpMethod.DELETE, A2aMethod.DELETE_PUSH_CONFIG)),
        EXTENDED_CARD("/extendedAgentCard", Map.of(HttpMethod.GET, A2aMethod.GET_EXTENDED_AGENT_CARD));

        private final String template;
        private final Map<HttpMethod, A2aMethod> methods;

        Resource(String template, Map<HttpMethod, A2aMethod> methods) {
            this.template = template;
            this.methods = methods;
        }

        /** The path below the interface URL, with {@code {id}} and {@code {configId}} for the ids. */
        String template() {
            return template;
        }

        Optional<A2aMethod> method(HttpMethod method) {
            return Optional.ofNullable(methods.get(method));
        }

        /** The value of an {@code Allow} header: the methods this resource answers. */
        String allow() {
            return methods.keySet().stream().map(HttpMethod::name).collect(Collectors.joining(", "));
        }

        /** Every operation, as {@code POST /message:send, ...}, for an error that says what there is. */
        static String list() {
            return Arrays.stream(values()).flatMap(r -> r.methods.keySet().stream().map(m -> m.name() + " " + r.template))
                    .collect(Collectors.joining(", "));
        }

        private static Map<HttpMethod, A2aMethod> ordered(HttpMethod m1, A2aMethod a1, HttpMethod m2, A2aMethod a2) {
            Map<HttpMethod, A2aMethod> map = new LinkedHashMap<>();
            map.put(m1, a1);
            map.put(m2, a2);
            return java.util.Collections.unmodifiableMap(map);
        }
    }

    /** First segments that are not tenants: what else the service serves at its root. */
    static final Set<String> RESERVED = Set.of("api", "q", "flows", "demo", ".well-known");

    /**
     * The paths below an interface URL that the binding's route takes (a regex without capturing groups): an optional
     * tenant segment, then {@code message:...}, {@code tasks...} or {@code extendedAgentCard}. It takes more than
     * {@link #match} accepts, so that an unknown operation there gets the binding's 404.
     */
    static final String TAIL = "(?:/(?!(?:api|q|flows|demo|\\.well-known)(?:/|$))[^/:]+)?"
            + "/(?:message(?::|%3[aA])[^/]*|tasks|tasks/.+|extendedAgentCard)/?";

    private static final java.util.regex.Pattern ENCODED_COLON = java.util.regex.Pattern.compile("%3[aA]");

    /** The route of a path below the interface URL (it starts with {@code /}), if it names an operation. */
    static Optional<HttpJsonRoute> match(String path) {
        if (!path.startsWith("/") || path.length() < 2) {
            return Optional.empty();
        }
        String colons = ENCODED_COLON.matcher(path).replaceAll(":");
        String trimmed = colons.endsWith("/") ? colons.substring(0, colons.length() - 1) : colons;
        String[] segments = trimmed.substring(1).split("/", -1);
        Optional<HttpJsonRoute> plain = resource(segments, 0, null);
        if (plain.isPresent() || segments.length < 2 || RESERVED.contains(segments[0]) || segments[0].isEmpty()
                || segments[0].contains(":")) {
            return plain;
        }
        return decode(segments[0]).flatMap(tenant -> resource(segments, 1, tenant));
    }

    /** The path template this route matched, below {@code prefix}: for metrics, which must not see ids. */
    String template(String prefix) {
        return prefix + (tenant == null ? "" : "/{tenant}") + resource.template;
    }

    private static Optional<HttpJsonRoute> resource(String[] s, int from, String tenant) {
        int n = s.length - from;
        String head = s[from];
        if (n == 1) {
            Resource r = switch (head) {
                case "message:send" -> Resource.SEND;
                case "message:stream" -> Resource.STREAM;
                case "tasks" -> Resource.TASKS;
                case "extendedAgentCard" -> Resource.EXTENDED_CARD;
                default -> null;
            };
            return Optional.ofNullable(r).map(x -> new HttpJsonRoute(x, tenant, null, null));
        }
        if (!head.equals("tasks") || n > 4) {
            return Optional.empty();
        }
        String id = s[from + 1];
        if (n == 2) {
            int colon = id.indexOf(':');
            if (colon < 0) {
                return id(id).map(i -> new HttpJsonRoute(Resource.TASK, tenant, i, null));
            }
            Resource r = switch (id.substring(colon)) {
                case ":cancel" -> Resource.CANCEL;
                case ":subscribe" -> Resource.SUBSCRIBE;
                default -> null;
            };
            return r == null ? Optional.empty()
                    : id(id.substring(0, colon)).map(i -> new HttpJsonRoute(r, tenant, i, null));
        }
        if (!s[from + 2].equals("pushNotificationConfigs")) {
            return Optional.empty();
        }
        if (n == 3) {
            return id(id).map(i -> new HttpJsonRoute(Resource.PUSH_CONFIGS, tenant, i, null));
        }
        return id(id).flatMap(i -> id(s[from + 3]).map(c -> new HttpJsonRoute(Resource.PUSH_CONFIG, tenant, i, c)));
    }

    /** A path segment that is an id: not empty, no raw {@code :}, decoded. */
    private static Optional<String> id(String segment) {
        return segment.isEmpty() || segment.contains(":") ? Optional.empty() : decode(segment);
    }

    private static Optional<String> decode(String segment) {
        try {
            String decoded = URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
            return decoded.isEmpty() ? Optional.empty() : Optional.of(decoded);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
