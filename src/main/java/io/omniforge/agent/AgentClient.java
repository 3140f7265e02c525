package io.omniforge.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.omniforge.a2a.A2aMethod;
import io.omniforge.a2a.A2aVersion;
import io.omniforge.a2a.AgentCard;
import io.omniforge.a2a.CancelTaskRequest;
import io.omniforge.a2a.GetTaskRequest;
import io.omniforge.a2a.SendMessageRequest;
import io.omniforge.a2a.SendMessageResponse;
import io.omniforge.a2a.StreamResponse;
import io.omniforge.a2a.SubscribeToTaskRequest;
import io.omniforge.a2a.Task;
import io.omniforge.a2a.TaskState;
import io.omniforge.a2a.v03.V03;
import io.omniforge.observability.AgentCall;
import io.omniforge.observability.Telemetry;
import io.opentelemetry.context.Context;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.tracing.TracingPolicy;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.core.http.HttpClient;
import io.vertx.mutiny.core.http.HttpClientResponse;
import io.vertx.mutiny.core.parsetools.RecordParser;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The A2A client for downstream agents, on the Vert.x HTTP client: pooled keep-alive connections, a connect timeout,
 * a timeout on every call and an idle timeout on every stream, and no redirect followed. It speaks each agent's
 * {@link Binding} (the interface the registry chose from its card) through that binding's {@link Dialect}: A2A 1.0
 * over JSON-RPC or HTTP+JSON with {@code A2A-Version: 1.0}, or A2A 0.3 over JSON-RPC, translated by {@link V03}; its
 * callers see 1.0 objects only. Whatever an agent answers that is not A2A becomes an {@link AgentException} of kind
 * INVALID_RESPONSE (error -32006), never a hang. Every call is observed (a span whose {@code traceparent} goes
 * to the agent, the {@code omniforge.agent.calls} timer, and the audit event {@code agent.call.failed}); the Vert.x
 * client's own tracing is off, so the agent sees this call's span as its parent.
 */
@ApplicationScoped
public class AgentClient {

    private static final String JSON = "application/json";
    private static final String EVENT_STREAM = "text/event-stream";

    /**
     * One HTTP client, with a connection pool of its own, per agent: an agent that holds its connections (a slow drip,
     * a stream that never ends) uses up its own pool, never another agent's on the same host and port.
     */
    private final Map<String, HttpClient> clients = new java.util.concurrent.ConcurrentHashMap<>();
    private final Vertx vertx;
    private final ObjectMapper mapper;
    private final AgentConfig config;
    private final Telemetry telemetry;
    private final Map<Binding, Dialect> dialects = new EnumMap<>(Binding.class);
    private final AgentLimits limits;
    private final AgentBreakers breakers;

    public AgentClient(Vertx vertx, ObjectMapper mapper, AgentConfig config, AgentsConfig agents, Telemetry telemetry,
            io.smallrye.faulttolerance.api.CircuitBreakerMaintenance breakerMaintenance) {
        this.limits = new AgentLimits(config, agents);
        this.breakers = new AgentBreakers(config.breaker(), breakerMaintenance, telemetry::agentBreaker);
        this.mapper = mapper;
        this.config = config;
        this.telemetry = telemetry;
        this.vertx = vertx;
        JsonRpcDialect rpc = new JsonRpcDialect(mapper);
        dialects.put(Binding.JSONRPC_10, rpc);
        dialects.put(Binding.HTTP_JSON_10, new HttpJsonDialect(mapper));
        dialects.put(Binding.JSONRPC_03, new JsonRpc03Dialect(rpc, mapper));
    }

    @PreDestroy
    void close() {
        clients.values().forEach(HttpClient::closeAndForget);
    }

    /** The agent's own client (see {@link #clients}). */
    private HttpClient http(String agent) {
        return clients.computeIfAbsent(agent, a -> vertx.createHttpClient(new HttpClientOptions()
                .setTracingPolicy(TracingPolicy.IGNORE)
                .setConnectTimeout((int) config.connectTimeout().toMillis())
                .setKeepAlive(true)
                .setMaxPoolSize(config.maxConnectionsPerHost())
                .setTcpNoDelay(true)
                .setDecompressionSupported(true)));
    }

