package io.omniforge.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.omniforge.a2a.A2aError;
import io.omniforge.a2a.A2aException;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.helpers.test.AssertSubscriber;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import org.junit.jupiter.api.Test;

/** The count of a task's streams: one over the limit fails at once, and a stream that ends in any way makes room. */
class SubscribersTest {

    @Test
    void oneOverTheLimitFailsAndEveryEndMakesRoom() {
        Subscribers subscribers = new Subscribers(2);
        BroadcastProcessor<String> live = BroadcastProcessor.create();
        AssertSubscriber<String> first = subscribers.admit("t", live).subscribe().withSubscriber(AssertSubscriber.create(10));
        AssertSubscriber<String> second = subscribers.admit("t", live).subscribe().withSubscriber(AssertSubscriber.create(10));
        assertEquals(2, subscribers.count("t"));

        AssertSubscriber<String> third = subscribers.admit("t", live).subscribe().withSubscriber(AssertSubscriber.create(10));
        third.assertFailedWith(A2aException.class, "task t already has 2 subscriptions here");
        assertEquals(A2aError.UNSUPPORTED_OPERATION, ((A2aException) third.getFailure()).error());
        assertEquals(2, subscribers.count("t"), "the refused one did not count");
        assertEquals(1, subscribers.admit("u", Multi.createFrom().items("x")).subscribe()
                .withSubscriber(AssertSubscriber.create(10)).assertCompleted().getItems().size(), "other tasks are apart");

        first.cancel(); // a client that goes away
        assertEquals(1, subscribers.count("t"));
        AssertSubscriber<String> failing = subscribers.admit("t", Multi.createFrom().<String>failure(new IllegalStateException("x")))
                .subscribe().withSubscriber(AssertSubscriber.create(10));
        failing.assertFailedWith(IllegalStateException.class, "x");
        assertEquals(1, subscribers.count("t"));
        live.onComplete();
        second.assertCompleted();
        assertEquals(0, subscribers.count("t"));
        assertEquals(0, subscribers.count("u"));
    }
}
