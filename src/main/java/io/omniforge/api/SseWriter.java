package io.omniforge.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.omniforge.a2a.A2aException;
import io.omniforge.a2a.StreamEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.MultiSubscriber;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Flow.Subscription;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Writes a Multi of task events as Server-Sent Events with backpressure: at most {@link #WINDOW} events are asked
 * for ahead of the connection, and more only once its write queue has room, so a slow client holds little in memory
 * here (its subscription reads the task's log at its own pace). Events that arrive together go out in one write.
 * Each event's sequence number is its {@code id:}; its data is {@code prefix}, the event's JSON (serialized once
 * for every stream that carries it), {@code suffix}. A failure before the first event is answered the plain way
 * (JSON); after it, as a last event (without an id, and named by the SSE {@code event:} field when the binding names
 * its error events). A client that goes away cancels its subscription, nothing else.
 */
final class SseWriter implements MultiSubscriber<StreamEvent> {

    /** Events requested ahead of the connection at most. */
    static final int WINDOW = 64;
    private static final byte[] ID = "id: ".getBytes(StandardCharsets.UTF_8);
    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.UTF_8);
    private static final byte[] EVENT = "event: ".getBytes(StandardCharsets.UTF_8);
    private static final byte[] NEWLINE = "\n".getBytes(StandardCharsets.UTF_8);
    private static final byte[] END = "\n\n".getBytes(StandardCharsets.UTF_8);

    private final HttpServerResponse response;
    private final Context context;
    private final ObjectMapper mapper;
    private final byte[] prefix;
    private final byte[] suffix;
    private final Function<A2aException, Object> lateError;
    private final Consumer<A2aException> earlyError;
    private final Function<Throwable, A2aException> errors;
    private final java.util.function.Supplier<Runnable> gauge;
    private final String errorEvent;
    private Runnable closeGauge = () -> { };
    private volatile Subscription subscription;
    private volatile boolean started;
    private volatile boolean done;
    // Only touched on the connection's context:
    private Buffer pending;
    private boolean flushScheduled;
    private long outstanding;

    SseWriter(HttpServerResponse response, Context context, ObjectMapper mapper, String prefix, String suffix,
            Function<A2aException, Object> lateError, Consumer<A2aException> earlyError,
            Function<Throwable, A2aException> errors, java.util.function.Supplier<Runnable> gauge) {
        this(response, context, mapper, prefix, suffix, lateError, earlyError, errors, gauge, null);
    }

    /** {@code errorEvent}: the SSE event name of the last event that carries a late failure; null for none. */
    SseWriter(HttpServerResponse response, Context context, ObjectMapper mapper, String prefix, String suffix,
            Function<A2aException, Object> lateError, Consumer<A2aException> earlyError,
            Function<Throwable, A2aException> errors, java.util.function.Supplier<Runnable> gauge, String errorEvent) {
        this.errorEvent = errorEvent;
        this.gauge = gauge;
        this.response = response;
        this.context = context;
        this.mapper = mapper;
        this.prefix = prefix.getBytes(StandardCharsets.UTF_8);
        this.suffix = suffix.getBytes(StandardCharsets.UTF_8);
        this.lateError = lateError;
        this.earlyError = earlyError;
        this.errors = errors;
    }

    void start(Multi<StreamEvent> events) {
        // The open-streams gauge counts this stream until it ends, fails or its client goes away (closing is idempotent).
        closeGauge = gauge.get();
        response.closeHandler(v -> {
            closeGauge.run();
            done = true;
            Subscription s = subscription;
            if (s != null) {
                s.cancel();
            }
        });
        events.emitOn(cmd -> context.runOnContext(v -> cmd.run())).subscribe().withSubscriber(this);
    }

    @Override
    public void onSubscribe(Subscription s) {
        subscription = s;
        if (done) {
            s.cancel();
        } else {
            context.runOnContext(v -> refill());
        }
    }

    @Override
    public void onItem(StreamEvent event) {
        outstanding--;
        if (done) {
            return;
        }
        if (!started) {
            started = true;
            response.setChunked(true)
                    .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream")
                    .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
                    .putHeader("X-Accel-Buffering", "no");
        }
        if (pending == null) {
            pending = Buffer.buffer(512);
        }
        if (event.hasId()) {
            pending.appendBytes(ID).appendString(Long.toString(event.seq())).appendBytes(NEWLINE);
        }
        pending.appendBytes(DATA).appendBytes(prefix).appendBytes(event.jsonBytes(mapper)).appendBytes(suffix).appendBytes(END);
        if (!flushScheduled) {
            // Whatever else arrives in this turn of the event loop goes out in the same write.
            flushScheduled = true;
            context.runOnContext(v -> flush());
        }
    }

    private void flush() {
        flushScheduled = false;
        if (done) {
            return;
        }
        writePending();
        if (response.writeQueueFull()) {
            response.drainHandler(v -> refill());
        } else {
            refill();
        }
    }

    private void writePending() {
        if (pending != null) {
            Buffer b = pending;
            pending = null;
            response.write(b);
        }
    }

    /** Asks for more once half the window has been used. */
    private void refill() {
        Subscription s = subscription;
        if (s != null && !done && outstanding <= WINDOW / 2) {
            long more = WINDOW - outstanding;
            outstanding += more;
            s.request(more);
        }
    }

    @Override
    public void onFailure(Throwable failure) {
        if (done) {
            return;
        }
        done = true;
        closeGauge.run();
        A2aException error = errors.apply(failure);
        if (!started) {
            earlyError.accept(error);
        } else {
            writePending();
            response.end(frame(lateError.apply(error)));
        }
    }

    @Override
    public void onCompletion() {
        if (done) {
            return;
        }
        done = true;
        closeGauge.run();
        if (!started) {
            earlyError.accept(new A2aException(io.omniforge.a2a.A2aError.INTERNAL_ERROR, "the stream ended without an event"));
        } else {
            writePending();
            response.end();
        }
    }

    /** A last event without an id. */
    private Buffer frame(Object body) {
        try {
            Buffer frame = Buffer.buffer();
            if (errorEvent != null) {
                frame.appendBytes(EVENT).appendString(errorEvent).appendBytes(NEWLINE);
            }
            return frame.appendBytes(DATA).appendBytes(mapper.writeValueAsBytes(body)).appendBytes(END);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("could not serialize a stream event", e);
        }
    }
}
