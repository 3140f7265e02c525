import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The OmniForge benchmark (docs/BENCHMARKS.md). It starts two processes of the packaged service: one with only the
 * demo agents (the agents), one as the gateway in production mode on a fresh SQLite file with those agents
 * declared in its configuration; then it drives load from this, a third process, prints a table and writes the
 * figures to target/bench/results.json. Options: --quick (smaller counts, under 2 minutes), --only N (figure N only,
 * 1 to 7), --out DIR. A run with any error exits 1. Environment: BENCH_GATEWAY_JVM_OPTS and BENCH_AGENTS_JVM_OPTS
 * add JVM options to either process, BENCH_GATEWAY_JAR runs another build as the gateway.
 */
public final class Bench {

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    static final String ORCH = "urn:omniforge:a2a:orchestration:v1";
    static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");
    static final String GATEWAY_HEAP = "-Xmx192m -XX:+UseSerialGC";
    /** Figure 5's chunks per second per agent: more than the gateway can take here, and a rate it keeps up with. */
    static final int FLOOD = 20_000;
    static final int PACED = 1_000;
    /** How many of the stored tasks and threads figure 6 picks from. */
    static final int KEPT_IDS = 10_000;

    final boolean quick;
    final int only;
    final Path out;
    final Vertx vertx;
    final HttpClient http;
    final List<Row> rows = new ArrayList<>();
    final List<String> failures = new ArrayList<>();
    final Map<String, Object> facts = new LinkedHashMap<>();
    Process agents;
    Process gateway;
    String agentsUrl;
    String gatewayUrl;
    /** Threads the gateway stores: every message without a contextId starts one. */
    final AtomicLong threads = new AtomicLong();
    /** Live heap (after a full GC) that the open streams of figure 6 added. */
    double openStreamsHeapMiB = Double.NaN;
    /** The gateway's resident memory (after a full GC) with figure 6's streams open. */
    double openStreamsResidentMiB = Double.NaN;
    /** Some of the gateway's tasks and threads, to read and continue. */
    final List<String> taskIds = Collections.synchronizedList(new ArrayList<>());
    final List<String> contextIds = Collections.synchronizedList(new ArrayList<>());

    /** One line of the table: a measured case, its load settings, its latencies and what it says. */
    record Row(int figure, String name, String settings, long count, long errors, double p50, double p99,
            Map<String, Object> figures) {
    }

