package io.omniforge.demo;

import io.omniforge.a2a.AgentSkill;
import io.omniforge.a2a.Message;
import io.omniforge.a2a.SendMessageRequest;
import io.omniforge.a2a.StreamEvent;
import io.omniforge.a2a.StreamResponse;
import io.omniforge.a2a.Task;
import io.omniforge.a2a.TaskState;
import io.smallrye.mutiny.Multi;
import java.util.List;
import java.util.stream.Stream;

/**
 * The agent that fails on purpose. Whether a call fails, and how, is decided on the wire by {@link FlakyFaults},
 * which answers the failures itself; the calls it lets through succeed here with "flaky: ok".
 */
final class FlakyAgent extends DemoAgent {

    static final String NAME = "flaky";
    static final String OK = "flaky: ok";
    static final String BROKEN = "the flaky agent broke its stream on purpose";

    FlakyAgent(int maxTasks) {
        super(NAME, maxTasks);
    }

    @Override
    String description() {
        return "Fails a share of its calls on purpose (JSON-RPC error, malformed answer, broken stream or HTTP 500), "
                + "to test failure handling. Send 'ok' to make it succeed, 'fail:<mode>' to make it fail in that mode.";
    }

    @Override
    List<AgentSkill> skills() {
        return List.of(AgentSkill.of("flaky", "Flaky", "Answers 'flaky: ok', unless it fails on purpose.",
                List.of("flaky", "chaos"), List.of("ok", "fail:error", "fail:malformed", "fail:break-stream", "fail:http-500")));
    }

    @Override
    Multi<StreamResponse> turn(Task task, Message message) {
        return answer(task, NAME, OK);
    }

    /**
     * The first two events of a stream that breaks: the Task and its WORKING status. The task itself then fails,
     * as the task of an agent that lost its connection would never complete.
     */
    Multi<StreamEvent> breakingStream(SendMessageRequest request) {
        return stream(request, (task, message) -> Multi.createFrom().items(() -> Stream.of(
                status(task, TaskState.TASK_STATE_WORKING),
                status(task, TaskState.TASK_STATE_FAILED, BROKEN))))
                .select().first(2);
    }
}
