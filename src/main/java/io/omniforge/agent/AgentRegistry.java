package io.omniforge.agent;

import io.omniforge.a2a.A2aError;
import io.omniforge.a2a.A2aException;
import io.omniforge.a2a.AgentCard;
import io.omniforge.a2a.AgentInterface;
import io.omniforge.security.AccessPolicy;
import io.omniforge.security.Authenticator;
import io.omniforge.security.Caller;
import io.omniforge.security.AgentUrlGuard;
import io.omniforge.store.Db;
import io.omniforge.store.StoreConflictException;
import io.omniforge.store.StoreException;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.URI;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.ConfigProvider;
import io.quarkus.runtime.LaunchMode;
import org.jboss.logging.Logger;

/**
 * The agents behind the orchestrator: declared in configuration, the built-in demo agents, and those registered
 * at run time (persisted, each in its tenant: only that tenant sees and calls it; names are unique within a tenant
 * and never shadow a declared agent). Each agent's card is fetched from its base URL, validated, cached, and fetched again
 * every {@code omniforge.agent.card-refresh}; a failed fetch keeps the last good card and records the error.
 */
@ApplicationScoped
public class AgentRegistry {

    private static final Logger LOG = Logger.getLogger(AgentRegistry.class);
    static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

    private final AgentClient client;
    private final AgentConfig config;
    private final AgentsConfig declared;
    private final Db db;
    private final Vertx vertx;
    private final Map<String, Entry> agents = new ConcurrentHashMap<>();
    private final LocalAgents demo;
    private final AccessPolicy policy;
    private final Authenticator authenticator;
    private final AgentUrlGuard guard;

    public AgentRegistry(AgentClient client, AgentConfig config, AgentsConfig declared, Db db, Vertx vertx,
            LocalAgents demo, AccessPolicy policy, Authenticator authenticator, AgentUrlGuard guard) {
        this.demo = demo;
        this.policy = policy;
        this.authenticator = authenticator;
        this.guard = guard;
        this.client = client;
        this.config = config;
        this.declared = declared;
        this.db = db;
        this.vertx = vertx;
    }

    void start(@Observes StartupEvent event) {
        demo.served().forEach(name -> agents.put(name, new Entry(name, () -> localBaseUrl() + demo.pathOf(name),
                    AgentInfo.Source.DEMO, null, null)));
        declared.declared().forEach((name, agent) -> put(name, agent.url(), AgentInfo.Source.CONFIG, null,
                agent.callTimeout().orElse(null)));
        List<String[]> stored = stored().await().atMost(Duration.ofSeconds(30));
        for (String[] row : stored) {
            if (agents.containsKey(row[1])) {
                LOG.warnf("agent '%s' registered at run time (tenant %s) is shadowed by the one declared in %s; remove"
                        + " one of them", row[1], row[0],
                        agents.get(row[1]).source == AgentInfo.Source.DEMO ? "the demo set" : "configuration");
            } else {
                put(row[1], row[2], AgentInfo.Source.RUNTIME, row[0], null);
            }
        }
        // Cards are fetched soon after start (the demo agents need the server listening), then periodically.
        long every = Math.max(1000, config.cardRefresh().toMillis());
        vertx.setPeriodic(1000, every, id -> refreshAll());
        if (db.kind().shared()) {
            long sync = Math.max(1000, config.registrySync().toMillis());
            vertx.setPeriodic(sync, sync, id -> sync());
        }
        LOG.infof("agent registry: %d agents (%s)", agents.size(),
                String.join(", ", agents.values().stream().map(e -> e.name).sorted().toList()));
    }

    /**
     * Adds an agent this process serves itself (a flow), reached over loopback like any other agent; its URL is
     * read when first needed, once the server listens.
     */
    public void declareLocal(String name, String path, AgentInfo.Source source) {
        Entry previous = agents.putIfAbsent(name, new Entry(name, () -> localBaseUrl() + path, source, null, null));
        if (previous != null) {
            LOG.errorf("'%s' is both an agent (%s) and a %s; the agent keeps the name, rename one of them",
                    name, previous.source, source.name().toLowerCase(java.util.Locale.ROOT));
        }
    }

