package io.omniforge.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.omniforge.a2a.A2aException;
import io.omniforge.security.Caller;
import io.omniforge.security.Permission;
import io.omniforge.thread.ConversationThread;
import io.omniforge.thread.Page;
import io.omniforge.thread.ThreadManager;
import io.omniforge.thread.ThreadMessage;
import io.omniforge.handoff.HandoffManager;
import io.omniforge.handoff.HandoffRecord;
import io.omniforge.handoff.HandoffRequest;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.List;

/** {@code /api/v1/threads}: conversations, their messages, participants, active agent and state. */
@Path("/api/v1/threads")
@Produces(MediaType.APPLICATION_JSON)
public class ThreadsResource {

    static final int MAX_PAGE = 100;
    static final int MAX_MESSAGES = 1000;

    private final ThreadManager threads;
    private final HandoffManager handoffs;
    private final CurrentCaller caller;

    public ThreadsResource(ThreadManager threads, HandoffManager handoffs, CurrentCaller caller) {
        this.threads = threads;
        this.handoffs = handoffs;
        this.caller = caller;
    }

    /**
     * A query parameter that must be an integer: -32602/400 naming it (JAX-RS would answer a value it cannot convert
     * with 404, as if the resource did not exist).
     */
    static int integer(String name, String value) {
        if (value == null || !value.trim().matches("-?\\d{1,9}")) {
            throw A2aException.invalidParams("the query parameter " + name + " must be an integer, got '" + value + "'");
        }
        return Integer.parseInt(value.trim());
    }

    /** One thread in a listing. */
    public record ThreadSummary(String id, String activeAgent, long version, Instant createdAt, Instant updatedAt) {
        static ThreadSummary of(ConversationThread t) {
            return new ThreadSummary(t.id(), t.activeAgent(), t.version(), t.createdAt(), t.updatedAt());
        }
    }

    /** A page of threads. */
    public record ThreadPage(List<ThreadSummary> threads, String nextPageToken) {
    }

    /** One thread in full. */
    public record ThreadView(String id, String activeAgent, List<String> participants, ObjectNode state, long version,
            Instant createdAt, Instant updatedAt, List<ThreadMessage> messages) {
    }

    @GET
    public Uni<ThreadPage> list(@QueryParam("pageSize") @DefaultValue("50") String pageSizeParam,
            @QueryParam("pageToken") String pageToken) {
        String tenant = caller.require(Permission.THREADS_READ, "list threads").tenant();
        int pageSize = integer("pageSize", pageSizeParam);
        if (pageSize < 1 || pageSize > MAX_PAGE) {
            throw A2aException.invalidParams("pageSize must be between 1 and " + MAX_PAGE + ", got " + pageSize);
        }
        return threads.list(tenant, pageSize, pageToken).map((Page<ConversationThread> page) ->
                new ThreadPage(page.items().stream().map(ThreadSummary::of).toList(), page.nextPageToken()));
    }

    /** Body of a client's handoff: the target agent and why. */
    public record HandoffBody(String to, String reason, Boolean expectReturn) {
    }

    @GET
    @Path("/{id}/handoffs")
    public Uni<List<HandoffRecord>> handoffs(@PathParam("id") String id) {
        String tenant = caller.require(Permission.THREADS_READ, "read a thread's handoffs").tenant();
        return handoffs.history(tenant, id).map(list -> {
            if (list == null) {
                throw ApiException.notFound("no thread with id '" + id + "'");
            }
            return list;
        });
    }

    /** Moves the conversation to another agent; the agent gets the context with the thread's next message. */
    @POST
    @Path("/{id}/handoffs")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> handOff(@PathParam("id") String id, HandoffBody body) {
        Caller who = caller.require(Permission.HANDOFF_INITIATE, "hand a thread off");
        if (body == null || body.to() == null || body.to().isBlank()) {
            throw A2aException.invalidParams("the body must name the target agent: {\"to\": \"billing\", \"reason\": ...}");
        }
        io.omniforge.security.InputLimits.storable(com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode()
                .put("to", body.to()).put("reason", body.reason()), "");
        return threads.get(who.tenant(), id).onItem().transformToUni(found -> {
            if (found.isEmpty()) {
                throw ApiException.notFound("no thread with id '" + id + "'");
            }
            return handoffs.clientHandoff(who, id, new HandoffRequest(body.to(), body.reason(), null,
                    Boolean.TRUE.equals(body.expectReturn()), false), null);
        }).map(decision -> {
            if (!decision.accepted()) {
                throw new ApiException(409, "HANDOFF_REFUSED", "the handoff to " + body.to() + " was refused: "
                        + decision.record().detail() + "; the conversation stays with " + decision.record().from());
            }
            return Response.status(201).entity(decision.record()).build();
        });
    }

    @GET
    @Path("/{id}")
    public Uni<ThreadView> get(@PathParam("id") String id,
            @QueryParam("messages") @DefaultValue("100") String messagesParam) {
        String tenant = caller.require(Permission.THREADS_READ, "read a thread").tenant();
        int messages = integer("messages", messagesParam);
        if (messages < 0 || messages > MAX_MESSAGES) {
            throw A2aException.invalidParams("messages must be between 0 and " + MAX_MESSAGES + ", got " + messages);
        }
        return threads.get(tenant, id).onItem().transformToUni(found -> {
            ConversationThread t = found.orElseThrow(() -> ApiException.notFound("no thread with id '" + id + "'"));
            return threads.messages(tenant, id, messages).map(list -> new ThreadView(t.id(), t.activeAgent(),
                    ThreadManager.participants(list), t.stateMetadata(), t.version(), t.createdAt(), t.updatedAt(), list));
        });
    }
}
