package io.omniforge.support;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Test only: what each demo agent received, at the agent's side. A route in front of every demo agent's JSON-RPC
 * endpoint keeps the body of each request it receives (the last {@value #MAX}), then hands the request on; the
 * agent's own route answers it as always (Vert.x reads a body once: the agent's body handler sees it read).
 */
@ApplicationScoped
public class AgentInbox {

    static final int MAX = 500;
    private static final int MAX_BODY = 16 * 1024 * 1024;

    /** One request body a demo agent received, numbered in the order they arrived. */
    public record Received(long seq, String agent, String body) {
    }

    private final ConcurrentLinkedDeque<Received> received = new ConcurrentLinkedDeque<>();
    private final AtomicLong seq = new AtomicLong();

    void mount(@Observes Router router) {
        router.post("/demo/:agent/a2a").order(-2)
                .handler(BodyHandler.create(false).setBodyLimit(MAX_BODY))
                .handler(ctx -> {
                    received.addLast(new Received(seq.incrementAndGet(), ctx.pathParam("agent"), ctx.body().asString()));
                    while (received.size() > MAX) {
                        received.pollFirst();
                    }
                    ctx.next();
                });
    }

    /** The number of the last request received: pass it to {@link #bodies} to see what came after. */
    public long mark() {
        return seq.get();
    }

    /** The bodies {@code agent} received after {@code mark}, oldest first. */
    public List<String> bodies(String agent, long mark) {
        return received.stream().filter(r -> r.seq() > mark && r.agent().equals(agent)).map(Received::body).toList();
    }
}
