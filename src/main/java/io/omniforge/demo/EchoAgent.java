package io.omniforge.demo;

import io.omniforge.a2a.A2aException;
import io.omniforge.a2a.AgentSkill;
import io.omniforge.a2a.Message;
import io.omniforge.a2a.Role;
import io.omniforge.a2a.StreamResponse;
import io.omniforge.a2a.Task;
import io.omniforge.a2a.TaskState;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Echoes the message text in an artifact named "echo". A text starting with {@code ask:} makes it ask for more
 * (INPUT_REQUIRED); the client's next message to the task completes it with both texts.
 *
 * <p>Words of the text shape the answer (the benchmark's agents, see docs/BENCHMARKS.md): {@code wait:<ms>} answers
 * after that long; {@code stream:<n>} streams the artifact in n chunks instead, each saying when it was made
 * ({@code at=<epoch microseconds>}), {@code rate:<n>} chunks per second at most (default 20,000). The words may be
 * anywhere in the text, so a pipeline of echo agents passes them on.
 */
final class EchoAgent extends DemoAgent {

    static final String NAME = "echo";
    static final String ASK = "ask:";
    static final String QUESTION = "What else should I add?";
    static final long MAX_WAIT_MS = Duration.ofHours(1).toMillis();
    static final int MAX_CHUNKS = 10_000;
    static final int MAX_RATE = 1_000_000;
    static final int DEFAULT_RATE = 20_000;
    private static final Pattern WORD = Pattern.compile("(?<![\\w:])(wait|stream|rate):(\\S+)");

    /** What the words of a message ask for: a wait before the answer, a chunked stream and its pace. */
    record Shape(long waitMs, int chunks, int rate) {
    }

    EchoAgent(int maxTasks) {
        super(NAME, maxTasks);
    }

    @Override
    String description() {
        return "Echoes your message back. Start it with 'ask:' and it asks for more before it answers "
                + "(input required, then resumed by your next message to the same task). 'wait:<ms>' answers after "
                + "that long; 'stream:<n>' streams n timestamped chunks, at 'rate:<per second>'.";
    }

    @Override
    List<AgentSkill> skills() {
        return List.of(AgentSkill.of("echo", "Echo", "Answers 'echo: <your text>'; 'ask:<text>' first asks what else to add;"
                + " 'wait:<ms>' waits first; 'stream:<n>' streams n chunks.",
                List.of("echo", "test"), List.of("hello", "ask: a list of fruit", "wait:50 hello", "stream:100 rate:1000")));
    }

    @Override
    void check(Message message) {
        shape(message.text());
    }

    @Override
    Multi<StreamResponse> turn(Task task, Message message) {
        List<Message> asked = task.history().stream().filter(m -> m.role() == Role.ROLE_USER).toList();
        if (asked.size() > 1) {
            return answer(task, NAME, "echo: " + asked.get(0).text() + " + " + message.text());
        }
        if (message.text().strip().startsWith(ASK)) {
            return Multi.createFrom().items(() -> Stream.of(
                    status(task, TaskState.TASK_STATE_WORKING),
                    status(task, TaskState.TASK_STATE_INPUT_REQUIRED, QUESTION)));
        }
        Shape shape = shape(message.text());
        Multi<StreamResponse> body = shape.chunks() > 0 ? chunks(task, shape)
                : answer(task, NAME, "echo: " + message.text());
        if (shape.waitMs() == 0) {
            return body;
        }
        return Multi.createBy().concatenating().streams(
                Multi.createFrom().item(() -> status(task, TaskState.TASK_STATE_WORKING)),
                Uni.createFrom().voidItem().onItem().delayIt().by(Duration.ofMillis(shape.waitMs()))
                        .onItem().transformToMulti(v -> body));
    }

    /** WORKING, then {@code chunks} appended chunks of one artifact at the shape's rate, then COMPLETED. */
    private static Multi<StreamResponse> chunks(Task task, Shape shape) {
        String artifactId = UUID.randomUUID().toString();
        int perTick = Math.max(1, shape.rate() / 1000);
        Duration every = Duration.ofNanos(Math.max(1_000_000L, 1_000_000_000L * perTick / shape.rate()));
        int n = shape.chunks();
        Multi<Integer> indexes = Multi.createFrom().ticks().every(every)
                .onItem().transformToMultiAndConcatenate(tick -> Multi.createFrom().range((int) (tick * perTick),
                        (int) Math.min(n, (tick + 1) * perTick)))
                .select().first(n);
        return Multi.createBy().concatenating().streams(
                Multi.createFrom().item(() -> status(task, TaskState.TASK_STATE_WORKING)),
                indexes.map(i -> artifact(task, artifactId, NAME, "chunk " + i + " at=" + epochMicros() + "\n",
                        i > 0, i == n - 1)),
                Multi.createFrom().item(() -> status(task, TaskState.TASK_STATE_COMPLETED)));
    }

    static long epochMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    /** The shape words of a text; -32602 for a word whose value is not a number in its range. */
    static Shape shape(String text) {
        long wait = 0;
        int chunks = 0;
        int rate = DEFAULT_RATE;
        Matcher m = WORD.matcher(text);
        while (m.find()) {
            switch (m.group(1)) {
                case "wait" -> wait = number(m, 0, MAX_WAIT_MS);
                case "stream" -> chunks = (int) number(m, 1, MAX_CHUNKS);
                default -> rate = (int) number(m, 1, MAX_RATE);
            }
        }
        return new Shape(wait, chunks, rate);
    }

    private static long number(Matcher m, long min, long max) {
        String value = m.group(2);
        try {
            long n = Long.parseLong(value);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw A2aException.invalidParams("the echo agent reads '" + m.group(1) + ":<n>' with n from " + min + " to " + max
                + ", got '" + m.group() + "'");
    }
}
