package io.omniforge.a2a;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Applying a batch of events at once gives the task that applying them one by one gives. */
class TaskApplyingTest {

    @Test
    void aBatchIsTheSameAsOneByOne() {
        Random random = new Random(7);
        for (int round = 0; round < 200; round++) {
            Task start = new Task("t", "c", TaskStatus.of(TaskState.TASK_STATE_SUBMITTED), null, null, null);
            List<StreamResponse> events = new ArrayList<>();
            int n = 1 + random.nextInt(60);
            for (int i = 0; i < n; i++) {
                int kind = random.nextInt(10);
                String artifact = "a" + random.nextInt(3);
                if (kind == 0) {
                    events.add(StreamResponse.of(new TaskStatusUpdateEvent("t", "c",
                            TaskStatus.of(TaskState.TASK_STATE_WORKING), null)));
                } else if (kind == 1) {
                    Message said = Message.agent("m" + i, "c", "t", List.of(Part.text("note " + i)));
                    events.add(StreamResponse.of(new TaskStatusUpdateEvent("t", "c",
                            TaskStatus.of(TaskState.TASK_STATE_WORKING, said), null)));
                } else {
                    boolean append = kind > 3;
                    events.add(StreamResponse.of(new TaskArtifactUpdateEvent("t", "c", Artifact.of(artifact, "n" + i,
                            List.of(Part.text("part " + i))), append, false, null)));
                }
            }
            Task oneByOne = start;
            for (StreamResponse e : events) {
                oneByOne = oneByOne.applying(e);
            }
            Task batch = start;
            int from = 0;
            while (from < events.size()) {
                int to = Math.min(events.size(), from + 1 + random.nextInt(20));
                batch = batch.applyingAll(events.subList(from, to));
                from = to;
            }
            assertEquals(oneByOne, batch, "round " + round);
        }
    }
}
