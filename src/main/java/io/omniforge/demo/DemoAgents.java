package io.omniforge.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.omniforge.service.A2aService;
import io.omniforge.api.ApiConfig;
import io.omniforge.api.HttpJsonTransport;
import io.omniforge.api.JsonRpcTransport;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The built-in demo agents: real A2A 1.0 agents served by this process, each with its own card at
 * {@code /demo/<name>/.well-known/agent-card.json}, JSON-RPC endpoint at {@code /demo/<name>/a2a} and HTTP+JSON
 * interface at {@code /demo/<name>} ({@code /demo/<name>/message:send}, ...), mounted
 * at startup when {@code omniforge.demo.enabled} is true. The agent registry registers them by
 * {@link #NAMES} and {@link #basePath(String)}.
 */
@ApplicationScoped
public class DemoAgents implements io.omniforge.agent.LocalAgents {

    private static final Logger LOG = Logger.getLogger(DemoAgents.class);

    /** The demo agents, by name. */
    public static final List<String> NAMES = List.of(EchoAgent.NAME, SlowAgent.NAME, FlakyAgent.NAME,
            TriageAgent.NAME, BillingAgent.NAME);

    private static final String ROOT = "/demo/";

    private final DemoConfig config;
    private final JsonRpcTransport transport;
    private final HttpJsonTransport httpJson;
    private final ApiConfig api;
    private final Map<String, DemoAgent> agents;
    private final FlakyFaults faults;

    public DemoAgents(DemoConfig config, JsonRpcTransport transport, HttpJsonTransport httpJson, ObjectMapper mapper,
            ApiConfig api) {
        this.config = config;
        this.transport = transport;
        this.httpJson = httpJson;
        this.api = api;
        this.agents = config.enabled() ? create(config) : Map.of();
        this.faults = config.enabled()
                ? new FlakyFaults((FlakyAgent) agents.get(FlakyAgent.NAME), mapper, config.flaky()) : null;
    }

    /** Where a demo agent lives: {@code /demo/<name>}; its card is under {@code /.well-known/agent-card.json} there. */
    public static String basePath(String name) {
        if (!NAMES.contains(name)) {
            throw new IllegalArgumentException("no demo agent is called '" + name + "'; the demo agents are " + NAMES);
        }
        return ROOT + name;
    }

    /** A demo agent's JSON-RPC endpoint: {@code /demo/<name>/a2a}. */
    public static String rpcPath(String name) {
        return basePath(name) + "/a2a";
    }

    /** A demo agent's card: {@code /demo/<name>/.well-known/agent-card.json}. */
    public static String cardPath(String name) {
        return basePath(name) + "/.well-known/agent-card.json";
    }

    /** Whether the demo agents are served ({@code omniforge.demo.enabled}). */
    public boolean enabled() {
        return config.enabled();
    }

    @Override
    public String pathOf(String name) {
        return basePath(name);
    }

    /** The names of the demo agents this process serves: all of {@link #NAMES}, or none when disabled. */
    @Override
    public List<String> served() {
        return List.copyOf(agents.keySet());
    }

    /** A served demo agent, to call in-process. */
    public Optional<A2aService> agent(String name) {
        return Optional.ofNullable(agents.get(name));
    }

    void mount(@Observes Router router) {
        if (!config.enabled()) {
            LOG.info("demo agents are disabled (omniforge.demo.enabled=false)");
            return;
        }
        // Before the flaky agent's transport route: the failures it answers itself.
        router.post(rpcPath(FlakyAgent.NAME))
                .handler(BodyHandler.create(false).setBodyLimit(api.maxBodyBytes()))
                .handler(faults);
        agents.forEach((name, agent) -> {
            transport.mount(router, basePath(name), rpcPath(name), agent, false);
            httpJson.mount(router, basePath(name), agent, false);
        });
        LOG.infof("demo agents served at %s<name>: %s", ROOT, String.join(", ", agents.keySet()));
    }

    private static Map<String, DemoAgent> create(DemoConfig config) {
        int max = config.maxTasks();
        Map<String, DemoAgent> agents = new LinkedHashMap<>();
        for (DemoAgent agent : List.of(new EchoAgent(max), new SlowAgent(max, config.slow()), new FlakyAgent(max),
                new TriageAgent(max), new BillingAgent(max))) {
            agents.put(agent.name(), agent);
        }
        return Collections.unmodifiableMap(agents);
    }
}
