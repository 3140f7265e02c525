package io.omniforge.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The batching subscriber that lets a task commit a fast agent's events in batches. */
class CoalescerTest {

    /** Work that takes a while per batch, like a commit: the items that arrive meanwhile make the next batch. */
    static final class SlowWork {
        final List<List<Integer>> batches = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger overlaps = new AtomicInteger();

        Uni<Void> apply(List<Integer> batch) {
            if (inFlight.incrementAndGet() > 1) {
                overlaps.incrementAndGet();
            }
            batches.add(List.copyOf(batch));
            return Uni.createFrom().voidItem().onItem().delayIt().by(Duration.ofMillis(2))
                    .invoke(() -> inFlight.decrementAndGet());
        }

        List<Integer> all() {
            synchronized (batches) {
                return batches.stream().flatMap(List::stream).toList();
            }
        }
    }

    @Test
    void everyItemInOrderInFewerBatchesAndNeverTwoAtOnce() throws Exception {
        SlowWork work = new SlowWork();
        CompletableFuture<Void> done = new CompletableFuture<>();
        Coalescer<Integer> c = new Coalescer<>(64, work::apply, () -> done.complete(null), done::completeExceptionally);
        Multi.createFrom().range(0, 5_000).emitOn(r -> new Thread(r).start()).subscribe().withSubscriber(c);
        done.get(30, TimeUnit.SECONDS);
        assertEquals(IntStream.range(0, 5_000).boxed().toList(), work.all(), "every item once, in order");
        assertEquals(0, work.overlaps.get(), "one batch at a time");
        assertTrue(work.batches.size() < 1_000, "items that waited went together: " + work.batches.size() + " batches");
        assertTrue(work.batches.stream().allMatch(b -> b.size() <= 64), "no batch is larger than what was requested");
    }

    @Test
    void anUrgentItemGoesWhileABatchIsInFlightOthersWaitAndTheEndWaitsForAll() throws Exception {
        SlowWork work = new SlowWork();
        AtomicInteger most = new AtomicInteger();
        AtomicInteger overlapped = new AtomicInteger();
        AtomicInteger unfinishedAtEnd = new AtomicInteger(-1);
        CompletableFuture<Void> done = new CompletableFuture<>();
        // Every 100th item is urgent: only a batch that holds one may go while another is in flight.
        Coalescer<Integer> c = new Coalescer<>(64, 2, i -> i % 100 == 99, b -> {
            boolean another = work.inFlight.get() > 0;
            Uni<Void> step = work.apply(b);
            most.accumulateAndGet(work.inFlight.get(), Math::max);
            if (another) {
                overlapped.incrementAndGet();
                assertTrue(b.stream().anyMatch(i -> i % 100 == 99), "only a batch with an urgent item overlaps: " + b);
            }
            return step;
        }, () -> {
            unfinishedAtEnd.set(work.inFlight.get());
            done.complete(null);
        }, done::completeExceptionally);
        Multi.createFrom().range(0, 5_000).emitOn(r -> new Thread(r).start()).subscribe().withSubscriber(c);
        done.get(30, TimeUnit.SECONDS);
        assertEquals(IntStream.range(0, 5_000).boxed().toList(), work.all(), "every item once, in order");
        assertTrue(most.get() <= 2, "never more than two in flight: " + most.get());
        assertTrue(overlapped.get() > 0, "urgent items went while a batch was in flight");
        assertEquals(0, unfinishedAtEnd.get(), "the end is reported after every batch's work finished");
        assertTrue(work.batches.stream().allMatch(b -> b.size() <= 64), "no batch is larger than what was requested");
    }

    @Test
    void aLoneItemGoesAtOnce() throws Exception {
        SlowWork work = new SlowWork();
        CountDownLatch first = new CountDownLatch(1);
        Coalescer<Integer> c = new Coalescer<>(64, b -> {
            first.countDown();
            return work.apply(b);
        }, () -> { }, f -> { });
        Multi.createFrom().items(1).onCompletion().call(() -> Uni.createFrom().nullItem().onItem().delayIt()
                .by(Duration.ofSeconds(5))).subscribe().withSubscriber(c);
        assertTrue(first.await(2, TimeUnit.SECONDS), "the item did not wait for others or for the end");
        c.cancel();
    }

    @Test
    void theUpstreamFailureComesAfterTheItemsBeforeIt() throws Exception {
        SlowWork work = new SlowWork();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        CountDownLatch ended = new CountDownLatch(1);
        IllegalStateException boom = new IllegalStateException("boom");
        Coalescer<Integer> c = new Coalescer<>(8, work::apply, ended::countDown, f -> {
            failed.set(f);
            assertEquals(100, work.all().size(), "reported only after every earlier item was worked on");
            ended.countDown();
        });
        Multi.createBy().concatenating().streams(Multi.createFrom().range(0, 100), Multi.createFrom().failure(boom))
                .subscribe().withSubscriber(c);
        assertTrue(ended.await(10, TimeUnit.SECONDS));
        assertSame(boom, failed.get());
    }

    @Test
    void failedWorkStopsTheStreamAndIsReported() throws Exception {
        AtomicInteger cancelled = new AtomicInteger();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        AtomicInteger done = new AtomicInteger();
        AtomicInteger calls = new AtomicInteger();
        Coalescer<Integer> c = new Coalescer<>(4, b -> calls.incrementAndGet() == 2
                ? Uni.createFrom().failure(new IllegalArgumentException("no")) : Uni.createFrom().voidItem(),
                done::incrementAndGet, failed::set);
        Multi.createFrom().ticks().every(Duration.ofMillis(1)).map(Long::intValue).onCancellation().invoke(cancelled::incrementAndGet)
                .subscribe().withSubscriber(c);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (failed.get() == null && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals("no", failed.get().getMessage());
        assertEquals(1, cancelled.get(), "the upstream was canceled");
        Thread.sleep(50);
        assertEquals(2, calls.get(), "no work after the failure");
        assertEquals(0, done.get());
    }

    @Test
    void cancelReportsNothing() throws Exception {
        AtomicReference<Throwable> failed = new AtomicReference<>();
        AtomicInteger done = new AtomicInteger();
        Coalescer<Integer> c = new Coalescer<>(4, b -> Uni.createFrom().voidItem(), done::incrementAndGet, failed::set);
        Multi.createFrom().ticks().every(Duration.ofMillis(1)).map(Long::intValue).subscribe().withSubscriber(c);
        Thread.sleep(20);
        c.cancel();
        Thread.sleep(50);
        assertNull(failed.get());
        assertEquals(0, done.get());
    }
}
