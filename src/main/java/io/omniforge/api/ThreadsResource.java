package io.omniforge.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.omniforge.a2a.A2aException;
import io.omniforge.a2a.CallContext;
import io.omniforge.thread.ConversationThread;
import io.omniforge.thread.Page;
import io.omniforge.thread.ThreadManager;
import io.omniforge.thread.ThreadMessage;
import io.smallrye.mutiny.Uni;
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

    public ThreadsResource(ThreadManager threads) {
        this.threads = threads;
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
    public Uni<ThreadPage> list(@QueryParam("pageSize") @DefaultValue("50") int pageSize,
            @QueryParam("pageToken") String pageToken) {
        if (pageSize < 1 || pageSize > MAX_PAGE) {
            throw A2aException.invalidParams("pageSize must be between 1 and " + MAX_PAGE + ", got " + pageSize);
        }
        return threads.list(CallContext.DEFAULT_TENANT, pageSize, pageToken).map((Page<ConversationThread> page) ->
                new ThreadPage(page.items().stream().map(ThreadSummary::of).toList(), page.nextPageToken()));
    }

    @GET
    @Path("/{id}")
    public Uni<ThreadView> get(@PathParam("id") String id,
            @QueryParam("messages") @DefaultValue("100") int messages) {
        if (messages < 0 || messages > MAX_MESSAGES) {
            throw A2aException.invalidParams("messages must be between 0 and " + MAX_MESSAGES + ", got " + messages);
        }
        String tenant = CallContext.DEFAULT_TENANT;
        return threads.get(tenant, id).onItem().transformToUni(found -> {
            ConversationThread t = found.orElseThrow(() -> ApiException.notFound("no thread with id '" + id + "'"));
            return threads.messages(tenant, id, messages).map(list -> new ThreadView(t.id(), t.activeAgent(),
                    ThreadManager.participants(list), t.stateMetadata(), t.version(), t.createdAt(), t.updatedAt(), list));
        });
    }
}
