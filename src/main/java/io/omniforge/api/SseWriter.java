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
import java.util.concurrent.Flow.Subscription;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Writes a Multi of task events as Server-Sent Events with backpressure: one event is requested at a time, and the
 * next only once the connection's write queue has room, so a slow client holds nothing in memory here (its
 * subscription reads the task's log at its own pace). Each event's sequence number is its {@code id:}. A failure
 * before the first event is answered the plain way (JSON); after it, as a last event. A client that goes away
 * cancels its subscription, nothing else.
 */
final class SseWriter implements MultiSubscriber<StreamEvent> {

    private final HttpServerResponse response;
    private final Context context;
    private final ObjectMapper mapper;
    private final Function<StreamEvent, Object> payload;
    private final Function<A2aException, Object> lateError;
    private final Consumer<A2aException> earlyError;
    private final Function<Throwable, A2aException> errors;
    private final java.util.function.Supplier<Runnable> gauge;
    private Runnable closeGauge = () -> { };
    private volatile Subscription subscription;
    private volatile boolean started;
    private volatile boolean done;

    SseWriter(HttpServerResponse response, Context context, ObjectMapper mapper, Function<StreamEvent, Object> payload,
            Function<A2aException, Object> lateError, Consumer<A2aException> earlyError,
            Function<Throwable, A2aException> errors, java.util.function.Supplier<Runnable> gauge) {
        this.gauge = gauge;
        this.response = response;
        this.context = context;
        this.mapper = mapper;
        this.payload = payload;
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
            s.request(1);
        }
    }

    @Override
    public void onItem(StreamEvent event) {
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
        response.write(frame(event.hasId() ? event.seq() : null, payload.apply(event)));
        if (response.writeQueueFull()) {
            response.drainHandler(v -> request());
        } else {
            request();
        }
    }

    private void request() {
        Subscription s = subscription;
        if (s != null && !done) {
            s.request(1);
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
            response.end(frame(null, lateError.apply(error)));
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
            response.end();
        }
    }

    private Buffer frame(Long seq, Object body) {
        Buffer buffer = Buffer.buffer();
        if (seq != null) {
            buffer.appendString("id: ").appendString(Long.toString(seq)).appendString("\n");
        }
        try {
            buffer.appendString("data: ").appendBytes(mapper.writeValueAsBytes(body)).appendString("\n\n");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("could not serialize a stream event", e);
        }
        return buffer;
    }
}
