package io.omniforge.api;

import io.omniforge.task.TaskManager;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Mounts the orchestrator's own A2A endpoint: its card at the root, JSON-RPC at {@code omniforge.api.json-rpc-path}, and
 * the HTTP+JSON interface at the root ({@code POST /message:send} and the rest).
 */
@ApplicationScoped
public class A2aRoutes {

    void mount(@Observes Router router, JsonRpcTransport transport, HttpJsonTransport httpJson, TaskManager orchestrator,
            ApiConfig config) {
        transport.mount(router, "", config.jsonRpcPath(), orchestrator);
        httpJson.mount(router, "", orchestrator);
    }
}
