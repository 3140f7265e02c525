package io.omniforge.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.omniforge.a2a.A2aError;
import io.omniforge.a2a.A2aMethod;
import io.omniforge.a2a.StreamResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.mutiny.core.buffer.Buffer;

/**
 * How {@link AgentClient} speaks one {@link Binding}: the HTTP request of each operation, and how a complete answer
 * or one SSE event of a stream is read back as the 1.0 object the rest of the gateway works with. The client owns the
 * connection, timeouts, limits and observation; a dialect only writes and reads. What an agent answers that is not
 * the A2A it should be is an {@link AgentException} of kind INVALID_RESPONSE (-32006) naming the agent and the field;
 * an error the agent reports is one of kind REMOTE_ERROR with the {@link A2aError} it stands for.
 */
interface Dialect {

    /** One operation as HTTP: method, absolute URL, body (null for none) and the A2A-Version to send (null: none). */
    record Request(HttpMethod method, String url, Buffer body, String version) {
    }

    /** What an agent answered, a whole body or one SSE event's data, for the operation it answers. */
    record Answer(String agent, A2aMethod method, int status, String contentType, Buffer body) {

        /** {@code GetTask answered HTTP 404} */
        String said() {
            return method.wireName() + " answered HTTP " + status;
        }

        /** The body as JSON; INVALID_RESPONSE if it is not. */
        JsonNode json(ObjectMapper mapper) {
            try {
                JsonNode node = mapper.readTree(body.getBytes());
                if (node != null && !node.isMissingNode()) {
                    return node;
                }
            } catch (Exception e) {
                // said below
            }
            throw AgentException.invalid(agent, said() + " with " + (contentType.isEmpty() ? "no content type" : contentType)
                    + " that is not JSON" + snippet());
        }

        /** A result as the 1.0 type it should be; INVALID_RESPONSE naming what is wrong if it is not one. */
        <T> T read(ObjectMapper mapper, JsonNode result, Class<T> type) {
            try {
                return mapper.treeToValue(result, type);
            } catch (com.fasterxml.jackson.databind.JsonMappingException e) {
                throw AgentException.invalid(agent, method.wireName() + " returned a result that is not a valid "
                        + type.getSimpleName() + ": " + io.omniforge.a2a.JsonErrors.binding(e, "result."));
            } catch (Exception e) {
                throw AgentException.invalid(agent, method.wireName() + " returned a result that is not a valid "
                        + type.getSimpleName());
            }
        }

        /** The error an agent reported, as the A2A error it stands for. */
        AgentException remote(A2aError error, String what) {
            return new AgentException(AgentException.Kind.REMOTE_ERROR, agent, error,
                    "agent '" + agent + "' answered " + method.wireName() + " with " + what, null);
        }

        String snippet() {
            String s = body.toString();
            s = s.length() > 120 ? s.substring(0, 120) + "..." : s;
            return s.isBlank() ? "" : ": " + s.replaceAll("\\s+", " ");
        }
    }

    /** The request of {@code method} with its 1.0 params, to the interface at {@code url}. */
    Request request(A2aMethod method, Object params, String url);

    /** A whole answer (not a stream) as the 1.0 {@code type}. */
    <T> T result(Answer answer, Class<T> type);

    /** One SSE event of a stream as the 1.0 StreamResponse. */
    StreamResponse event(Answer answer);
}
