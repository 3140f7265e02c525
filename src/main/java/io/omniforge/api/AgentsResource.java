package io.omniforge.api;

import io.omniforge.a2a.A2aException;
import io.omniforge.a2a.CallContext;
import io.omniforge.agent.AgentInfo;
import io.omniforge.agent.AgentRegistry;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;

/** {@code /api/v1/agents}: the agents behind the orchestrator, and registration of new ones at run time. */
@Path("/api/v1/agents")
@Produces(MediaType.APPLICATION_JSON)
public class AgentsResource {

    private final AgentRegistry registry;

    public AgentsResource(AgentRegistry registry) {
        this.registry = registry;
    }

    /** Body of a registration: the agent's name and its base URL (where its card is). */
    public record Registration(String name, String url) {
    }

    @GET
    public List<AgentInfo> list() {
        return registry.list();
    }

    @GET
    @Path("/{name}")
    public AgentInfo get(@PathParam("name") String name) {
        return registry.get(name).orElseThrow(() -> notFound(name));
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> register(Registration body) {
        if (body == null) {
            throw A2aException.invalidParams("the body must be {\"name\": ..., \"url\": ...}");
        }
        return registry.register(CallContext.DEFAULT_TENANT, body.name(), body.url())
                .map(info -> Response.status(201).entity(info).build());
    }

    @DELETE
    @Path("/{name}")
    public Uni<Response> remove(@PathParam("name") String name) {
        return registry.remove(name).map(removed -> {
            if (!removed) {
                throw notFound(name);
            }
            return Response.noContent().build();
        });
    }

    private static ApiException notFound(String name) {
        return ApiException.notFound("no agent named '" + name + "'");
    }
}
