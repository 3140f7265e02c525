package io.omniforge.stream;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.smallrye.mutiny.subscription.MultiSubscriber;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Subscribes to a stream and hands its items to {@code work} in order, in batches: while one batch is being
 * worked on (its events being committed), the items that arrive wait, and the next batch takes all of them. One
 * item alone goes through at once; a fast stream gets one commit per batch instead of one per item. At most
 * {@code maxBatch} items wait: that is all it asks of the upstream ahead of the work (backpressure).
 *
 * <p>The upstream's end or failure is reported after every item that came before it has been worked on. A batch
 * whose work fails stops everything: the upstream is canceled and the failure reported.
 */
public final class Coalescer<T> implements MultiSubscriber<T>, Cancellable {

    /**
     * The batch a task's or a leg's agent stream uses: at most this many events wait while the ones before them are
     * being committed, and the next commit takes all of them.
     */
    public static final int AGENT_EVENTS = 256;

    private final int maxBatch;
    private final Function<List<T>, Uni<Void>> work;
    private final Runnable onDone;
    private final Consumer<Throwable> onFailure;
    private final ArrayDeque<T> waiting = new ArrayDeque<>();
    private volatile Flow.Subscription upstream;
    private boolean busy;
    private boolean upstreamEnded;
    private Throwable upstreamFailure;
    private boolean over;
    private volatile boolean canceled;

    public Coalescer(int maxBatch, Function<List<T>, Uni<Void>> work, Runnable onDone, Consumer<Throwable> onFailure) {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be at least 1, got " + maxBatch);
        }
        this.maxBatch = maxBatch;
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
            if (busy) {
                return;
            }
            busy = true;
        }
        next();
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
            if (busy) {
                return; // reported once the waiting items are worked on
            }
            busy = true;
        }
        next();
    }

    /** Stops asking for items; the batch being worked on still finishes, nothing more is reported. */
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

    /** Called by whoever set {@code busy}: works on what waits, or reports the end, or goes idle. */
    private void next() {
        List<T> batch;
        Throwable failure = null;
        boolean end = false;
        synchronized (this) {
            if (over || waiting.isEmpty()) {
                busy = false;
                if (!over && upstreamEnded) {
                    over = true;
                    end = true;
                    failure = upstreamFailure;
                }
                batch = null;
            } else {
                batch = new ArrayList<>(waiting);
                waiting.clear();
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
            return;
        }
        Uni<Void> step;
        try {
            step = work.apply(batch);
        } catch (RuntimeException e) {
            step = Uni.createFrom().failure(e);
        }
        step.subscribe().with(v -> {
            Flow.Subscription s = upstream;
            if (s != null && !canceled) {
                s.request(batch.size());
            }
            next();
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