    /**
     * A request on the agent's pool, handed to {@code use}. A call that is given up while it waits for a connection
     * (its timeout) would still get one later and send on it for nobody: such a request is closed as soon as its
     * connection comes. The request belongs to {@code use} only once {@code use} has it: it is handed over in the
     * operator right after the hand-over from the pool, so a call given up at that very instant (calls that waited
     * together time out together, as connections come free) never leaves a request that nobody closes.
     */
    private <T> Uni<T> open(String agent, RequestOptions options,
            Function<io.vertx.mutiny.core.http.HttpClientRequest, Uni<T>> use) {
        return Uni.createFrom().deferred(() -> {
            java.util.concurrent.atomic.AtomicBoolean owned = new java.util.concurrent.atomic.AtomicBoolean();
            return Uni.createFrom().<io.vertx.mutiny.core.http.HttpClientRequest>emitter(emitter -> {
                java.util.concurrent.atomic.AtomicBoolean gone = new java.util.concurrent.atomic.AtomicBoolean();
                emitter.onTermination(() -> gone.set(true));
                http(agent).getDelegate().request(options).onComplete(ar -> {
                    if (ar.failed()) {
                        if (!gone.get()) {
                            emitter.fail(ar.cause());
                        }
                        return;
                    }
                    var request = io.vertx.mutiny.core.http.HttpClientRequest.newInstance(ar.result());
                    emitter.complete(request); // dropped by a call already given up: then use never had it
                    if (!owned.get()) {
                        release(request);
                    }
                });
            }).onItem().transformToUni(request -> {
                owned.set(true);
                return use.apply(request);
            });
        });
    }

    /**
     * Closes the connection of a call that ends before its answer was read (a timeout, a failure, a caller that went
     * away), so that it goes back to nobody's pool half-read: the agent sees the connection closed.
     */
    private static void release(io.vertx.mutiny.core.http.HttpClientRequest request) {
        try {
            // HTTP/1.1: a reset alone leaves the half-read connection open at the agent, and back in the pool for the
            // next call while it closes: close it first, then reset what is left of the request.
            var connection = request.getDelegate().connection();
            if (connection != null) {
                connection.close();
            }
            request.reset();
        } catch (RuntimeException ignored) {
            // already closed
        }
    }


    /**
     * Fetches and validates the card at {@code <baseUrl>/.well-known/agent-card.json}: a 0.3 card is read as 1.0
     * ({@link V03#cardTo10}), and the card must offer an interface the client speaks ({@link Binding#choose}).
     */
    public Uni<AgentCard> fetchCard(String agent, String baseUrl) {
        String url = (baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl)
                + "/.well-known/agent-card.json";
        return observed(() -> telemetry.cardFetch(agent, CARD), observation -> retried(null, () -> {
            RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(url)
                    .setFollowRedirects(false)
                    .setIdleTimeout(config.cardTimeout().toMillis())
                    .putHeader("Accept", JSON).putHeader(A2aVersion.HEADER, A2aVersion.CURRENT);
            observation.inject(options::putHeader);
            return open(agent, options, req -> req.send()
                            .onCancellation().invoke(() -> release(req))
                            .onFailure().invoke(f -> release(req)))
                    .onItem().<AgentCard>transformToUni(response -> {
                        if (response.statusCode() != 200) {
                            return readBody(agent, response).map(body -> {
                                throw AgentException.invalid(agent, "GET " + url + " answered HTTP " + response.statusCode()
                                        + redirect(response));
                            });
                        }
                        return readBody(agent, response).map(body -> card(agent, url, body));
                    })
                    .ifNoItem().after(config.cardTimeout())
                    .failWith(() -> AgentException.timeout(agent, "no card from " + url + " within " + config.cardTimeout()))
                    .onFailure(f -> !(f instanceof AgentException)).transform(f -> AgentException.unreachable(agent, f));
        }));
    }