    /** The agents registered at run time, as stored: tenant, name, url. */
    private Uni<List<String[]>> stored() {
        return db.read(c -> {
            List<String[]> rows = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT tenant, name, url FROM agents");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3)});
                }
            }
            return rows;
        });
    }

    /** A shared store: agents registered or removed through another replica are taken in (or dropped) here. */
    private void sync() {
        Instant started = Instant.now();
        stored().subscribe().with(rows -> {
            Map<String, String[]> byKey = new java.util.HashMap<>();
            rows.forEach(row -> byKey.put(key(row[0], row[1]), row));
            byKey.forEach((key, row) -> {
                Entry known = agents.get(key);
                if (!agents.containsKey(row[1]) && (known == null || !known.url().equals(strip(row[2])))) {
                    put(row[1], row[2], AgentInfo.Source.RUNTIME, row[0], null);
                }
            });
            // Not one registered here while the read ran: its row may be newer than what the read saw.
            agents.entrySet().removeIf(e -> e.getValue().source == AgentInfo.Source.RUNTIME && !byKey.containsKey(e.getKey())
                    && (e.getValue().fetchedAt == null || e.getValue().fetchedAt.isBefore(started)));
        }, failure -> LOG.debugf("reading the registered agents failed: %s", failure.getMessage()));
    }

    /** This process on loopback, for the demo agents it serves; the port is read once the server listens. */
    static String localBaseUrl() {
        String key = LaunchMode.current() == LaunchMode.TEST ? "quarkus.http.test-port" : "quarkus.http.port";
        int port = ConfigProvider.getConfig().getOptionalValue(key, Integer.class).orElse(8080);
        return "http://127.0.0.1:" + port;
    }

    /** Declared agents are keyed by name; those registered at run time by tenant and name. */
    private static String key(String tenant, String name) {
        return tenant + "\u0000" + name;
    }

    private Entry put(String name, String url, AgentInfo.Source source, String tenant, Duration callTimeout) {
        String base = strip(url);
        Entry entry = new Entry(name, () -> base, source, tenant, callTimeout);
        agents.put(source == AgentInfo.Source.RUNTIME ? key(tenant, name) : name, entry);
        return entry;
    }

    /** The agent a tenant reaches by this name: a declared one, else one the tenant registered. */
    private Entry find(String tenant, String name) {
        if (name == null) {
            return null;
        }
        Entry declared = agents.get(name);
        return declared != null ? declared : tenant == null ? null : agents.get(key(tenant, name));
    }

    /** Whether an agent is declared (configuration, demo or flow) by this name. */
    public boolean exists(String name) {
        return name != null && agents.containsKey(name);
    }

    /** Whether the tenant reaches an agent by this name. */
    public boolean exists(String tenant, String name) {
        return find(tenant, name) != null;
    }

    /** The declared agents (what every tenant sees). */
    public List<AgentInfo> list() {
        return list(null);
    }

    /** The agents a tenant sees: the declared ones and its own. */
    public List<AgentInfo> list(String tenant) {
        return agents.values().stream().filter(e -> e.source != AgentInfo.Source.RUNTIME || e.tenant.equals(tenant))
                .map(this::info).sorted(Comparator.comparing(AgentInfo::name)).toList();
    }

    public Optional<AgentInfo> get(String tenant, String name) {
        return Optional.ofNullable(find(tenant, name)).map(this::info);
    }

    /** The cached cards of the agents a tenant sees that have one, by name. */
    public Map<String, AgentCard> cachedCards(String tenant) {
        Map<String, AgentCard> cards = new java.util.TreeMap<>();
        agents.values().forEach(e -> {
            if (e.card != null && (e.source != AgentInfo.Source.RUNTIME || e.tenant.equals(tenant))) {
                cards.put(e.name, e.card);
            }
        });
        return cards;
    }

    /**
     * Where and how to call an agent for a caller: the per-agent rules are checked first (this is the one way to
     * an agent, so every hop is checked), then its card is fetched if none is cached; the target carries the
     * agent's outbound credentials.
     *
     * @throws A2aException -32602 for a name the caller's tenant does not know, -32051 when a rule refuses
     */
    public Uni<AgentTarget> target(Caller caller, String name) {
        Entry entry = find(caller.tenant(), name);
        if (entry == null) {
            return Uni.createFrom().failure(A2aException.invalidParams("unknown agent '" + name + "'"));
        }
        try {
            policy.requireAgent(caller, name);
        } catch (A2aException denied) {
            return Uni.createFrom().failure(denied);
        }
        Uni<AgentCard> card = entry.card != null ? Uni.createFrom().item(entry.card) : onCallersContext(refresh(entry));
        if (entry.source == AgentInfo.Source.RUNTIME) {
            // Its card may send the calls to another host than the one registered.
            // A refused address shows on the agent: UNREACHABLE, with the refusal as its lastError (docs/SECURITY.md).
            card = card.call(c -> guard.check(entry.endpoint(c).url()).onFailure().invoke(entry::failed));
        }
        return card.map(c -> {
            AgentInterface endpoint = entry.endpoint(c);
            return new AgentTarget(name, endpoint.url(), Binding.of(endpoint).orElseThrow(),
                    entry.callTimeout != null ? entry.callTimeout : config.callTimeout(), c.supportsStreaming(),
                    headers(entry, caller), endpoint.tenant());
        });
    }

    /**
     * Best effort: asks {@code agent} to cancel its task {@code taskId}, for {@code caller}, as a child of
     * {@code span} when there is one (an orchestration's). A refusal or a failure is logged, never raised: whoever
     * no longer wants the task is done with it either way. The one way a task, a leg or a recovery cancels at an agent.
     */
    public Uni<Void> cancelQuietly(Caller caller, String agent, String taskId, io.omniforge.observability.Traced span) {
        return target(caller, agent)
                .onItem().transformToUni(t -> span == null ? client.cancelTask(t, taskId)
                        : span.withinUni(() -> client.cancelTask(t, taskId)))
                .replaceWithVoid()
                .onFailure(io.omniforge.a2a.A2aException.class::isInstance).invoke(f -> LOG.infof(
                        "agent %s did not cancel its task %s: %s", agent, taskId, f.getMessage()))
                .onFailure(io.omniforge.a2a.A2aException.class::isInstance).recoverWithNull();
    }

    /** What a call to the agent carries: nothing of the caller's unless the agent is configured for it. */
    private Map<String, String> headers(Entry entry, Caller caller) {
        if (entry.source == AgentInfo.Source.FLOW || entry.source == AgentInfo.Source.DEMO) {
            // This process's own endpoints: its internal token, and whom it acts for.
            return authenticator.internalHeaders(caller);
        }
        AgentsConfig.Declared d = entry.source == AgentInfo.Source.CONFIG ? declared.declared().get(entry.name) : null;
        if (d == null) {
            return Map.of();
        }
        Map<String, String> headers = new java.util.HashMap<>();
        AgentsConfig.Auth auth = d.auth();
        if (auth.forwardCallerToken() && caller.token() != null) {
            headers.put("Authorization", "Bearer " + caller.token());
        } else {
            auth.bearerToken().ifPresent(t -> headers.put("Authorization", "Bearer " + t));
        }
        auth.apiKey().ifPresent(k -> headers.put(auth.apiKeyHeader(), k));
        return headers;
    }

    /**
     * A shared fetch (one for all concurrent callers, maybe started by the periodic refresh) completes on whichever
     * context started it; each caller goes on on its own context, with its own trace and log fields.
     */
    private static <T> Uni<T> onCallersContext(Uni<T> shared) {
        return Uni.createFrom().deferred(() -> {
            io.vertx.core.Context caller = Vertx.currentContext();
            return caller == null ? shared : shared.emitOn(command -> caller.runOnContext(v -> command.run()));
        });
    }

    /** An agent's card, as the tenant reaches it: the cached one, or fetched now. */
    public Uni<AgentCard> card(String tenant, String name) {
        Entry entry = find(tenant, name);
        if (entry == null) {
            return Uni.createFrom().failure(A2aException.invalidParams("unknown agent '" + name + "'"));
        }
        return entry.card != null ? Uni.createFrom().item(entry.card) : onCallersContext(refresh(entry));
    }

    /**
     * Registers an agent at run time: its URL and the URL of the interface chosen from its card must be allowed
     * ({@link AgentUrlGuard}), its card reachable and valid, offering an interface the gateway speaks
     * ({@link Binding#choose}); persisted before it is answered.
     */
    public Uni<AgentInfo> register(String tenant, String name, String url) {
        if (name == null || !NAME.matcher(name).matches()) {
            return Uni.createFrom().failure(A2aException.invalidParams("name must match " + NAME.pattern()
                    + " (lower case letters, digits, '.', '_' or '-', at most 64), got "
                    + (name == null ? "nothing" : "'" + name + "'")));
        }
        String base;
        try {
            base = validateUrl(url);
        } catch (IllegalArgumentException e) {
            return Uni.createFrom().failure(A2aException.invalidParams(e.getMessage()));
        }
        if (find(tenant, name) != null) {
            return Uni.createFrom().failure(new AgentConflictException("an agent named '" + name + "' already exists"));
        }
        return guard.check(base)
                .chain(() -> client.fetchCard(name, base).onFailure().transform(f -> A2aException.invalidParams(
                        "no valid agent card at " + base + "/.well-known/agent-card.json: " + f.getMessage())))
                .call(card -> guard.check(Binding.choose(card).orElseThrow().url()))
                .call(card -> db.write(c -> {
                    try (PreparedStatement ps = c.prepareStatement(
                            "INSERT INTO agents (tenant, name, url, created_at) VALUES (?, ?, ?, ?)")) {
                        ps.setString(1, tenant);
                        ps.setString(2, name);
                        ps.setString(3, base);
                        ps.setLong(4, System.currentTimeMillis());
                        return ps.executeUpdate();
                    }
                }).onFailure(f -> f instanceof StoreException && f.getCause() instanceof java.sql.SQLException sql
                        && StoreConflictException.isUniqueViolation(sql))
                        // Registered meanwhile through another replica sharing the store.
                        .transform(f -> new AgentConflictException("an agent named '" + name + "' already exists")))
                .map(card -> {
                    Entry entry = new Entry(name, () -> base, AgentInfo.Source.RUNTIME, tenant, null);
                    entry.ready(card);
                    if (agents.containsKey(name) || agents.putIfAbsent(key(tenant, name), entry) != null) {
                        throw new AgentConflictException("an agent named '" + name + "' already exists");
                    }
                    return info(entry);
                });
    }

    /** Removes an agent the tenant registered at run time; those from configuration stay. */
    public Uni<Boolean> remove(String tenant, String name) {
        Entry entry = find(tenant, name);
        if (entry == null) {
            return Uni.createFrom().item(false);
        }
        if (entry.source != AgentInfo.Source.RUNTIME) {
            return Uni.createFrom().failure(new AgentConflictException("agent '" + name + "' is declared in "
                    + (entry.source == AgentInfo.Source.DEMO ? "the demo set"
                            : entry.source == AgentInfo.Source.FLOW ? "the flows" : "configuration")
                    + " and cannot be removed at run time"));
        }
        return db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM agents WHERE tenant = ? AND name = ?")) {
                ps.setString(1, tenant);
                ps.setString(2, name);
                return ps.executeUpdate();
            }
        }).map(n -> agents.remove(key(tenant, name)) != null);
    }

    private void refreshAll() {
        agents.values().forEach(entry -> refresh(entry).subscribe().with(
                card -> { },
                failure -> LOG.debugf("card refresh of %s failed: %s", entry.name, failure.getMessage())));
    }

    /** Fetches an agent's card; concurrent callers share one fetch. */
    Uni<AgentCard> refresh(Entry entry) {
        return entry.fetch(() -> guarded(entry, entry.url()).chain(() -> client.fetchCard(entry.name, entry.url()))
                // The card may send the calls elsewhere than the base URL: that address is checked too, and a card
                // that moved there is not kept (nor the last good one: the agent says it is no longer there).
                .call(card -> guarded(entry, entry.endpoint(card).url()).onFailure().invoke(f -> entry.card = null))
                .invoke(entry::ready)
                .onFailure().invoke(entry::failed));
    }

    /**
     * An agent registered at run time is reached only at addresses {@link AgentUrlGuard} allows, checked at each use (a
     * card may name another URL, a name may resolve differently); the others are the operator's and not checked.
     */
    private Uni<Void> guarded(Entry entry, String url) {
        return entry.source == AgentInfo.Source.RUNTIME ? guard.check(url) : Uni.createFrom().voidItem();
    }

    static String validateUrl(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("url is required: the agent's base URL, where its card is");
        }
        URI uri;
        try {
            uri = URI.create(url.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("url is not a valid URL: '" + url + "'");
        }
        if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme())
                || uri.getHost() == null) {
            throw new IllegalArgumentException("url must be an absolute http(s) URL, got '" + url + "'");
        }
        return strip(url.trim());
    }

    private static String strip(String url) {
        String u = url;
        if (u.endsWith("/.well-known/agent-card.json")) {
            u = u.substring(0, u.length() - "/.well-known/agent-card.json".length());
        }
        while (u.endsWith("/")) {
            u = u.substring(0, u.length() - 1);
        }
        return u;
    }

    private AgentInfo info(Entry entry) {
        return entry.info(client.breakerState(entry.name));
    }

    /** One agent's mutable registry entry. */
    static final class Entry {
        final String name;
        private final java.util.function.Supplier<String> url;
        final AgentInfo.Source source;
        final String tenant;
        final Duration callTimeout;
        volatile AgentCard card;
        volatile AgentInfo.State state = AgentInfo.State.UNKNOWN;
        volatile String lastError;
        volatile Instant fetchedAt;
        private Uni<AgentCard> inFlight;

        Entry(String name, java.util.function.Supplier<String> url, AgentInfo.Source source, String tenant, Duration callTimeout) {
            this.name = name;
            this.url = url;
            this.source = source;
            this.tenant = tenant;
            this.callTimeout = callTimeout;
        }

        String url() {
            return url.get();
        }

        synchronized Uni<AgentCard> fetch(java.util.function.Supplier<Uni<AgentCard>> fetcher) {
            if (inFlight == null) {
                inFlight = fetcher.get()
                        .eventually(() -> {
                            synchronized (this) {
                                inFlight = null;
                            }
                        })
                        .memoize().indefinitely();
            }
            return inFlight;
        }

        void ready(AgentCard fetched) {
            card = fetched;
            state = AgentInfo.State.READY;
            lastError = null;
            fetchedAt = Instant.now();
        }

        void failed(Throwable failure) {
            state = failure instanceof AgentException ae && ae.kind() == AgentException.Kind.INVALID_RESPONSE
                    ? AgentInfo.State.INVALID : AgentInfo.State.UNREACHABLE;
            lastError = failure.getMessage();
        }

        /**
         * The interface the gateway calls: the one chosen from the card ({@link Binding#choose}, which a card must
         * offer to be taken in), or, for the agents this process serves itself, their JSON-RPC endpoint on loopback
         * (their cards carry the public URL).
         */
        AgentInterface endpoint(AgentCard of) {
            if (source == AgentInfo.Source.DEMO || source == AgentInfo.Source.FLOW) {
                return AgentInterface.jsonRpc(url() + "/a2a");
            }
            return Binding.choose(of).orElseThrow(() -> new IllegalStateException(Binding.refusal(of)));
        }

        AgentInfo info(String breaker) {
            AgentCard known = card;
            return new AgentInfo(name, url(), known == null ? null : endpoint(known), source, state, known, lastError,
                    fetchedAt, breaker);
        }
    }
}
