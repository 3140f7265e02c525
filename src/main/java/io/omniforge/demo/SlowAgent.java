package io.omniforge.demo;

import io.omniforge.a2a.A2aException;
import io.omniforge.a2a.AgentSkill;
import io.omniforge.a2a.Message;
import io.omniforge.a2a.StreamResponse;
import io.omniforge.a2a.Task;
import io.omniforge.a2a.TaskState;
import io.smallrye.mutiny.Multi;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Streams one artifact in {@code chunks} chunks spread over {@code delay}, then completes; a message text
 * {@code delay:<millis>} sets the delay of that task. Canceling the task stops the chunks.
 */
final class SlowAgent extends DemoAgent {

    static final String NAME = "slow";
    static final String DELAY = "delay:";
    static final Duration MAX_DELAY = Duration.ofHours(1);
    private static final Pattern DELAY_TEXT = Pattern.compile("delay:\\s*(\\d{1,10})(?:\\s.*)?", Pattern.DOTALL);

    private final Duration delay;
    private final int chunks;

    SlowAgent(int maxTasks, DemoConfig.Slow config) {
        super(NAME, maxTasks);
        if (config.chunks() < 1) {
            throw new IllegalArgumentException("omniforge.demo.slow.chunks must be at least 1, got " + config.chunks());
        }
        if (config.delay().isNegative() || config.delay().compareTo(MAX_DELAY) > 0) {
            throw new IllegalArgumentException("omniforge.demo.slow.delay must be between 0 and " + MAX_DELAY
                    + ", got " + config.delay());
        }
        this.delay = config.delay();
        this.chunks = config.chunks();
    }

    @Override
    String description() {
        return "Takes its time: streams its answer in " + chunks + " chunks over " + delay.toMillis()
                + " ms. Send 'delay:<millis>' to choose how long.";
    }

    @Override
    List<AgentSkill> skills() {
        return List.of(AgentSkill.of("slow", "Slow stream", "Streams one artifact in chunks, slowly; cancel it at any time.",
                List.of("slow", "streaming"), List.of("delay:5000", "take your time")));
    }

    @Override
    void check(Message message) {
        delayOf(message);
    }

    @Override
    Multi<StreamResponse> turn(Task task, Message message) {
        Duration total = delayOf(message).orElse(delay);
        Duration every = total.dividedBy(chunks);
        Multi<Long> ticks = every.isZero()
                ? Multi.createFrom().range(0, chunks).map(Integer::longValue)
                : Multi.createFrom().ticks().startingAfter(every).every(every).select().first(chunks);
        String artifactId = UUID.randomUUID().toString();
        Multi<StreamResponse> parts = ticks.map(i -> artifact(task, artifactId, NAME,
                "chunk " + (i + 1) + " of " + chunks + "\n", i > 0, i == chunks - 1));
        return Multi.createBy().concatenating().streams(
                Multi.createFrom().item(() -> status(task, TaskState.TASK_STATE_WORKING)),
                parts,
                Multi.createFrom().item(() -> status(task, TaskState.TASK_STATE_COMPLETED)));
    }

    /** The delay a message asks for, if it starts with {@code delay:}; -32602 when it is not a number of ms. */
    private static Optional<Duration> delayOf(Message message) {
        String text = message.text().strip();
        if (!text.startsWith(DELAY)) {
            return Optional.empty();
        }
        Matcher m = DELAY_TEXT.matcher(text);
        Duration d = m.matches() ? Duration.ofMillis(Long.parseLong(m.group(1))) : null;
        if (d == null || d.compareTo(MAX_DELAY) > 0) {
            throw A2aException.invalidParams("the slow agent reads 'delay:<millis>' with 0 to " + MAX_DELAY.toMillis()
                    + " ms, got '" + text + "'");
        }
        return Optional.of(d);
    }
}