    /**
     * Whether a failed call may be made again: an idempotent one (a card fetch, GetTask, CancelTask,
     * SubscribeToTask: {@code method} null is a card fetch) that did not reach the agent or had no answer in time,
     * and any call whose connection was refused (it never reached the agent: a SendMessage too). An error the agent
     * answered, an unreadable answer, a limit or an open breaker are never retried.
     */
    static boolean retriable(A2aMethod method, Throwable failure) {
        if (!(failure instanceof AgentException e)) {
            return false;
        }
        if (e.kind() == AgentException.Kind.UNREACHABLE && refused(e)) {
            return true;
        }
        boolean idempotent = method == null || method == A2aMethod.GET_TASK || method == A2aMethod.CANCEL_TASK
                || method == A2aMethod.SUBSCRIBE_TO_TASK;
        return idempotent && (e.kind() == AgentException.Kind.UNREACHABLE || e.kind() == AgentException.Kind.TIMEOUT);
    }

    private static boolean refused(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.net.ConnectException) {
                return true;
            }
        }
        return false;
    }

    /** {@code call}, made again after a backoff while its failure is {@link #retriable} (at most max-retries times). */
    private <T> Uni<T> retried(A2aMethod method, Supplier<Uni<T>> call) {
        int retries = config.retry().maxRetries();
        Uni<T> once = Uni.createFrom().deferred(call::get);
        return retries <= 0 ? once : once.onFailure(f -> retriable(method, f)).retry()
                .withBackOff(config.retry().initialBackoff(), config.retry().maxBackoff()).atMost(retries);
    }

    private AgentCard card(String agent, String url, Buffer body) {
        AgentCard card;
        try {
            JsonNode tree = mapper.readTree(body.getBytes());
            card = mapper.treeToValue(V03.isCard03(tree) ? V03.cardTo10(tree) : tree, AgentCard.class).validate();
        } catch (com.fasterxml.jackson.databind.JsonMappingException e) {
            throw AgentException.invalid(agent, "the card at " + url + " is not a valid A2A card: "
                    + (e.getCause() instanceof IllegalArgumentException iae ? iae.getMessage()
                    : io.omniforge.a2a.JsonErrors.binding(e, "")));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw AgentException.invalid(agent, "the card at " + url + " is not JSON: " + io.omniforge.a2a.JsonErrors.syntax(e));
        } catch (java.io.IOException e) {
            throw AgentException.invalid(agent, "the card at " + url + " could not be read");
        } catch (RuntimeException e) {
            throw AgentException.invalid(agent, "the card at " + url + " is not a valid A2A card: " + e.getMessage());
        }
        if (Binding.choose(card).isEmpty()) {
            throw AgentException.invalid(agent, "the card at " + url + " offers no interface the gateway speaks: "
                    + Binding.refusal(card));
        }
        return card;
    }

    public Uni<SendMessageResponse> sendMessage(AgentTarget target, SendMessageRequest request) {
        return call(target, A2aMethod.SEND_MESSAGE, request, SendMessageResponse.class);
    }

    public Uni<Task> getTask(AgentTarget target, String taskId) {
        return call(target, A2aMethod.GET_TASK, new GetTaskRequest(null, taskId, null), Task.class);
    }

    public Uni<Task> cancelTask(AgentTarget target, String taskId) {
        return call(target, A2aMethod.CANCEL_TASK, new CancelTaskRequest(null, taskId, null), Task.class);
    }

    public Multi<StreamResponse> sendStreamingMessage(AgentTarget target, SendMessageRequest request) {
        return stream(target, A2aMethod.SEND_STREAMING_MESSAGE, request);
    }

    public Multi<StreamResponse> subscribeToTask(AgentTarget target, String taskId) {
        return stream(target, A2aMethod.SUBSCRIBE_TO_TASK, new SubscribeToTaskRequest(null, taskId));
    }

    /**
     * The agent's answer to {@code request} as events: its stream when it streams, else its one answer (a Task or a
     * Message) as the only event; recovered when it breaks ({@link #resilient}). What a task of one agent and an
     * orchestration's leg both follow.
     */
    public Multi<StreamResponse> answer(AgentTarget target, SendMessageRequest request) {
        Multi<StreamResponse> answer = target.streaming() ? sendStreamingMessage(target, request)
                : sendMessage(target, request).toMulti()
                        .map(r -> r.task() != null ? StreamResponse.of(r.task()) : StreamResponse.of(r.message()));
        return resilient(target, answer);
    }

    /**
     * An agent's answer, recovered when it breaks: if the connection fails (or the stream ends) before the task
     * reached a final or interrupted state and the agent already named its task, the task is followed again with
     * SubscribeToTask (when the agent streams) and, failing that, read with GetTask. What cannot be recovered ends
     * the stream as it ended (the consumer sees no final state and fails the task).
     */
    public Multi<StreamResponse> resilient(AgentTarget target, Multi<StreamResponse> answer) {
        return Multi.createFrom().deferred(() -> {
            // The recovering calls continue the trace of the call they recover, whatever thread notices the break.
            Context trace = Context.current();
            Progress progress = new Progress(null);
            return progress.follow(answer)
                    .onFailure(f -> f instanceof AgentException a && a.kind() == AgentException.Kind.UNREACHABLE
                            && progress.remote() != null)
                    .recoverWithCompletion()
                    .onCompletion().switchTo(() -> progress.ended() || progress.remote() == null ? Multi.createFrom().empty()
                            : recover(target, progress, trace));
        });
    }

    private Multi<StreamResponse> recover(AgentTarget target, Progress answer, Context trace) {
        String taskId = answer.remote();
        Progress resubscription = new Progress(taskId);
        Multi<StreamResponse> resubscribed = target.streaming()
                ? resubscription.follow(Telemetry.within(trace, () -> subscribeToTask(target, taskId)))
                        .onFailure(io.omniforge.a2a.A2aException.class::isInstance).recoverWithCompletion()
                : Multi.createFrom().empty();
        return resubscribed.onCompletion().switchTo(() -> resubscription.ended() ? Multi.createFrom().empty()
                : Telemetry.within(trace, () -> getTask(target, taskId).toMulti()).map(StreamResponse::of)
                        .onFailure(io.omniforge.a2a.A2aException.class::isInstance).recoverWithCompletion());
    }

    /**
     * An agent's task followed again by a process that did not start it (after a restart, or on the replica that
     * adopted it): SubscribeToTask when the agent streams, then GetTask every {@code pollEvery} until the task is
     * final or interrupted (an agent that does not stream, or whose subscription was refused or ended before the
     * task did). The events open with the task as the agent has it: a baseline, not a transition. While the agent
     * cannot be called (unreachable, its breaker open, at its limit) it is tried again, waiting longer each time, for
     * at most {@code deadline} since it last answered; then the stream fails UNREACHABLE saying so. An error the
     * agent answers (TaskNotFound: it no longer knows the task) fails the stream at once.
     */
    public Multi<StreamResponse> reattach(String agent, Supplier<Uni<AgentTarget>> target, String taskId,
            Duration pollEvery, Duration deadline) {
        return Multi.createFrom().deferred(() -> reattaching(agent, target, taskId, pollEvery, deadline));
    }

    /** One following of {@link #reattach}: its own clock of when the agent last answered. */
    private Multi<StreamResponse> reattaching(String agent, Supplier<Uni<AgentTarget>> target, String taskId,
            Duration pollEvery, Duration deadline) {
        AtomicLong heard = new AtomicLong(System.nanoTime());
        AtomicInteger attempts = new AtomicInteger();
        Multi<StreamResponse> once = Multi.createFrom().deferred(() -> target.get().onItem().transformToMulti(t -> {
            Progress progress = new Progress(taskId);
            Multi<StreamResponse> subscribed = t.streaming()
                    ? progress.follow(subscribeToTask(t, taskId))
                            .onFailure(f -> f instanceof io.omniforge.a2a.A2aException a && !waitable(a) && !notFound(a))
                            .recoverWithCompletion()
                    : Multi.createFrom().empty();
            return subscribed.onCompletion().switchTo(() -> progress.ended() ? Multi.createFrom().empty()
                    : poll(t, taskId, pollEvery));
        })).invoke(e -> {
            heard.set(System.nanoTime());
            attempts.set(0);
        });
        return once.onFailure().retry().when(failures -> failures.onItem().transformToUniAndConcatenate(f -> {
            long silentMs = (System.nanoTime() - heard.get()) / 1_000_000;
            if (!waitable(f) || silentMs >= deadline.toMillis()) {
                return Uni.createFrom().failure(waitable(f) ? new AgentException(AgentException.Kind.UNREACHABLE,
                        agent, io.omniforge.a2a.A2aError.INTERNAL_ERROR, "agent '" + agent + "' could not be called for "
                        + io.omniforge.util.Durations.words(deadline) + " while its task " + taskId
                        + " was followed again: " + f.getMessage(), f) : f);
            }
            long wait = Math.min(pollEvery.toMillis() << Math.min(attempts.getAndIncrement(), 5),
                    MAX_REATTACH_WAIT.toMillis());
            wait = Math.max(1, Math.min(wait, deadline.toMillis() - silentMs));
            return Uni.createFrom().item(f).onItem().delayIt().by(Duration.ofMillis(wait));
        }));
    }

    /** Longest wait between two tries of an agent that cannot be called while its task is followed again. */
    private static final Duration MAX_REATTACH_WAIT = Duration.ofSeconds(30);

    /** The agent's task read every {@code every} until it is final or interrupted; a read that changes nothing is not emitted. */
    private Multi<StreamResponse> poll(AgentTarget target, String taskId, Duration every) {
        AtomicReference<Task> last = new AtomicReference<>();
        AtomicBoolean first = new AtomicBoolean(true);
        return Multi.createBy().repeating()
                .uni(() -> first.getAndSet(false) ? getTask(target, taskId)
                        : Uni.createFrom().voidItem().onItem().delayIt().by(every).chain(() -> getTask(target, taskId)))
                .whilst(t -> t.status() == null || !t.status().state().endsStream())
                .filter(t -> !t.equals(last.getAndSet(t)))
                .map(StreamResponse::of);
    }

    /** A failure that says the agent could not be called now, not that it refused: worth waiting for. */
    private static boolean waitable(Throwable f) {
        return f instanceof AgentException e && (e.kind() == AgentException.Kind.UNREACHABLE
                || e.kind() == AgentException.Kind.TIMEOUT || e.kind() == AgentException.Kind.CIRCUIT_OPEN
                || e.kind() == AgentException.Kind.LIMITED);
    }

    private static boolean notFound(io.omniforge.a2a.A2aException a) {
        return a.error() == io.omniforge.a2a.A2aError.TASK_NOT_FOUND;
    }

    /**
     * What {@link #resilient} learns from one stream of an agent's answer: the agent's task, and whether the answer
     * reached its end (a message, or a final or interrupted state). A Task that opens the stream is a baseline, not a
     * transition: an agent's answer to a reply begins with its task as it stands, still INPUT_REQUIRED (the A2A SDKs'
     * agents do), and so does a resubscription. Its interrupted state counts only if the stream ends with it (then
     * the snapshot was the whole answer: a reply answered by one Task that asks again), not if the stream breaks.
     */
    private static final class Progress {
        private final AtomicReference<String> remote;
        private final AtomicBoolean ended = new AtomicBoolean();
        private final AtomicBoolean opening = new AtomicBoolean(true);
        /** The opening snapshot's state ends the answer, unless anything follows it. */
        private final AtomicBoolean held = new AtomicBoolean();

        Progress(String taskId) {
            this.remote = new AtomicReference<>(taskId);
        }

        Multi<StreamResponse> follow(Multi<StreamResponse> stream) {
            return stream.invoke(this::see).onCompletion().invoke(() -> {
                if (held.get()) {
                    ended.set(true);
                }
            });
        }

        private void see(StreamResponse e) {
            String id = e.taskId();
            if (id != null) {
                remote.compareAndSet(null, id);
            }
            boolean first = opening.getAndSet(false);
            held.set(false);
            TaskState state = e.state();
            if (first && e.task() != null && !state.isTerminal()) {
                held.set(state.endsStream());
            } else if (e.message() != null || (state != null && state.endsStream())) {
                ended.set(true);
            }
        }

        String remote() {
            return remote.get();
        }

        boolean ended() {
            return ended.get();
        }
    }

    /** The agent's circuit breaker: CLOSED, OPEN or HALF_OPEN. */
    public String breakerState(String agent) {
        return breakers.state(agent);
    }

    /**
     * {@code params} with the {@code tenant} the agent's interface declares (spec 8.3.2: every request carries exactly
     * that value, and none when the interface names none); the caller's own tenant is the gateway's, never sent.
     */
    static Object withTenant(Object params, String tenant) {
        if (params instanceof SendMessageRequest r) {
            return new SendMessageRequest(tenant, r.message(), r.configuration(), r.metadata());
        }
        if (params instanceof GetTaskRequest r) {
            return new GetTaskRequest(tenant, r.id(), r.historyLength());
        }
        if (params instanceof CancelTaskRequest r) {
            return new CancelTaskRequest(tenant, r.id(), r.metadata());
        }
        return params instanceof SubscribeToTaskRequest r ? new SubscribeToTaskRequest(tenant, r.id()) : params;
    }

    /** One call with a whole (JSON) answer, in the target's dialect. */
    <T> Uni<T> call(AgentTarget target, A2aMethod method, Object params, Class<T> resultType) {
        Duration timeout = target.callTimeout() != null ? target.callTimeout() : config.callTimeout();
        Dialect dialect = dialects.get(target.binding());
        return Uni.createFrom().deferred(() -> {
            // The request of this call while its answer is not read to its end: a call that ends without it (a
            // timeout, a caller gone) closes that connection here too, whatever the layers between pass on.
            AtomicReference<io.vertx.mutiny.core.http.HttpClientRequest> reading = new AtomicReference<>();
            return observed(() -> telemetry.agentCall(target.name(), method.wireName()),
                    // The agent's place (AgentLimits) is held from the request to the end of its answer.
                    observation -> limits.admitted(target.name(), () -> retried(method, () -> breakers.guarded(
                            target.name(), () -> Uni.createFrom().deferred(() -> send(target,
                                    dialect.request(method, withTenant(params, target.tenant()), target.url()), JSON,
                                    observation, timeout.plus(IDLE_BACKSTOP), reading))
                            .onItem().transformToUni(response -> readBody(target.name(), response)
                                    .invoke(body -> reading.set(null))
                                    .map(body -> dialect.result(answer(target.name(), method, response, body), resultType)))
                            .ifNoItem().after(timeout)
                            .failWith(() -> AgentException.timeout(target.name(), method.wireName() + " took longer than "
                                    + timeout))
                            .onFailure(f -> !(f instanceof io.omniforge.a2a.A2aException))
                            .transform(f -> isTimeout(f)
                                    ? AgentException.timeout(target.name(), method.wireName() + " took longer than " + timeout)
                                    : AgentException.unreachable(target.name(), f))))))
                    .onTermination().invoke((item, failure, cancelled) -> {
                        var unread = reading.getAndSet(null);
                        if (unread != null && (failure != null || cancelled)) {
                            release(unread);
                        }
                    });
        });
    }

    /**
     * A call answered by an SSE stream; an agent that answers plain JSON instead (a single result or an error) is
     * accepted too. Cancelling the Multi closes the connection.
     */
    Multi<StreamResponse> stream(AgentTarget target, A2aMethod method, Object params) {
        String agent = target.name();
        Dialect dialect = dialects.get(target.binding());
        return Multi.createFrom().deferred(() -> {
            AgentCall observation = telemetry.agentCall(agent, method.wireName());
            Runnable release;
            try {
                release = limits.admit(agent);
            } catch (AgentException limited) {
                end(observation, limited, false);
                return Multi.createFrom().<StreamResponse>failure(limited);
            }
            // The breaker sees the opening of a stream: a connection and an answer's head within the idle timeout.
            // It admits the call and is told how it went, but the response does not pass through its guard, which
            // hands results on a tick later: the body must be read from the tick its head arrives in.
            return retried(method, () -> breakers.admit(agent).chain(() -> Uni.createFrom().deferred(() -> send(target, dialect.request(method,
                            withTenant(params, target.tenant()), target.url()), EVENT_STREAM + ", " + JSON, observation,
                            config.streamIdleTimeout()))
                    .ifNoItem().after(config.streamIdleTimeout())
                    .failWith(() -> AgentException.timeout(agent, method.wireName() + " did not start streaming within "
                            + config.streamIdleTimeout()))
                    .onFailure(f -> !(f instanceof io.omniforge.a2a.A2aException))
                    .transform(f -> isTimeout(f) ? AgentException.timeout(agent, method.wireName()
                            + " did not start streaming within " + config.streamIdleTimeout())
                            : AgentException.unreachable(agent, f))
                    .onItemOrFailure().invoke((response, failure) -> breakers.record(agent, failure))))
                .onItem().transformToMulti(response -> {
                    String type = contentType(response);
                    if (response.statusCode() == 200 && type.startsWith(EVENT_STREAM)) {
                        return events(agent, method, dialect, response);
                    }
                    return readBody(agent, response).toMulti().map(bodyBuffer ->
                            dialect.result(answer(agent, method, response, bodyBuffer), StreamResponse.class));
                })
                .onFailure(f -> !(f instanceof io.omniforge.a2a.A2aException))
                .transform(f -> {
                    if (isTimeout(f)) {
                        return AgentException.timeout(agent, method.wireName() + " stream was silent for longer than "
                                + config.streamIdleTimeout());
                    }
                    if (f instanceof IllegalStateException) { // the line parser's size limit
                        return AgentException.invalid(agent, "a stream line exceeds " + config.maxResponseBytes() + " bytes");
                    }
                    return AgentException.unreachable(agent, f);
                })
                .onTermination().invoke((failure, cancelled) -> {
                    release.run();
                    end(observation, failure, cancelled);
                });
        });
    }

    /** The name the timer and the span give a card fetch. */
    static final String CARD = "GetAgentCard";

    /** Observes one call from its subscription to its end (see {@link AgentCall}). */
    private <T> Uni<T> observed(Supplier<AgentCall> start, Function<AgentCall, Uni<T>> call) {
        return Uni.createFrom().deferred(() -> {
            AgentCall observation = start.get();
            return call.apply(observation)
                    .onItemOrFailure().invoke((item, failure) -> end(observation, failure, false))
                    .onCancellation().invoke(observation::cancelled);
        });
    }

    private static void end(AgentCall observation, Throwable failure, boolean cancelled) {
        if (cancelled) {
            observation.cancelled();
        } else if (failure == null) {
            observation.succeeded();
        } else if (failure instanceof AgentException e) {
            observation.failed(e.kind().name().toLowerCase(Locale.ROOT), e.error().code());
        } else if (failure instanceof io.omniforge.a2a.A2aException e) {
            observation.failed("error", e.error().code());
        } else {
            observation.failed("error", null);
        }
    }

    private Multi<StreamResponse> events(String agent, A2aMethod method, Dialect dialect, HttpClientResponse response) {
        RecordParser lines = RecordParser.newDelimited("\n", response).maxRecordSize(config.maxResponseBytes());
        SseDecoder decoder = new SseDecoder(config.maxResponseBytes());
        return lines.toMulti()
                .map(b -> b.toString(java.nio.charset.StandardCharsets.UTF_8))
                .onItem().transformToIterable(line -> {
                    try {
                        return decoder.line(line);
                    } catch (IllegalStateException e) {
                        throw AgentException.invalid(agent, e.getMessage());
                    }
                })
                .onCompletion().continueWith(decoder::end)
                .map(data -> dialect.event(answer(agent, method, response, Buffer.buffer(data))))
                .onCancellation().invoke(() -> {
                    // Nobody reads this stream any more: the reset's own failure has no one to go to (it would be
                    // logged as an error Mutiny had to drop).
                    response.exceptionHandler(ignored -> { });
                    response.request().reset();
                });
    }

    /**
     * A whole call's connection idles out this long after the call's own timer, which ends the call first and says so
     * (TIMEOUT): the two at the same instant race, and a connection reset by its idle timer reads "closed".
     */
    private static final Duration IDLE_BACKSTOP = Duration.ofSeconds(1);

    /** Sends one request of a dialect, with the target's headers and the call's trace. */
    private Uni<HttpClientResponse> send(AgentTarget target, Dialect.Request request, String accept, AgentCall observation,
            Duration idle) {
        return send(target, request, accept, observation, idle, null);
    }

    /** As above; {@code sent} (when not null) holds the request from the moment it has its connection. */
    private Uni<HttpClientResponse> send(AgentTarget target, Dialect.Request request, String accept, AgentCall observation,
            Duration idle, AtomicReference<io.vertx.mutiny.core.http.HttpClientRequest> sent) {
        RequestOptions options = new RequestOptions().setMethod(request.method()).setAbsoluteURI(request.url())
                .setFollowRedirects(false)
                .setIdleTimeout(idle.toMillis())
                .putHeader("Accept", accept);
        if (request.body() != null) {
            options.putHeader("Content-Type", JSON);
        }
        if (request.version() != null) {
            options.putHeader(A2aVersion.HEADER, request.version());
        }
        target.headers().forEach(options::putHeader);
        observation.inject(options::putHeader);
        return open(target.name(), options, req -> {
            if (sent != null) {
                sent.set(req);
            }
            return (request.body() == null ? req.send() : req.send(request.body()))
                    .onCancellation().invoke(() -> release(req))
                    .onFailure().invoke(f -> release(req));
        });
    }

    /** Reads a whole body, failing once it grows past the configured limit instead of buffering without bound. */
    private Uni<Buffer> readBody(String agent, HttpClientResponse response) {
        int max = config.maxResponseBytes();
        return response.toMulti()
                .collect().in(Buffer::buffer, (acc, chunk) -> {
                    if (acc.length() + chunk.length() > max) {
                        throw AgentException.invalid(agent, "the response exceeds " + max + " bytes");
                    }
                    acc.appendBuffer(chunk);
                })
                // A body not read to its end (too slow, too large, nobody waiting) closes its connection.
                .onCancellation().invoke(() -> release(response.request()))
                .onFailure().invoke(f -> release(response.request()));
    }

    /** What an agent answered, for its dialect to read; a redirect is refused here, whatever the dialect. */
    private static Dialect.Answer answer(String agent, A2aMethod method, HttpClientResponse response, Buffer body) {
        if (!redirect(response).isEmpty()) {
            throw AgentException.invalid(agent, method.wireName() + " answered HTTP " + response.statusCode() + redirect(response));
        }
        return new Dialect.Answer(agent, method, response.statusCode(), contentType(response), body);
    }

    /** Vert.x reports an idle timeout with its own exception type; Mutiny's deadline with TimeoutException. */
    private static boolean isTimeout(Throwable f) {
        return f instanceof TimeoutException || f.getClass().getSimpleName().contains("Timeout");
    }

    /** Redirects are never followed: one could lead to an address the agent URL guard refuses. */
    private static String redirect(HttpClientResponse response) {
        int status = response.statusCode();
        return status >= 300 && status < 400 ? " (a redirect to " + response.getHeader("Location") + ", not followed)" : "";
    }

    private static String contentType(HttpClientResponse response) {
        String type = response.getHeader("Content-Type");
        return type == null ? "" : type.toLowerCase(Locale.ROOT);
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String message = t.getMessage();
        if (message != null && message.contains("\n")) {
            message = message.substring(0, message.indexOf('\n'));
        }
        return message == null ? t.getClass().getSimpleName() : message;
    }
}
