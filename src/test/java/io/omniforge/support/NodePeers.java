package io.omniforge.support;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * Real outside A2A implementations, run as Node.js child processes: the agents and clients of {@code src/test/js}
 * (@a2a-js/sdk 0.3.14 and 1.3.0, Google ADK JS 2.0.0; see docs/TESTING.md for what each script does).
 *
 * <p>Plain Java, no Quarkus. The first use in a JVM installs the packages into {@code target/js} ({@code npm ci} from
 * the committed lock file, under a file lock, skipped while {@code target/js/node_modules} matches the lock file), so
 * several JVMs or forks can start at once. Without {@code node} and {@code npm} on the PATH every method aborts the
 * calling test (JUnit: skipped, not failed) with {@link #SKIPPED}.
 *
 * <p>Every wait has a timeout, and every failure quotes what the process printed. Each process is killed when its
 * handle is closed and when the JVM exits; the scripts also exit by themselves when their stdin pipe closes, so a JVM
 * killed outright leaves none behind.
 */
public final class NodePeers {

    public static final String SKIPPED = "node not on PATH: the tests against real A2A JS implementations are"
            + " skipped; install Node.js 20+";
    /** How long an agent may take to print its ready line. */
    public static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    /** How long {@link #run(String, String...)} lets a client run. */
    public static final Duration RUN_TIMEOUT = Duration.ofSeconds(60);
    /** How long {@code npm ci} may take. */
    public static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(10);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path SOURCE = Path.of("src", "test", "js");
    private static final Path TARGET = Path.of("target", "js");
    private static final List<String> PACKAGE_FILES = List.of("package.json", "package-lock.json");
    private static final int KEPT_OUTPUT = 64 * 1024;
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    private static Path node;
    private static boolean installed;

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly), "node-peers-reaper"));
    }

    private NodePeers() {
    }

    /**
     * Starts an agent script ({@code "agent03.mjs"}, {@code "agent-adk.mjs"}, {@code "agent-rest10.mjs"}) with
     * {@code --port 0} unless {@code args} name a port, and waits for its ready line.
     */
    public static Agent start(String script, String... args) {
        List<String> command = new ArrayList<>(Arrays.asList(args));
        if (!command.contains("--port")) {
            command.addAll(0, List.of("--port", "0"));
        }
        Peer peer = Peer.launch(script, command);
        try {
            JsonNode ready = peer.next(START_TIMEOUT, "its ready line");
            if (!ready.path("ready").asBoolean(false) || !ready.path("port").canConvertToInt()) {
                throw peer.failure("printed " + ready + " where its ready line was expected");
            }
            return new Agent(peer, ready.get("port").asInt(), ready.path("card").asText());
        } catch (RuntimeException | Error e) {
            peer.close();
            throw e;
        }
    }

    /**
     * Runs a client script ({@code "client03.mjs"}, {@code "client-rest13.mjs"}, {@code "client-adk.mjs"}) to its end
     * within {@link #RUN_TIMEOUT} and returns the JSON lines it printed on stdout. Fails if it does not end in time or
     * exits non-zero (the scripts exit 0 even when the A2A call fails: that is a {@code {"error":...}} line).
     */
    public static List<JsonNode> run(String script, String... args) {
        return run(RUN_TIMEOUT, script, args);
    }

    /** {@link #run(String, String...)} with its own timeout. */
    public static List<JsonNode> run(Duration timeout, String script, String... args) {
        try (Client client = launch(script, args)) {
            return client.awaitExit(timeout);
        }
    }

    /**
     * Starts a client script and returns at once, for reading its lines while it runs (a stream that stays open, a
     * slow task to cancel from another client).
     */
    public static Client launch(String script, String... args) {
        return new Client(Peer.launch(script, Arrays.asList(args)));
    }

    /** The directory the scripts run from, with its packages installed: {@code target/js}. */
    public static synchronized Path installDir() {
        Path nodeBin = nodeOrAbort();
        if (installed) {
            return TARGET.toAbsolutePath();
        }
        try {
            Files.createDirectories(TARGET);
            try (FileChannel channel = FileChannel.open(TARGET.resolve(".install.lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    FileLock lock = channel.lock()) {
                String want = packagesDigest();
                Path marker = TARGET.resolve("node_modules").resolve(".omniforge-installed");
                boolean upToDate = Files.isRegularFile(marker)
                        && Files.readString(marker, StandardCharsets.UTF_8).trim().equals(want);
                if (!upToDate) {
                    for (String file : PACKAGE_FILES) {
                        copyIfChanged(SOURCE.resolve(file), TARGET.resolve(file));
                    }
                    npmCi(nodeBin);
                    Files.writeString(marker, want, StandardCharsets.UTF_8);
                }
                try (Stream<Path> scripts = Files.list(SOURCE)) {
                    for (Path script : scripts.filter(p -> p.toString().endsWith(".mjs")).toList()) {
                        copyIfChanged(script, TARGET.resolve(script.getFileName()));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not install the JS peers into " + TARGET.toAbsolutePath(), e);
        }
        installed = true;
        return TARGET.toAbsolutePath();
    }

    /** The {@code node} executable on the PATH (Node.js 20 or later), or the calling test is aborted. */
    public static synchronized Path nodeOrAbort() {
        String problem = unavailable();
        if (problem != null) {
            Assumptions.abort(problem);
        }
        return node;
    }

    /**
     * Whether node (20 or later) and npm are on the PATH. A test class that starts peers in {@code @BeforeAll} can
     * start them only when this holds and call {@link #nodeOrAbort()} in {@code @BeforeEach}: every test is then
     * reported skipped with the reason, where an abort in {@code @BeforeAll} leaves the report with no test at all.
     */
    public static synchronized boolean available() {
        return unavailable() == null;
    }

    /** Why the peers cannot run here, or null. */
    private static String unavailable() {
        if (node != null) {
            return null;
        }
        Optional<Path> found = onPath("node");
        if (found.isEmpty()) {
            return SKIPPED;
        }
        if (onPath("npm").isEmpty()) {
            return "npm not on PATH: the tests against real A2A JS implementations are skipped; install npm (it comes"
                    + " with Node.js 20+)";
        }
        String version = runQuietly(List.of(found.get().toString(), "--version"));
        if (parseMajor(version) < 20) {
            return "node " + version.trim() + " on PATH is too old: the tests against real A2A JS implementations are"
                    + " skipped; install Node.js 20+";
        }
        node = found.get();
        return null;
    }

    private static Optional<Path> onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        return Arrays.stream(path.split(File.pathSeparator))
                .filter(dir -> !dir.isBlank())
                .map(dir -> Path.of(dir, name))
                .filter(p -> Files.isRegularFile(p) && Files.isExecutable(p))
                .findFirst();
    }

    private static int parseMajor(String version) {
        String v = version.trim();
        if (v.startsWith("v")) {
            v = v.substring(1);
        }
        int dot = v.indexOf('.');
        try {
            return Integer.parseInt(dot < 0 ? v : v.substring(0, dot));
        } catch (NumberFormatException e) {
            throw new AssertionError("could not read the version of node: `node --version` printed '" + version + "'");
        }
    }

    private static String runQuietly(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not end within 30 s");
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(String.join(" ", command) + " could not run", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + String.join(" ", command), e);
        }
    }

    /** {@code npm ci} in target/js, its output in target/js/npm-ci.log (quoted when it fails). */
    private static void npmCi(Path nodeBin) throws IOException {
        Path log = TARGET.resolve("npm-ci.log");
        List<String> command = List.of(onPath("npm").orElseThrow().toString(), "ci", "--no-audit", "--no-fund");
        ProcessBuilder pb = new ProcessBuilder(command).directory(TARGET.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        // npm is a node script: make sure it finds the same node first on its PATH.
        pb.environment().put("PATH", nodeBin.getParent() + File.pathSeparator + System.getenv("PATH"));
        pb.environment().put("npm_config_update_notifier", "false");
        Process p = pb.start();
        p.getOutputStream().close();
        try {
            if (!p.waitFor(INSTALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("npm ci in " + TARGET.toAbsolutePath() + " did not end within "
                        + INSTALL_TIMEOUT + "; it printed:\n" + tail(Files.readString(log, StandardCharsets.UTF_8)));
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted during npm ci", e);
        }
        if (p.exitValue() != 0) {
            throw new AssertionError("npm ci in " + TARGET.toAbsolutePath() + " exited " + p.exitValue()
                    + "; it printed:\n" + tail(Files.readString(log, StandardCharsets.UTF_8)));
        }
    }

    private static String packagesDigest() throws IOException {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String file : PACKAGE_FILES) {
                Path source = SOURCE.resolve(file);
                if (!Files.isRegularFile(source)) {
                    throw new AssertionError(source.toAbsolutePath() + " is missing: the tests must run from the"
                            + " project's directory");
                }
                sha.update(Files.readAllBytes(source));
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Copies through a temporary file and an atomic rename, so a peer reading the file never sees half of it. */
    private static void copyIfChanged(Path from, Path to) throws IOException {
        if (Files.isRegularFile(to) && Arrays.equals(Files.readAllBytes(from), Files.readAllBytes(to))) {
            return;
        }
        Path tmp = Files.createTempFile(to.getParent(), to.getFileName().toString(), ".tmp");
        Files.copy(from, tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmp, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String tail(String text) {
        return text.length() <= KEPT_OUTPUT ? text : "..." + text.substring(text.length() - KEPT_OUTPUT);
    }

    /** A running agent script. Closing it stops the process (SIGTERM, then SIGKILL after 5 s). */
    public static final class Agent implements AutoCloseable {

        private final Peer peer;
        private final int port;
        private final String cardUrl;

        private Agent(Peer peer, int port, String cardUrl) {
            this.peer = peer;
            this.port = port;
            this.cardUrl = cardUrl;
        }

        public int port() {
            return port;
        }

        /** {@code http://127.0.0.1:<port>}. */
        public String baseUrl() {
            return "http://127.0.0.1:" + port;
        }

        /** {@code http://127.0.0.1:<port>/.well-known/agent-card.json}, as the agent printed it. */
        public String cardUrl() {
            return cardUrl;
        }

        /**
         * The {@code request} objects ({@code method, path, headers, body}) of the requests the agent received so
         * far, oldest first: agents started with {@code --log-requests} print one line per request.
         */
        public List<JsonNode> requests() {
            return peer.lines().stream().filter(l -> l.has("request")).map(l -> l.get("request")).toList();
        }

        /** Waits until the agent has received a request that matches (see {@link #requests()}), and returns it. */
        public JsonNode awaitRequest(Predicate<JsonNode> match, Duration timeout) {
            return peer.await(l -> l.has("request") && match.test(l.get("request")), timeout, "a matching request")
                    .get("request");
        }

        /** What the agent printed on stderr so far (its last 64 KB). */
        public String stderr() {
            return peer.stderr();
        }

        public boolean isAlive() {
            return peer.process.isAlive();
        }

        @Override
        public void close() {
            peer.close();
        }

        @Override
        public String toString() {
            return peer.name + " at " + baseUrl();
        }
    }

    /** A running client script, read line by line. Closing it kills the process if it still runs. */
    public static final class Client implements AutoCloseable {

        private final Peer peer;
        private int read;

        private Client(Peer peer) {
            this.peer = peer;
        }

        /** The next JSON line it prints; fails if none comes within the timeout or the process ends first. */
        public JsonNode next(Duration timeout) {
            JsonNode line = peer.awaitIndex(read, timeout, "its next line");
            read++;
            return line;
        }

        /**
         * Waits until the process ends and returns every JSON line it printed, including those already returned by
         * {@link #next}. Fails if it does not end in time (then kills it) or exits non-zero.
         */
        public List<JsonNode> awaitExit(Duration timeout) {
            peer.awaitExit(timeout);
            return peer.lines();
        }

        /** What it printed on stderr so far (its last 64 KB). */
        public String stderr() {
            return peer.stderr();
        }

        @Override
        public void close() {
            peer.close();
        }
    }

    /** One node process: its stdout parsed into JSON lines by a reader thread, its stderr kept for messages. */
    private static final class Peer {

        private final String name;
        private final Process process;
        private final List<JsonNode> lines = new ArrayList<>();
        private final StringBuilder otherOutput = new StringBuilder();
        private final StringBuilder stderr = new StringBuilder();
        private boolean stdoutDone;

        private Peer(String name, Process process) {
            this.name = name;
            this.process = process;
        }

        static Peer launch(String script, List<String> args) {
            Path dir = installDir();
            Path file = dir.resolve(script);
            if (!Files.isRegularFile(file)) {
                throw new AssertionError("no JS peer script " + script + " in " + SOURCE.toAbsolutePath());
            }
            List<String> command = new ArrayList<>(List.of(node.toString(), file.toString()));
            command.addAll(args);
            Process process;
            try {
                // stdin stays an open pipe: the script exits when it closes, i.e. when this JVM dies.
                process = new ProcessBuilder(command).directory(dir.toFile()).start();
            } catch (IOException e) {
                throw new UncheckedIOException("could not start " + String.join(" ", command), e);
            }
            LIVE.add(process);
            Peer peer = new Peer(script + " " + String.join(" ", args), process);
            peer.readStdout(process.getInputStream());
            peer.readStderr(process.getErrorStream());
            process.onExit().thenRun(() -> LIVE.remove(process));
            return peer;
        }

        private void readStdout(InputStream in) {
            Thread t = new Thread(() -> {
                try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = reader.readLine()) != null) {
                        accept(line);
                    }
                } catch (IOException e) {
                    synchronized (this) {
                        otherOutput.append("(reading stdout failed: ").append(e).append(")\n");
                    }
                } finally {
                    synchronized (this) {
                        stdoutDone = true;
                        notifyAll();
                    }
                }
            }, "node-peer-stdout " + name);
            t.setDaemon(true);
            t.start();
        }

        private void accept(String line) {
            JsonNode json = null;
            if (line.startsWith("{")) {
                try {
                    json = JSON.readTree(line);
                } catch (JsonProcessingException e) {
                    json = null;
                }
            }
            synchronized (this) {
                if (json != null) {
                    lines.add(json);
                    notifyAll();
                } else if (otherOutput.length() < KEPT_OUTPUT) {
                    otherOutput.append(line).append('\n');
                }
            }
        }

        private void readStderr(InputStream in) {
            Thread t = new Thread(() -> {
                try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = reader.readLine()) != null) {
                        synchronized (this) {
                            stderr.append(line).append('\n');
                            if (stderr.length() > 2 * KEPT_OUTPUT) {
                                stderr.delete(0, stderr.length() - KEPT_OUTPUT);
                            }
                        }
                    }
                } catch (IOException e) {
                    // the process is gone; what it printed is kept
                }
            }, "node-peer-stderr " + name);
            t.setDaemon(true);
            t.start();
        }

        synchronized List<JsonNode> lines() {
            return List.copyOf(lines);
        }

        synchronized String stderr() {
            return stderr.toString();
        }

        /** The line at {@code index}, waiting for it. */
        JsonNode awaitIndex(int index, Duration timeout, String what) {
            return awaitLine(() -> index < lines.size() ? lines.get(index) : null, timeout, what);
        }

        /** The first line that matches, waiting for it. */
        JsonNode await(Predicate<JsonNode> match, Duration timeout, String what) {
            return awaitLine(() -> lines.stream().filter(match).findFirst().orElse(null), timeout, what);
        }

        JsonNode next(Duration timeout, String what) {
            return awaitIndex(0, timeout, what);
        }

        /** Waits (on this peer's monitor, which the reader thread notifies) until {@code find} finds a line. */
        private JsonNode awaitLine(Supplier<JsonNode> find, Duration timeout, String what) {
            long deadline = System.nanoTime() + timeout.toNanos();
            String problem;
            synchronized (this) {
                while (true) {
                    JsonNode found = find.get();
                    if (found != null) {
                        return found;
                    }
                    if (stdoutDone) {
                        problem = "ended before printing " + what;
                        break;
                    }
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        problem = "printed no " + what + " within " + timeout;
                        break;
                    }
                    try {
                        TimeUnit.NANOSECONDS.timedWait(this, left);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        problem = "was waited for by an interrupted thread";
                        break;
                    }
                }
            }
            throw failure(problem + " (exit " + exitCode() + ")");
        }

        void awaitExit(Duration timeout) {
            try {
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    close();
                    throw failure("did not end within " + timeout + " (killed)");
                }
                // The process is gone; its last lines may still be in the reader's hands.
                long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                synchronized (this) {
                    while (!stdoutDone && System.nanoTime() < deadline) {
                        TimeUnit.NANOSECONDS.timedWait(this, deadline - System.nanoTime());
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
                throw failure("was waited for by an interrupted thread");
            }
            if (process.exitValue() != 0) {
                throw failure("exited " + process.exitValue());
            }
        }

        private String exitCode() {
            try {
                return process.waitFor(2, TimeUnit.SECONDS) ? String.valueOf(process.exitValue()) : "still running";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "unknown";
            }
        }

        AssertionError failure(String what) {
            StringBuilder message = new StringBuilder("node ").append(name).append(' ').append(what);
            synchronized (this) {
                message.append("\n--- its JSON lines (").append(lines.size()).append(")\n");
                lines.forEach(l -> message.append(tail(l.toString())).append('\n'));
                if (otherOutput.length() > 0) {
                    message.append("--- its other stdout\n").append(otherOutput);
                }
                message.append("--- its stderr\n").append(tail(stderr.toString()));
            }
            return new AssertionError(message.toString());
        }

        void close() {
            if (process.isAlive()) {
                process.destroy();
                try {
                    if (!process.waitFor(5, TimeUnit.SECONDS)) {
                        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                    }
                } catch (InterruptedException e) {
                    process.destroyForcibly();
                    Thread.currentThread().interrupt();
                }
            }
            LIVE.remove(process);
        }
    }
}
