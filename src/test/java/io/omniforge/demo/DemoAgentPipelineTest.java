package io.omniforge.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.omniforge.a2a.A2aError;
import io.omniforge.a2a.A2aException;
import io.omniforge.service.CallContext;
import io.omniforge.a2a.GetTaskRequest;
import io.omniforge.a2a.Message;
import io.omniforge.a2a.SendMessageConfiguration;
import io.omniforge.a2a.SendMessageRequest;
import io.omniforge.a2a.StreamEvent;
import io.omniforge.a2a.SubscribeToTaskRequest;
import io.omniforge.a2a.Task;
import io.omniforge.a2a.TaskState;
import io.smallrye.mutiny.helpers.test.AssertSubscriber;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The in-memory base without HTTP: bounded memory, and tasks that live on without their clients. */
class DemoAgentPipelineTest {

    private static final CallContext CTX = new CallContext(null, "http://localhost", null);
    private static final Duration WAIT = Duration.ofSeconds(10);

    private static SendMessageRequest request(String text, boolean returnImmediately) {
        return new SendMessageRequest(null, Message.user(UUID.randomUUID().toString(), text),
                new SendMessageConfiguration(null, null, null, returnImmediately), null);
    }

    private static SlowAgent slow(int maxTasks) {
        return new SlowAgent(maxTasks, new DemoConfig.Slow() {
            @Override
            public Duration delay() {
                return Duration.ofSeconds(5);
            }

            @Override
            public int chunks() {
                return 5;
            }
        });
    }

    private static Task get(DemoAgent agent, String id) {
        return agent.getTask(CTX, new GetTaskRequest(null, id, null)).await().atMost(WAIT);
    }

    private static TaskState stateOf(StreamEvent event) {
        return event.response().state();
    }

    @Test
    void keepsAtMostMaxTasks() {
        EchoAgent echo = new EchoAgent(2);
        String first = echo.sendMessage(CTX, request("1", false)).await().atMost(WAIT).task().id();
        String second = echo.sendMessage(CTX, request("2", false)).await().atMost(WAIT).task().id();
        String third = echo.sendMessage(CTX, request("3", false)).await().atMost(WAIT).task().id();
        A2aException gone = assertThrows(A2aException.class, () -> get(echo, first));
        assertEquals(A2aError.TASK_NOT_FOUND, gone.error());
        assertEquals(TaskState.TASK_STATE_COMPLETED, get(echo, second).status().state());
        assertEquals(TaskState.TASK_STATE_COMPLETED, get(echo, third).status().state());
    }

    @Test
    void aDroppedRunningTaskStopsAndEndsItsStream() {
        SlowAgent agent = slow(1);
        AssertSubscriber<StreamEvent> stream = agent.sendStreamingMessage(CTX, request("take your time", false))
                .subscribe().withSubscriber(AssertSubscriber.create(1));
        stream.awaitItems(1);
        String id = stream.getItems().get(0).response().task().id();

        agent.sendMessage(CTX, request("delay:0", true)).await().atMost(WAIT); // the second task pushes the first out

        stream.request(100);
        stream.awaitCompletion(WAIT);
        List<StreamEvent> events = stream.getItems();
        assertEquals(TaskState.TASK_STATE_FAILED, stateOf(events.get(events.size() - 1)));
        assertThrows(A2aException.class, () -> get(agent, id));
    }

    @Test
    void aClientThatLeavesDoesNotStopTheTask() {
        SlowAgent agent = slow(10);
        AssertSubscriber<StreamEvent> leaving = agent.sendStreamingMessage(CTX, request("delay:1000", false))
                .subscribe().withSubscriber(AssertSubscriber.create(1));
        leaving.awaitItems(1);
        String id = leaving.getItems().get(0).response().task().id();
        leaving.cancel();

        AssertSubscriber<StreamEvent> follower = agent.subscribeToTask(CTX, new SubscribeToTaskRequest(null, id))
                .subscribe().withSubscriber(AssertSubscriber.create(100));
        follower.awaitCompletion(WAIT);
        List<StreamEvent> events = follower.getItems();
        assertEquals(id, events.get(0).response().task().id());
        assertEquals(TaskState.TASK_STATE_COMPLETED, stateOf(events.get(events.size() - 1)));
        assertEquals(5, get(agent, id).artifacts().get(0).parts().size());
    }

    @Test
    void followersOfOneTaskSeeTheSameEvents() {
        SlowAgent agent = slow(10);
        String id = agent.sendMessage(CTX, request("delay:1000", true)).await().atMost(WAIT).task().id();
        AssertSubscriber<StreamEvent> a = agent.subscribeToTask(CTX, new SubscribeToTaskRequest(null, id))
                .subscribe().withSubscriber(AssertSubscriber.create(100));
        AssertSubscriber<StreamEvent> b = agent.subscribeToTask(CTX, new SubscribeToTaskRequest(null, id))
                .subscribe().withSubscriber(AssertSubscriber.create(100));
        a.awaitCompletion(WAIT);
        b.awaitCompletion(WAIT);
        List<StreamEvent> later = a.getItems().subList(1, a.getItems().size());
        assertEquals(later, b.getItems().subList(b.getItems().size() - later.size(), b.getItems().size()));
        assertEquals(TaskState.TASK_STATE_COMPLETED, stateOf(later.get(later.size() - 1)));
    }
}
