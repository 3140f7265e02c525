package io.omniforge.demo;

import io.omniforge.a2a.AgentSkill;
import io.omniforge.a2a.Message;
import io.omniforge.a2a.Role;
import io.omniforge.a2a.StreamResponse;
import io.omniforge.a2a.Task;
import io.omniforge.a2a.TaskState;
import io.smallrye.mutiny.Multi;
import java.util.List;
import java.util.stream.Stream;

/**
 * Echoes the message text in an artifact named "echo". A text starting with {@code ask:} makes it ask for more
 * (INPUT_REQUIRED); the client's next message to the task completes it with both texts.
 */
final class EchoAgent extends DemoAgent {

    static final String NAME = "echo";
    static final String ASK = "ask:";
    static final String QUESTION = "What else should I add?";

    EchoAgent(int maxTasks) {
        super(NAME, maxTasks);
    }

    @Override
    String description() {
        return "Echoes your message back. Start it with 'ask:' and it asks for more before it answers "
                + "(input required, then resumed by your next message to the same task).";
    }

    @Override
    List<AgentSkill> skills() {
        return List.of(AgentSkill.of("echo", "Echo", "Answers 'echo: <your text>'; 'ask:<text>' first asks what else to add.",
                List.of("echo", "test"), List.of("hello", "ask: a list of fruit")));
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
        return answer(task, NAME, "echo: " + message.text());
    }
}