    Bench(boolean quick, int only, Path out) {
        this.quick = quick;
        this.only = only;
        this.out = out;
        this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
        this.http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true)
                .setIdleTimeout(120).setConnectTimeout(5_000), new PoolOptions().setHttp1MaxSize(1_200)
                .setMaxWaitQueueSize(10_000));
    }

    public static void main(String[] args) throws Exception {
        boolean quick = false;
        int only = 0;
        Path out = Path.of("target/bench");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--only" -> only = Integer.parseInt(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                default -> {
                    System.err.println("usage: bench/run.sh [--quick] [--no-build] [--only 1-7] [--out DIR]; unknown: " + args[i]);
                    System.exit(2);
                }
            }
        }
        if (!Files.isRegularFile(JAR)) {
            System.err.println(JAR + " is missing: build it with ./mvnw -B package -DskipTests (bench/run.sh does)");
            System.exit(2);
        }
        Files.createDirectories(out);
        Bench bench = new Bench(quick, only, out);
        int code;
        try {
            code = bench.run();
        } finally {
            bench.stop();
        }
        System.exit(code);
    }

    boolean wanted(int figure) {
        return only == 0 || only == figure;
    }

    int run() throws Exception {
        long begin = System.nanoTime();
        facts.put("mode", quick ? "quick" : "full");
        facts.put("date", Instant.now().toString());
        facts.put("cores", Runtime.getRuntime().availableProcessors());
        facts.put("java", System.getProperty("java.vm.name") + " " + Runtime.version());
        facts.put("cpu", cpuModel());
        facts.put("gatewayHeap", GATEWAY_HEAP);
        int agentsPort = freePort();
        int gatewayPort = freePort();
        agentsUrl = "http://127.0.0.1:" + agentsPort;
        gatewayUrl = "http://127.0.0.1:" + gatewayPort;
        agents = startAgents(agentsPort);
        waitReady(agentsUrl, agents, "agents");
        long started = System.nanoTime();
        gateway = startGateway(gatewayPort);
        waitReady(gatewayUrl, gateway, "gateway");
        double readyMs = (System.nanoTime() - started) / 1e6;
        sleep(1_000);
        fullGc(gateway);
        double idleMiB = rssMiB(gateway);
        System.out.printf(Locale.ROOT, "gateway ready in %.0f ms, %.0f MiB resident idle (pid %d); agents pid %d%n",
                readyMs, idleMiB, gateway.pid(), agents.pid());

        int small = quick ? 1_000 : 1_000;
        int large = quick ? 10_000 : 100_000;
        if (wanted(6)) {
            seed(small);
            growth();
        }
        if (wanted(1)) {
            proxy();
        }
        if (wanted(2)) {
            fanOut();
        }
        if (wanted(3)) {
            sequential();
        }
        if (wanted(7)) {
            handoff();
        }
        double streamsMiB = wanted(6) ? openStreams(quick ? 200 : 1_000) : Double.NaN;
        double loadMiB = Double.NaN;
        if (wanted(4)) {
            loadMiB = throughput();
        }
        if (wanted(6)) {
            // The figures before have stored more than this already in a full run: the row says how many there are.
            seed(large);
            growth();
            rows.add(new Row(6, "memory and start", "gateway process", 1, 0, Double.NaN, Double.NaN,
                    figures("readyMs", round(readyMs), "idleMiB", round(idleMiB), "underLoadMiB", round(loadMiB),
                            "openStreamsMiB", round(openStreamsResidentMiB),
                            "openStreamsExtraMiB", round(streamsMiB), "openStreamsExtraHeapMiB", round(openStreamsHeapMiB),
                            "openStreams", quick ? 200 : 1_000)));
        }
        // Last: 100 subscribers leave the process's native memory at its high-water mark.
        if (wanted(5)) {
            streams(1, FLOOD);
            streams(1, PACED);
            streams(100, FLOOD);
        }
        facts.put("seconds", round((System.nanoTime() - begin) / 1e9));
        report();
        if (!failures.isEmpty()) {
            System.out.println("FAILED:");
            failures.forEach(f -> System.out.println("  " + f));
            return 1;
        }
        return 0;
    }

    // --- the figures ----------------------------------------------------------------------------------------

    /** 1: SendMessage to echo through the gateway and straight to the agent, same client and concurrency. */
    void proxy() {
        for (int concurrency : new int[] {1, 64}) {
            int n = concurrency == 1 ? (quick ? 500 : 3_000) : (quick ? 5_000 : 30_000);
            String direct = agentsUrl + "/demo/echo/a2a";
            Stats straight = load("proxy direct c" + concurrency, concurrency, n, n / 5,
                    () -> call(direct, send("hello", null, null)).map(this::completed));
            Stats through = load("proxy gateway c" + concurrency, concurrency, n, n / 5,
                    () -> call(gatewayUrl + "/a2a", send("hello", agent("echo"), null)).map(this::completedNewThread));
            String settings = "SendMessage to echo, concurrency " + concurrency + ", " + n + " requests";
            rows.add(row(1, "direct to agent c" + concurrency, settings, straight, figures()));
            rows.add(row(1, "through gateway c" + concurrency, settings, through, figures(
                    "ratioP50", round(through.p50() / straight.p50()),
                    "addedP50ms", round(through.p50() - straight.p50()),
                    "addedP99ms", round(through.p99() - straight.p99()),
                    "throughputPerSecond", round(through.perSecond()),
                    "gatewayCpuUsPerRequest", round(through.gatewayCpuUs()))));
        }
    }

    /** 2: a parallel orchestration of N echo agents that each answer after 50 ms. */
    void fanOut() {
        int count = quick ? 20 : 100;
        // The agent's own answer after D, straight: what an orchestration cannot beat.
        Stats direct = load("direct D=50", 1, count, 5,
                () -> call(agentsUrl + "/demo/echo/a2a", send("wait:50 direct", null, null)).map(this::completed));
        rows.add(row(2, "one agent direct D=50ms", "concurrency 1, " + count + " calls straight to echo", direct,
                figures("overDp50ms", round(direct.p50() - 50), "overDp99ms", round(direct.p99() - 50))));
        for (int n : new int[] {1, 4, 16}) {
            ObjectNode plan = plan("parallel", n);
            Stats s = load("fan-out " + n, 1, count, 5,
                    () -> call(gatewayUrl + "/a2a", send("wait:50 fan-out", plan, null)).map(this::completedNewThread));
            rows.add(row(2, "parallel N=" + n + " D=50ms", "concurrency 1, " + count + " orchestrations", s,
                    figures("overDp50ms", round(s.p50() - 50), "overDp99ms", round(s.p99() - 50),
                            "overDirectP50ms", round(s.p50() - direct.p50()))));
        }
    }

    /** 3: a pipeline of 4 echo agents of 20 ms each (each passes the wait on to the next). */
    void sequential() {
        int count = quick ? 20 : 100;
        ObjectNode plan = plan("sequential", 4);
        Stats s = load("sequential 4", 1, count, 5,
                () -> call(gatewayUrl + "/a2a", send("wait:20 pipeline", plan, null)).map(this::completedNewThread));
        Stats direct = load("direct D=20", 1, count, 5,
                () -> call(agentsUrl + "/demo/echo/a2a", send("wait:20 direct", null, null)).map(this::completed));
        rows.add(row(3, "one agent direct D=20ms", "concurrency 1, " + count + " calls straight to echo", direct,
                figures("overDp50ms", round(direct.p50() - 20))));
        rows.add(row(3, "sequential 4 x D=20ms", "concurrency 1, " + count + " orchestrations", s,
                figures("over4Dp50ms", round(s.p50() - 80), "over4Dp99ms", round(s.p99() - 80),
                        "over4DirectP50ms", round(s.p50() - 4 * direct.p50()))));
    }

    /** 4: orchestrated SendMessage per second, persistence on, zero-delay agents; returns the peak RSS (MiB). */
    double throughput() {
        double peak = 0;
        for (int concurrency : new int[] {64, 256}) {
            int n = quick ? 5_000 : 60_000;
            AtomicReference<Double> max = new AtomicReference<>(0.0);
            long timer = vertx.setPeriodic(250, id -> max.accumulateAndGet(rssMiB(gateway), Math::max));
            Stats s = load("throughput c" + concurrency, concurrency, n, n / 10,
                    () -> call(gatewayUrl + "/a2a", send("hello", agent("echo"), null)).map(this::completedNewThread));
            vertx.cancelTimer(timer);
            peak = Math.max(peak, max.get());
            rows.add(row(4, "throughput c" + concurrency, "SendMessage to echo via gateway, concurrency " + concurrency
                    + ", " + n + " requests", s, figures("perSecond", round(s.perSecond()), "gatewayCpuUsPerRequest",
                    round(s.gatewayCpuUs()), "peakMiB", round(max.get()))));
        }
        return peak;
    }

    /**
     * 5: four echo agents stream chunks at once (a parallel orchestration); one client follows the task by
     * SendStreamingMessage and {@code subscribers - 1} more by SubscribeToTask. Each chunk says when its agent made
     * it; each client notes when it arrived. At {@link #FLOOD} chunks per second per agent, more than the gateway can
     * take on these two cores: the events per second it delivers; at a lower rate, the time an event takes through
     * it when it keeps up.
     */
    void streams(int subscribers, int rate) throws Exception {
        boolean flood = rate == FLOOD;
        int chunks = flood ? (quick ? 1_000 : 10_000) : rate * (quick ? 1 : 5);
        long waitMs = subscribers > 1 ? 1_500 : 0;
        Latencies latency = new Latencies(2_000_000);
        AtomicLong delivered = new AtomicLong();
        AtomicLong firstChunk = new AtomicLong(Long.MAX_VALUE);
        AtomicLong lastChunk = new AtomicLong();
        AtomicInteger broken = new AtomicInteger();
        Consumer<String> onEvent = data -> {
            int at = data.indexOf("at=");
            if (at < 0 || !data.contains("\"artifactUpdate\"") || data.contains("\"name\":\"synthesis\"")) {
                return;
            }
            long now = epochMicros();
            long made = digits(data, at + 3);
            latency.add(now - made);
            delivered.incrementAndGet();
            firstChunk.accumulateAndGet(System.nanoTime(), Math::min);
            lastChunk.accumulateAndGet(System.nanoTime(), Math::max);
        };
        String text = (waitMs > 0 ? "wait:" + waitMs + " " : "") + "stream:" + chunks + " rate:" + rate;
        CompletableFuture<String> taskId = new CompletableFuture<>();
        List<Future<Void>> ends = new ArrayList<>();
        java.util.concurrent.atomic.AtomicReference<String> first = new java.util.concurrent.atomic.AtomicReference<>();
        ends.add(stream(gatewayUrl + "/a2a", "SendStreamingMessage", params(text, plan("parallel", 4), null), data -> {
            first.compareAndSet(null, data.length() > 500 ? data.substring(0, 500) : data);
            if (!taskId.isDone() && data.contains("\"task\"")) {
                taskId.complete(field(data, "\"id\":\""));
            }
            onEvent.accept(data);
        }));
        threads.incrementAndGet();
        // The first stream failing (an HTTP or JSON-RPC error) fails the wait at once, saying why.
        ends.get(0).onFailure(f -> taskId.completeExceptionally(new IllegalStateException("the stream failed: " + f.getMessage(), f)));
        String id;
        try {
            id = taskId.get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("streams x" + subscribers + ": no task event within 30 s; the stream "
                    + (ends.get(0).isComplete() ? "ended " + (ends.get(0).succeeded() ? "normally" : "with " + ends.get(0).cause())
                    : "is still open") + "; its first event: " + first.get(), e);
        }
        for (int i = 1; i < subscribers; i++) {
            ObjectNode p = JSON.createObjectNode().put("id", id);
            ends.add(stream(gatewayUrl + "/a2a", "SubscribeToTask", p, onEvent));
        }
        for (Future<Void> end : ends) {
            try {
                end.toCompletionStage().toCompletableFuture().get(600, TimeUnit.SECONDS);
            } catch (Exception e) {
                broken.incrementAndGet();
                failure("streams x" + subscribers + ": a stream failed: " + e.getMessage());
            }
        }
        long expected = (long) chunks * 4 * subscribers;
        if (delivered.get() != expected) {
            failure("streams x" + subscribers + ": " + delivered.get() + " chunks delivered, " + expected + " expected");
        }
        double seconds = Math.max(1e-9, (lastChunk.get() - firstChunk.get()) / 1e9);
        double[] p = latency.percentiles();
        double peak = rssMiB(gateway);
        rows.add(new Row(5, "streams, " + subscribers + " subscriber" + (subscribers > 1 ? "s" : "")
                + (flood ? "" : ", 4 x " + rate + "/s"),
                "4 echo agents x " + chunks + " chunks at " + rate + "/s each, " + subscribers + " client stream(s)",
                delivered.get(), broken.get() + Math.abs(expected - delivered.get()), p[0] / 1000.0, p[1] / 1000.0,
                figures("deliveredPerSecond", round(delivered.get() / seconds),
                        "routerEventsPerSecond", round(delivered.get() / (double) subscribers / seconds),
                        "residentMiB", round(peak),
                        "latency", "agent made the chunk -> client read it")));
    }

    /** 6: GetTask, and a message in an existing thread, with the threads stored so far (a sample of all of them). */
    void growth() {
        long stored = threads.get();
        int n = quick ? 300 : 2_000;
        // A long warm-up: the first measurement comes right after the start, and a cold JIT would make the
        // thousand-thread figure look slower than the hundred-thousand one. Neither adds threads.
        int warm = quick ? 1_000 : 5_000;
        Stats get = load("GetTask @" + stored, 1, n, warm, () -> {
            String id = pick(taskIds);
            return call(gatewayUrl + "/a2a", rpc("GetTask", JSON.createObjectNode().put("id", id))).map(r -> {
                if (!r.path("result").path("id").asText().equals(id)) {
                    throw new IllegalStateException("GetTask answered " + r);
                }
                return null;
            });
        });
        Stats more = load("message in thread @" + stored, 1, n / 2, warm / 2,
                () -> call(gatewayUrl + "/a2a", send("once more", agent("echo"), pick(contextIds))).map(this::completed));
        rows.add(row(6, "GetTask, " + stored + " threads", "concurrency 1, " + n + " reads of random tasks", get,
                figures("threadsStored", stored)));
        rows.add(row(6, "message in thread, " + stored + " threads", "concurrency 1, " + n / 2
                + " SendMessage to random threads", more, figures("threadsStored", stored)));
    }

    /** 6: opens this many SubscribeToTask streams on waiting tasks; returns the resident memory they add (MiB). */
    double openStreams(int count) throws Exception {
        int perTask = 100;
        int tasks = (count + perTask - 1) / perTask;
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < tasks; i++) {
            ObjectNode p = params("wait:120000 hold", agent("echo"), null);
            p.putObject("configuration").put("returnImmediately", true);
            JsonNode r = await(call(gatewayUrl + "/a2a", rpc("SendMessage", p)));
            ids.add(r.path("result").path("task").path("id").asText());
            threads.incrementAndGet();
        }
        sleep(1_000);
        fullGc(gateway);
        double before = rssMiB(gateway);
        double heapBefore = heapUsedMiB(gateway);
        java.util.concurrent.CountDownLatch opened = new java.util.concurrent.CountDownLatch(count);
        List<Future<Void>> ends = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ObjectNode p = JSON.createObjectNode().put("id", ids.get(i / perTask));
            AtomicInteger seen = new AtomicInteger();
            ends.add(stream(gatewayUrl + "/a2a", "SubscribeToTask", p, data -> {
                if (seen.getAndIncrement() == 0) {
                    opened.countDown();
                }
            }));
        }
        if (!opened.await(60, TimeUnit.SECONDS)) {
            failure("open streams: only " + (count - opened.getCount()) + " of " + count + " streams opened");
        }
        sleep(2_000);
        fullGc(gateway);
        double after = rssMiB(gateway);
        double heapAfter = heapUsedMiB(gateway);
        openStreamsHeapMiB = heapAfter - heapBefore;
        openStreamsResidentMiB = after;
        for (String id : ids) {
            await(call(gatewayUrl + "/a2a", rpc("CancelTask", JSON.createObjectNode().put("id", id))));
        }
        for (Future<Void> end : ends) {
            try {
                end.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                failure("open streams: a stream did not end after its task was canceled: " + e.getMessage());
                break;
            }
        }
        System.out.printf(Locale.ROOT, "  %d open streams: %.0f -> %.0f MiB resident, %.1f -> %.1f MiB live heap%n", count,
                before, after, heapBefore, heapAfter);
        return after - before;
    }

    /**
     * 7: from triage's handoff request (the agent stamps when it makes it, {@code requestedAt}) to the client's receipt
     * of billing's first event; and the part of it after the client got the request.
     */
    void handoff() throws Exception {
        int count = quick ? 10 : 50;
        Latencies latency = new Latencies(count);
        Latencies afterReceipt = new Latencies(count);
        for (int i = 0; i < count + 3; i++) {
            AtomicLong asked = new AtomicLong();
            AtomicLong requested = new AtomicLong();
            AtomicLong target = new AtomicLong();
            boolean measured = i >= 3;
            Future<Void> end = stream(gatewayUrl + "/a2a", "SendStreamingMessage",
                    params("I was charged twice, please refund", null, null), data -> {
                        if (requested.get() == 0 && data.contains("urn:omniforge:a2a:handoff:v1")
                                && data.contains("\"artifactUpdate\"")) {
                            requested.set(System.nanoTime());
                            asked.set(toEpochMicros(Instant.parse(field(data, "\"requestedAt\":\""))));
                        } else if (requested.get() != 0 && target.get() == 0 && data.contains("\"agent\":\"billing\"")) {
                            target.set(System.nanoTime());
                            if (measured) {
                                latency.add(epochMicros() - asked.get());
                            }
                        }
                    });
            threads.incrementAndGet();
            end.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
            if (requested.get() == 0 || target.get() == 0) {
                failure("handoff: the stream had " + (requested.get() == 0 ? "no handoff request" : "no event of billing"));
                return;
            }
            if (measured) {
                afterReceipt.add((target.get() - requested.get()) / 1_000);
            }
        }
        double[] p = latency.percentiles();
        double[] after = afterReceipt.percentiles();
        rows.add(new Row(7, "handoff triage -> billing", "concurrency 1, " + count + " streamed handoffs", count, 0,
                p[0] / 1000.0, p[1] / 1000.0, figures("latency", "triage made its handoff request -> client got billing's first event",
                        "afterClientGotRequestP50Ms", round(after[0] / 1000.0), "afterClientGotRequestP99Ms", round(after[1] / 1000.0))));
    }

    /** Sends new messages to echo until the gateway stores {@code target} threads, keeping some of their ids. */
    void seed(int target) {
        long missing = target - threads.get();
        if (missing <= 0) {
            return;
        }
        long start = System.nanoTime();
        Stats s = load("seed to " + target + " threads", 64, (int) missing, 0,
                () -> call(gatewayUrl + "/a2a", send("seed", agent("echo"), null)).map(this::completedNewThread));
        System.out.printf(Locale.ROOT, "  seeded %d threads in %.1f s (%d errors)%n", missing,
                (System.nanoTime() - start) / 1e9, s.errors());
    }

    // --- load ---------------------------------------------------------------------------------------------

    /** Latencies (ms) of one closed-loop run, its errors and its rate. */
    /** {@code gatewayCpuUs}: the gateway process's CPU time (all its threads) per measured request, in µs. */
    record Stats(long count, long errors, double p50, double p99, double perSecond, double gatewayCpuUs) {
    }

    /** The gateway process's CPU time so far (user and system, all threads), in µs; 0 when it is not known. */
    long gatewayCpuMicros() {
        return gateway == null ? 0 : gateway.toHandle().info().totalCpuDuration().map(d -> d.toNanos() / 1_000).orElse(0L);
    }

    /**
     * A closed loop: {@code concurrency} clients, each sending its next request when the last one is answered,
     * {@code warmup} requests not counted, then {@code count} measured.
     */
    Stats load(String name, int concurrency, int count, int warmup, Supplier<Future<Void>> op) {
        int total = warmup + count;
        long[] latencies = new long[count];
        AtomicInteger issued = new AtomicInteger();
        AtomicInteger recorded = new AtomicInteger();
        AtomicLong errors = new AtomicLong();
        AtomicReference<String> firstError = new AtomicReference<>();
        AtomicLong measuredStart = new AtomicLong();
        AtomicLong cpuStart = new AtomicLong();
        CompletableFuture<Void> done = new CompletableFuture<>();
        AtomicInteger finished = new AtomicInteger();
        Runnable[] loop = new Runnable[1];
        loop[0] = () -> {
            int i = issued.getAndIncrement();
            if (i >= total) {
                if (finished.incrementAndGet() == Math.min(concurrency, total)) {
                    done.complete(null);
                }
                return;
            }
            if (i == warmup && measuredStart.compareAndSet(0, System.nanoTime())) {
                cpuStart.set(gatewayCpuMicros());
            }
            long t0 = System.nanoTime();
            Future<Void> f;
            try {
                f = op.get();
            } catch (RuntimeException e) {
                f = Future.failedFuture(e);
            }
            f.onComplete(ar -> {
                long took = System.nanoTime() - t0;
                if (ar.failed()) {
                    errors.incrementAndGet();
                    firstError.compareAndSet(null, String.valueOf(ar.cause().getMessage()));
                } else if (i >= warmup) {
                    int at = recorded.getAndIncrement();
                    if (at < latencies.length) {
                        latencies[at] = took;
                    }
                }
                loop[0].run();
            });
        };
        measuredStart.set(warmup == 0 ? System.nanoTime() : 0);
        cpuStart.set(warmup == 0 ? gatewayCpuMicros() : 0);
        for (int c = 0; c < Math.min(concurrency, total); c++) {
            vertx.runOnContext(v -> loop[0].run());
        }
        try {
            done.get(30, TimeUnit.MINUTES);
        } catch (Exception e) {
            throw new IllegalStateException(name + " did not finish: " + e, e);
        }
        double seconds = (System.nanoTime() - measuredStart.get()) / 1e9;
        long cpu = gatewayCpuMicros() - cpuStart.get();
        int n = Math.min(recorded.get(), latencies.length);
        long[] sorted = Arrays.copyOf(latencies, n);
        Arrays.sort(sorted);
        Stats s = new Stats(n, errors.get(), percentile(sorted, 0.50) / 1e6, percentile(sorted, 0.99) / 1e6,
                n / seconds, n == 0 ? Double.NaN : (double) cpu / n);
        if (errors.get() > 0) {
            failure(name + ": " + errors.get() + " errors, the first: " + firstError.get());
        }
        System.out.printf(Locale.ROOT, "  %-32s n=%-6d errors=%-3d p50=%8.2f ms  p99=%8.2f ms  %9.0f/s%n", name, n,
                errors.get(), s.p50(), s.p99(), s.perSecond());
        return s;
    }

    static double percentile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
    }

    /** A bounded sample of latencies in microseconds (the first {@code max}, then every value replaces one at random). */
    static final class Latencies {
        private final long[] values;
        private long seen;

        Latencies(int max) {
            values = new long[max];
        }

        synchronized void add(long micros) {
            if (seen < values.length) {
                values[(int) seen] = micros;
            } else {
                long j = ThreadLocalRandom.current().nextLong(seen + 1);
                if (j < values.length) {
                    values[(int) j] = micros;
                }
            }
            seen++;
        }

        synchronized double[] percentiles() {
            long[] sorted = Arrays.copyOf(values, (int) Math.min(seen, values.length));
            Arrays.sort(sorted);
            return new double[] {percentile(sorted, 0.50), percentile(sorted, 0.99)};
        }
    }

    // --- A2A over HTTP ------------------------------------------------------------------------------------

    static ObjectNode agent(String name) {
        ObjectNode o = JSON.createObjectNode();
        o.putObject(ORCH).put("agent", name);
        return o;
    }

    /** An ad hoc orchestration of {@code n} echo agents. */
    static ObjectNode plan(String strategy, int n) {
        ObjectNode o = JSON.createObjectNode();
        ObjectNode p = o.putObject(ORCH).put("strategy", strategy).put("maxConcurrency", 16);
        ArrayNode list = p.putArray("agents");
        for (int i = 0; i < n; i++) {
            list.add("echo");
        }
        return o;
    }

    static ObjectNode params(String text, ObjectNode metadata, String contextId) {
        ObjectNode params = JSON.createObjectNode();
        ObjectNode m = params.putObject("message").put("messageId", UUID.randomUUID().toString()).put("role", "ROLE_USER");
        m.putArray("parts").addObject().put("text", text);
        if (contextId != null) {
            m.put("contextId", contextId);
        }
        if (metadata != null) {
            m.set("metadata", metadata);
        }
        return params;
    }

    static String send(String text, ObjectNode metadata, String contextId) {
        return rpc("SendMessage", params(text, metadata, contextId));
    }

    static final AtomicLong IDS = new AtomicLong();

    static String rpc(String method, JsonNode params) {
        ObjectNode r = JSON.createObjectNode().put("jsonrpc", "2.0").put("id", IDS.incrementAndGet()).put("method", method);
        r.set("params", params);
        return r.toString();
    }

    /** One JSON-RPC call; fails on an HTTP status other than 200 or a JSON-RPC error. */
    /**
     * {@code work} started on an event loop: from another thread (the harness's own), the steps a request's future
     * runs could be added after its response arrived, and a response's data that arrives before its handler is set is
     * lost.
     */
    <T> Future<T> onLoop(java.util.function.Supplier<Future<T>> work) {
        if (Vertx.currentContext() != null) {
            return work.get();
        }
        Promise<T> started = Promise.promise();
        vertx.getOrCreateContext().runOnContext(v -> work.get().onComplete(started));
        return started.future();
    }

    Future<JsonNode> call(String url, String body) {
        return onLoop(() -> http.request(new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url).setIdleTimeout(60_000)
                        .putHeader("Content-Type", "application/json").putHeader("A2A-Version", "1.0"))
                // The body is asked for in the event-loop task that sends the request (see onLoop).
                .compose(req -> req.send(body).compose(resp -> resp.body().map(b -> {
                    if (resp.statusCode() != 200) {
                        throw new IllegalStateException("HTTP " + resp.statusCode() + ": " + b);
                    }
                    JsonNode r;
                    try {
                        r = JSON.readTree(b.getBytes());
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    if (r.has("error")) {
                        throw new IllegalStateException("JSON-RPC error " + r.get("error"));
                    }
                    return r;
                }))));
    }

    /** The answer is a completed task. */
    Void completed(JsonNode r) {
        JsonNode task = r.path("result").path("task");
        String state = task.path("status").path("state").asText();
        if (!state.equals("TASK_STATE_COMPLETED")) {
            throw new IllegalStateException("the task is " + state + ": " + r);
        }
        return null;
    }

    /** The answer is a completed task in a new thread: counted, and some ids kept to read and continue. */
    Void completedNewThread(JsonNode r) {
        completed(r);
        long n = threads.incrementAndGet();
        // A uniform sample of every thread stored so far (reservoir sampling), so that figure 6 reads old and new
        // rows alike.
        JsonNode task = r.path("result").path("task");
        synchronized (taskIds) {
            if (taskIds.size() < KEPT_IDS) {
                taskIds.add(task.path("id").asText());
                contextIds.add(task.path("contextId").asText());
            } else {
                long slot = ThreadLocalRandom.current().nextLong(n);
                if (slot < KEPT_IDS) {
                    taskIds.set((int) slot, task.path("id").asText());
                    contextIds.set((int) slot, task.path("contextId").asText());
                }
            }
        }
        return null;
    }

    /**
     * An SSE stream: {@code onEvent} gets each event's data (on a Vert.x event loop); the future completes when
     * the server ends the stream, and fails on an HTTP error, a JSON-RPC error event or a broken connection.
     */
    Future<Void> stream(String url, String method, JsonNode params, Consumer<String> onEvent) {
        return onLoop(() -> streamOnLoop(url, method, params, onEvent));
    }

    private Future<Void> streamOnLoop(String url, String method, JsonNode params, Consumer<String> onEvent) {
        Promise<Void> end = Promise.promise();
        http.request(new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url).setIdleTimeout(300_000)
                        .putHeader("Content-Type", "application/json").putHeader("A2A-Version", "1.0")
                        .putHeader("Accept", "text/event-stream"))
                // The handlers are set in the event-loop task that sends the request (see onLoop).
                .compose(req -> req.send(rpc(method, params)).onSuccess(resp -> {
                    if (resp.statusCode() != 200 || !String.valueOf(resp.getHeader("Content-Type")).startsWith("text/event-stream")) {
                        resp.body().onComplete(b -> end.tryFail("HTTP " + resp.statusCode() + ": "
                                + (b.succeeded() ? b.result() : b.cause())));
                        return;
                    }
                    SseSplitter splitter = new SseSplitter(data -> {
                        if (data.contains("\"error\"") && !data.contains("\"result\"")) {
                            end.tryFail("error event: " + data);
                        }
                        onEvent.accept(data);
                    });
                    resp.handler(splitter::feed);
                    resp.exceptionHandler(end::tryFail);
                    resp.endHandler(v -> end.tryComplete());
                }))
                .onFailure(end::tryFail);
        return end.future();
    }

    /** Splits an SSE byte stream into events and hands over each event's data lines, joined. */
    static final class SseSplitter {
        private final Consumer<String> onData;
        private final StringBuilder pending = new StringBuilder();

        SseSplitter(Consumer<String> onData) {
            this.onData = onData;
        }

        void feed(Buffer chunk) {
            pending.append(chunk.toString(StandardCharsets.UTF_8));
            int from = 0;
            while (true) {
                int end = pending.indexOf("\n\n", from);
                if (end < 0) {
                    break;
                }
                String event = pending.substring(from, end);
                from = end + 2;
                StringBuilder data = new StringBuilder();
                for (String line : event.split("\n")) {
                    if (line.startsWith("data:")) {
                        data.append(line, line.startsWith("data: ") ? 6 : 5, line.length());
                    }
                }
                if (data.length() > 0) {
                    onData.accept(data.toString());
                }
            }
            pending.delete(0, from);
        }
    }

    // --- processes ----------------------------------------------------------------------------------------

    Process startAgents(int port) throws IOException {
        Path db = out.resolve("agents.db");
        deleteDb(db);
        List<String> cmd = java(System.getenv("BENCH_AGENTS_JVM_OPTS"));
        cmd.addAll(List.of("-Dquarkus.http.port=" + port, "-Domniforge.store.sqlite-file=" + db,
                "-Domniforge.demo.max-tasks=200000", "-Domniforge.security.anonymous.enabled=true",
                // the demo agents answer admins only (and their own gateway): the gateway and the direct calls come
                // without credentials
                "-Domniforge.security.anonymous.roles=admin",
                "-Dquarkus.log.level=WARN", "-jar", JAR.toString()));
        return start(cmd, out.resolve("agents.log"));
    }

    Process startGateway(int port) throws IOException {
        Path db = out.resolve("gateway.db");
        deleteDb(db);
        // The JVM the Kubernetes pod gets (768 MiB limit, docs/OPERATIONS.md): the image's run-java gives the heap half
        // of the limit at most, and below 1,792 MB the JVM picks the serial collector by itself. Here the JVM's
        // default would be a quarter of 24 GiB and G1, and it grows into whatever it is given.
        // BENCH_GATEWAY_JVM_OPTS comes after, so its own options win.
        List<String> cmd = java(GATEWAY_HEAP + " " + System.getenv().getOrDefault("BENCH_GATEWAY_JVM_OPTS", ""));
        cmd.add("-Dquarkus.http.port=" + port);
        cmd.add("-Domniforge.store.sqlite-file=" + db);
        cmd.add("-Domniforge.demo.enabled=false");
        for (String name : List.of("echo", "slow", "triage", "billing")) {
            cmd.add("-Domniforge.agents." + name + ".url=" + agentsUrl + "/demo/" + name);
        }
        cmd.add("-Domniforge.security.anonymous.enabled=true");
        cmd.add("-Domniforge.orchestration.max-concurrency=16");
        cmd.add("-Domniforge.limits.max-subscribers-per-task=128");
        // BENCH_GATEWAY_JAR runs another build as the gateway (an earlier commit's, to compare before and after).
        String jar = System.getenv().getOrDefault("BENCH_GATEWAY_JAR", JAR.toString());
        cmd.addAll(List.of("-jar", jar));
        facts.put("gateway", String.join(" ", cmd));
        return start(cmd, out.resolve("gateway.log"));
    }

    static List<String> java(String opts) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (opts != null && !opts.isBlank()) {
            cmd.addAll(Arrays.asList(opts.trim().split("\\s+")));
        }
        return cmd;
    }

    static Process start(List<String> cmd, Path log) throws IOException {
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    static void deleteDb(Path db) throws IOException {
        for (String suffix : List.of("", "-wal", "-shm")) {
            Files.deleteIfExists(Path.of(db + suffix));
        }
    }

    void waitReady(String base, Process process, String name) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the " + name + " process exited with " + process.exitValue()
                        + "; see " + out.resolve(name + ".log"));
            }
            try {
                int status = http.request(new RequestOptions().setMethod(HttpMethod.GET)
                                .setAbsoluteURI(base + "/q/health/ready"))
                        .compose(req -> req.send().map(HttpClientResponse::statusCode))
                        .toCompletionStage().toCompletableFuture().get(2, TimeUnit.SECONDS);
                if (status == 200) {
                    return;
                }
            } catch (Exception e) {
                // not listening yet
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("the " + name + " process was not ready within 60 s; see " + out.resolve(name + ".log"));
    }

    void stop() {
        for (Process p : new Process[] {gateway, agents}) {
            if (p != null && p.isAlive()) {
                p.destroy();
                try {
                    if (!p.waitFor(10, TimeUnit.SECONDS)) {
                        p.destroyForcibly();
                    }
                } catch (InterruptedException e) {
                    p.destroyForcibly();
                    Thread.currentThread().interrupt();
                }
            }
        }
        vertx.close();
    }

    static double rssMiB(Process p) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + p.pid() + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or gone
        }
        return Double.NaN;
    }

    /** A full GC in the process (jcmd GC.run), so that resident memory and live heap are read after it. */
    static void fullGc(Process p) {
        jcmd(p, "GC.run");
        sleep(500);
    }

    /** The live heap after the last GC, from jcmd GC.heap_info ("used NNNK"). */
    static double heapUsedMiB(Process p) {
        // One line per generation ("def new generation ... used 1035K", "tenured generation ... used 24000K"), or
        // one for the whole heap ("garbage-first heap ... used 45678K"); not Metaspace's.
        long kib = 0;
        boolean found = false;
        java.util.regex.Pattern used = java.util.regex.Pattern.compile("used (\\d+)K");
        for (String line : jcmd(p, "GC.heap_info").split("\n")) {
            if (line.contains("generation") || line.contains("heap")) {
                java.util.regex.Matcher m = used.matcher(line);
                if (m.find()) {
                    kib += Long.parseLong(m.group(1));
                    found = true;
                }
            }
        }
        return found ? kib / 1024.0 : Double.NaN;
    }

    static String jcmd(Process p, String command) {
        try {
            Process j = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    Long.toString(p.pid()), command).redirectErrorStream(true).start();
            String out = new String(j.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            j.waitFor(30, TimeUnit.SECONDS);
            return out;
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    // --- the report ---------------------------------------------------------------------------------------

    void report() throws IOException {
        System.out.println();
        System.out.printf(Locale.ROOT, "OmniForge benchmark (%s), %s cores, %s, %s%n", facts.get("mode"), facts.get("cores"),
                facts.get("cpu"), facts.get("java"));
        String line = "-".repeat(150);
        System.out.println(line);
        System.out.printf(Locale.ROOT, "%-3s %-36s %8s %6s %9s %9s  %s%n", "fig", "case", "n", "errors", "p50 ms", "p99 ms",
                "figures");
        System.out.println(line);
        for (Row r : rows) {
            StringBuilder f = new StringBuilder();
            r.figures().forEach((k, v) -> f.append(k).append('=').append(v).append("  "));
            System.out.printf(Locale.ROOT, "%-3d %-36s %8d %6d %9s %9s  %s%n", r.figure(), r.name(), r.count(), r.errors(),
                    fmt(r.p50()), fmt(r.p99()), f.toString().trim());
        }
        System.out.println(line);
        for (Row r : rows) {
            if (!r.settings().isEmpty()) {
                System.out.printf(Locale.ROOT, "  %-36s %s%n", r.name(), r.settings());
            }
        }
        Map<String, Object> doc = new LinkedHashMap<>(facts);
        doc.put("rows", rows);
        doc.put("failures", failures);
        Path file = out.resolve("results.json");
        JSON.writeValue(file.toFile(), doc);
        System.out.println("figures written to " + file + " in " + facts.get("seconds") + " s");
    }

    static String fmt(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.2f", v);
    }

    // --- small things ----------------------------------------------------------------------------------

    Row row(int figure, String name, String settings, Stats s, Map<String, Object> figures) {
        return new Row(figure, name, settings, s.count(), s.errors(), round(s.p50()), round(s.p99()), figures);
    }

    static Map<String, Object> figures(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    static double round(double v) {
        return Double.isNaN(v) ? v : Math.round(v * 100) / 100.0;
    }

    synchronized void failure(String message) {
        failures.add(message);
        System.out.println("  ! " + message);
    }

    static <T> T pick(List<T> list) {
        synchronized (list) {
            return list.get(ThreadLocalRandom.current().nextInt(list.size()));
        }
    }

    static long epochMicros() {
        return toEpochMicros(Instant.now());
    }

    static long toEpochMicros(Instant t) {
        return t.getEpochSecond() * 1_000_000L + t.getNano() / 1_000;
    }

    static long digits(String s, int from) {
        long v = 0;
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                break;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    /** The string value after {@code key} (a JSON key with its opening quote), up to the next quote. */
    static String field(String json, String key) {
        int at = json.indexOf(key);
        if (at < 0) {
            throw new IllegalStateException("no " + key + " in " + json);
        }
        int from = at + key.length();
        return json.substring(from, json.indexOf('"', from));
    }

    static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
