package io.omniforge.stream;

import io.omniforge.a2a.StreamEvent;
import io.smallrye.mutiny.Uni;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The live edge of one running task's event log: the highest committed sequence number, the most recent
 * committed events (bounded), and the subscribers waiting for the next one. Nothing here is the source of truth:
 * every event is in the store before it is added, so a subscriber that falls behind the window reads the store.
 */
final class TaskChannel {

    private final int capacity;
    private final ArrayDeque<StreamEvent> recent;
    private final List<Runnable> waiters = new ArrayList<>();
    private long durableSeq;
    private boolean closed;

    TaskChannel(long durableSeq, int capacity) {
        this.durableSeq = durableSeq;
        this.capacity = capacity;
        this.recent = new ArrayDeque<>(Math.min(capacity, 64));
    }

    /** An event has been committed: keep it (in sequence order), raise the watermark, wake the waiters. */
    void committed(StreamEvent event) {
        List<Runnable> wake;
        synchronized (this) {
            insertInOrder(event);
            while (recent.size() > capacity) {
                recent.removeFirst();
            }
            // Writes commit in the order they were queued, so every smaller sequence number is committed too.
            durableSeq = Math.max(durableSeq, event.seq());
            wake = drainWaiters();
        }
        wake.forEach(Runnable::run);
    }

    private void insertInOrder(StreamEvent event) {
        if (recent.isEmpty() || recent.peekLast().seq() < event.seq()) {
            recent.addLast(event);
            return;
        }
        List<StreamEvent> tail = new ArrayList<>();
        while (!recent.isEmpty() && recent.peekLast().seq() > event.seq()) {
            tail.add(0, recent.removeLast());
        }
        if (recent.isEmpty() || recent.peekLast().seq() != event.seq()) {
            recent.addLast(event);
        }
        recent.addAll(tail);
    }

    /**
     * Forgets the recent events (they are all in the store). With nobody waiting the channel closes and this returns
     * true; otherwise it stays open for its waiters.
     */
    boolean dropWindowOrClose() {
        synchronized (this) {
            recent.clear();
            if (!waiters.isEmpty()) {
                return false;
            }
        }
        close();
        return true;
    }

    synchronized long durableSeq() {
        return durableSeq;
    }

    synchronized boolean isClosed() {
        return closed;
    }

    /** No more events will come from this process. */
    void close() {
        List<Runnable> wake;
        synchronized (this) {
            closed = true;
            wake = drainWaiters();
        }
        wake.forEach(Runnable::run);
    }

    /**
     * The committed events after {@code cursor}, at most {@code max}, when the window holds all of them without a
     * gap; null when the caller must read the store instead.
     */
    synchronized List<StreamEvent> after(long cursor, int max) {
        if (cursor >= durableSeq) {
            return List.of();
        }
        List<StreamEvent> out = new ArrayList<>();
        long expected = cursor + 1;
        for (Iterator<StreamEvent> it = recent.iterator(); it.hasNext() && out.size() < max;) {
            StreamEvent e = it.next();
            if (e.seq() <= cursor) {
                continue;
            }
            if (e.seq() != expected || e.seq() > durableSeq) {
                break;
            }
            out.add(e);
            expected++;
        }
        return out.isEmpty() ? null : out;
    }

    /** Completes once something after {@code cursor} is committed or the channel closes. */
    Uni<Void> awaitAfter(long cursor) {
        return Uni.createFrom().emitter(emitter -> {
            Runnable wake = () -> emitter.complete(null);
            boolean ready;
            synchronized (this) {
                ready = closed || durableSeq > cursor;
                if (!ready) {
                    waiters.add(wake);
                }
            }
            if (ready) {
                emitter.complete(null);
            } else {
                emitter.onTermination(() -> {
                    synchronized (this) {
                        waiters.remove(wake);
                    }
                });
            }
        });
    }

    private List<Runnable> drainWaiters() {
        List<Runnable> wake = new ArrayList<>(waiters);
        waiters.clear();
        return wake;
    }
}
