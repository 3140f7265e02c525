package io.omniforge.support;

import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * A test agent whose card offers only interfaces the gateway does not speak: gRPC, and A2A 0.3's HTTP+JSON. Served at
 * {@code /test-agents/unspoken}; registering it must fail, saying what it offers and what the gateway speaks.
 */
@ApplicationScoped
public class UnspokenAgent {

    public static final String PATH = "/test-agents/unspoken";

    void mount(@Observes Router router) {
        router.get(PATH + "/.well-known/agent-card.json").handler(ctx -> {
            String base = "http://" + ctx.request().host() + PATH;
            ctx.response().putHeader("Content-Type", "application/json")
                    .end("{\"name\":\"unspoken\",\"description\":\"speaks what the gateway does not\",\"version\":\"1\","
                            + "\"supportedInterfaces\":[{\"url\":\"" + base + "/grpc\",\"protocolBinding\":\"GRPC\","
                            + "\"protocolVersion\":\"1.0\"},{\"url\":\"" + base + "/rest\",\"protocolBinding\":\"HTTP+JSON\","
                            + "\"protocolVersion\":\"0.3\"}],\"capabilities\":{\"streaming\":true},\"skills\":[]}");
        });
    }
}
