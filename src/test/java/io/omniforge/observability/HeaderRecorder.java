package io.omniforge.observability;

import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * Test only: records the headers of every JSON-RPC request the demo agent {@code echo} receives, before its own
 * route answers it, so a test sees what the orchestrator sent downstream. Keeps the last {@value #MAX}.
 */
@ApplicationScoped
public class HeaderRecorder {

    static final String PATH = "/demo/echo/a2a";
    static final int MAX = 100;

    private final ConcurrentLinkedDeque<Map<String, String>> received = new ConcurrentLinkedDeque<>();

    void mount(@Observes Router router) {
        router.post(PATH).order(-1).handler(ctx -> {
            Map<String, String> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            ctx.request().headers().forEach(h -> headers.put(h.getKey(), h.getValue()));
            received.addLast(headers);
            while (received.size() > MAX) {
                received.pollFirst();
            }
            ctx.next();
        });
    }

    public void clear() {
        received.clear();
    }

    public java.util.List<Map<String, String>> received() {
        return java.util.List.copyOf(received);
    }
}
