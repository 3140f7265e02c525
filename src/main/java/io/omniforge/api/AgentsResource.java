package io.omniforge.api;

import io.omniforge.a2a.A2aException;
import io.omniforge.security.Permission;
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
    private final CurrentCaller caller;

    public AgentsResource(AgentRegistry registry, CurrentCaller caller) {
        this.registry = registry;
        this.caller = caller;
    }

    /** Body of a registration: the agent's name and its base URL (where its card is). */
    public record Registration(String name, String url) {
    }

    @GET
    public List<AgentInfo> list() {
        return registry.list(caller.require(Permission.AGENTS_READ, "list agents").tenant());
    }

    @GET
    @Path("/{name}")
    public AgentInfo get(@PathParam("name") String name) {
        return registry.get(caller.require(Permission.AGENTS_READ, "read an agent").tenant(), name)
                .orElseThrow(() -> notFound(name));
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> register(Registration body) {
        String tenant = caller.require(Permission.AGENTS_MANAGE, "register an agent").tenant();
        if (body == null) {
            throw A2aException.invalidParams("the body must be {\"name\": ..., \"url\": ...}");
        }
        return registry.register(tenant, body.name(), body.url())
                .map(info -> Response.status(201).entity(info).build());
    }

    @DELETE
    @Path("/{name}")
    public Uni<Response> remove(@PathParam("name") String name) {
        String tenant = caller.require(Permission.AGENTS_MANAGE, "remove an agent").tenant();
        return registry.remove(tenant, name).map(removed -> {
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
