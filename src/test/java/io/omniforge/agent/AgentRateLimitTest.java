package io.omniforge.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The per-agent calls-per-second bucket on its own: the burst passes, one more is refused naming the key and the wait. */
class AgentRateLimitTest {

    @SuppressWarnings("unchecked")
    private static <T> T config(Class<T> type, Map<String, Object> answers) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                (proxy, method, args) -> answers.getOrDefault(method.getName(), OptionalInt.empty()));
    }

    @Test
    void theBurstPassesAndOneMoreIsRefusedNamingTheKey() {
        AgentLimits limits = new AgentLimits(config(AgentConfig.class, Map.of("maxCallsPerSecond", OptionalInt.of(3))),
                config(AgentsConfig.class, Map.of("declared", Map.of())));
        for (int i = 0; i < 3; i++) {
            limits.admit("busy").run();
        }
        AgentException e = assertThrows(AgentException.class, () -> limits.admit("busy"));
        assertEquals(AgentException.Kind.LIMITED, e.kind());
        assertTrue(e.getMessage().contains("its limit of 3 calls per second (omniforge.agent.max-calls-per-second)"),
                e.getMessage());
        assertEquals("1", e.metadata().get("retryAfterSeconds"));
        // Another agent has its own bucket.
        limits.admit("quiet").run();
    }
}
