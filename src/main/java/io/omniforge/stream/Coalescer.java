package io.omniforge.stream;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.smallrye.mutiny.subscription.MultiSubscriber;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Subscribes to a stream and hands its items to {@code work} in order, in batches: while one batch is being
 * worked on (its events being committed), the items that arrive wait, and the next batch takes all of them. One
 * item alone goes through at once; a fast stream gets one commit per batch instead of one per item. At most
 * {@code maxBatch} items wait or are being worked on: that is all it asks of the upstream ahead of the work
 * (backpressure).
 *
 * <p>An item that is {@code urgent} does not wait: it goes (with what waits before it) while other batches are
 * still being worked on, up to {@code maxInFlight} of them (by default no item is urgent and one batch is in
 * flight). Work is always handed its batches one after the other, in order, never from two threads at once. That
 * suits work that queues its result in order (a task's events queued to the store's one writer): an agent's final
 * event is queued behind its result instead of waiting for that commit, and both may go into one commit, while a
 * dense stream of ordinary items still goes in large batches.
 *
 * <p>The upstream's end or failure is reported after the work of every item that came before it has finished. A
 * batch whose work fails stops everything: the upstream is canceled and the failure reported.
 */
public final class Coalescer<T> implements MultiSubscriber<T>, Cancellable {

    /**
     * The batch a task's or a leg's agent stream uses: at most this many events wait while the ones before them are
     * being committed, and the next commit takes all of them.
     */
    public static final int AGENT_EVENTS = 256;

    private final int maxBatch;
    private final int maxInFlight;
    private final java.util.function.Predicate<T> urgent;
    private final Function<List<T>, Uni<Void>> work;
    private final Runnable onDone;
    private final Consumer<Throwable> onFailure;
    /** Guarded by {@code this}, as are the fields up to {@link #over}. */
    private final ArrayDeque<T> waiting = new ArrayDeque<>();
    private int inFlight;
    private boolean urgentWaiting;
    private boolean upstreamEnded;
    private Throwable upstreamFailure;
    private boolean over;
    /** The drain loop's ticket: whoever takes it from 0 drains; the others only ask it to look again. */
    private final AtomicInteger draining = new AtomicInteger();
    private volatile Flow.Subscription upstream;
    private volatile boolean canceled;

    public Coalescer(int maxBatch, Function<List<T>, Uni<Void>> work, Runnable onDone, Consumer<Throwable> onFailure) {
        this(maxBatch, 1, item -> false, work, onDone, onFailure);
    }

    public Coalescer(int maxBatch, int maxInFlight, java.util.function.Predicate<T> urgent,
            Function<List<T>, Uni<Void>> work, Runnable onDone, Consumer<Throwable> onFailure) {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be at least 1, got " + maxBatch);
        }
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be at least 1, got " + maxInFlight);
        }
        this.maxBatch = maxBatch;
        this.maxInFlight = maxInFlight;
        this.urgent = urgent;
        this.work = work;
        this.onDone = onDone;
        this.onFailure = onFailure;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        upstream = subscription;
        if (canceled) {
            subscription.cancel();
        } else {
            subscription.request(maxBatch);
        }
    }

    @Override
    public void onItem(T item) {
        synchronized (this) {
            if (over) {
                return;
            }
            waiting.add(item);
            if (maxInFlight > 1 && urgent.test(item)) {
                urgentWaiting = true;
            }
        }
        drain();
    }

    @Override
    public void onFailure(Throwable failure) {
        ended(failure);
    }

    @Override
    public void onCompletion() {
        ended(null);
    }

    private void ended(Throwable failure) {
        synchronized (this) {
            upstreamEnded = true;
            upstreamFailure = failure;
        }
        drain(); // reported once the items before it are worked on
    }

    /** Stops asking for items; the batches being worked on still finish, nothing more is reported. */
    @Override
    public void cancel() {
        canceled = true;
        synchronized (this) {
            over = true;
            waiting.clear();
        }
        Flow.Subscription s = upstream;
        if (s != null) {
            s.cancel();
        }
    }

    /**
     * Hands what waits to the work while fewer than {@code maxInFlight} batches are in flight, or reports the end.
     * One thread at a time runs the loop; a call that finds it running makes it look again, so work that finishes
     * at once (inside {@code work.apply}) does not recurse.
     */
    private void drain() {
        if (draining.getAndIncrement() != 0) {
            return;
        }
        int missed = 1;
        while (true) {
            while (true) {
                List<T> batch = null;
                boolean end = false;
                Throwable failure = null;
                synchronized (this) {
                    if (over) {
                        break;
                    }
                    if (!waiting.isEmpty() && (inFlight == 0 || (urgentWaiting && inFlight < maxInFlight))) {
                        batch = new ArrayList<>(waiting);
                        waiting.clear();
                        urgentWaiting = false;
                        inFlight++;
                    } else if (waiting.isEmpty() && inFlight == 0 && upstreamEnded) {
                        over = true;
                        end = true;
                        failure = upstreamFailure;
                    }
                }
                if (end) {
                    if (failure == null) {
                        onDone.run();
                    } else {
                        onFailure.accept(failure);
                    }
                    return;
                }
                if (batch == null) {
                    break;
                }
                handOver(batch);
            }
            missed = draining.addAndGet(-missed);
            if (missed == 0) {
                return;
            }
        }
    }

    private void handOver(List<T> batch) {
        Uni<Void> step;
        try {
            step = work.apply(batch);
        } catch (RuntimeException e) {
            step = Uni.createFrom().failure(e);
        }
        step.subscribe().with(v -> {
            synchronized (this) {
                inFlight--;
            }
            Flow.Subscription s = upstream;
            if (s != null && !canceled) {
                s.request(batch.size());
            }
            drain();
        }, this::failed);
    }

    private void failed(Throwable failure) {
        synchronized (this) {
            if (over) {
                return;
            }
            over = true;
            waiting.clear();
        }
        Flow.Subscription s = upstream;
        if (s != null) {
            s.cancel();
        }
        onFailure.accept(failure);
    }
}
