package io.omniforge.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.omniforge.a2a.A2aException;
import io.omniforge.a2a.OrchestrationCapability;
import io.omniforge.agent.AgentsConfig;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which limit a turn gets: the agent's own, else the gateway's, and a request's within it. */
class TurnLimitsTest {

    private static GatewayConfig gateway(Duration max) {
        return new GatewayConfig() {
            public String name() {
                return "g";
            }

            public String description() {
                return "d";
            }

            public String version() {
                return "1";
            }

            public Duration blockingTimeout() {
                return Duration.ofMinutes(5);
            }

            public Duration maxTaskDuration() {
                return max;
            }

            public Duration shutdownGrace() {
                return Duration.ofSeconds(10);
            }

            public Recovery recovery() {
                throw new UnsupportedOperationException("turn limits do not read the recovery settings");
            }
        };
    }

    private static AgentsConfig agents(String name, Duration max) {
        AgentsConfig.Declared declared = new AgentsConfig.Declared() {
            public String url() {
                return "http://agent.test";
            }

            public Optional<Duration> callTimeout() {
                return Optional.empty();
            }

            public Optional<Duration> maxTaskDuration() {
                return Optional.of(max);
            }

            public java.util.OptionalInt maxConcurrentCalls() {
                return java.util.OptionalInt.empty();
            }

            public java.util.OptionalInt maxCallsPerSecond() {
                return java.util.OptionalInt.empty();
            }

            public AgentsConfig.Auth auth() {
                return null;
            }
        };
        return () -> Map.of(name, declared);
    }

    private static Map<String, Object> asking(Object maxDuration) {
        return Map.of(OrchestrationCapability.URI, Map.of("agent", "x", "maxDuration", maxDuration));
    }

    @Test
    void anAgentsOwnLimitComesFirstThenTheGateways() {
        TurnLimits limits = new TurnLimits(gateway(Duration.ofHours(1)), agents("long", Duration.ofHours(8)));
        assertEquals(new TurnLimits.Limit(Duration.ofHours(8), "omniforge.agents.long.max-task-duration"),
                limits.of("long"));
        assertEquals(new TurnLimits.Limit(Duration.ofHours(1), "omniforge.gateway.max-task-duration"), limits.of("other"));
        assertEquals(Duration.ofHours(8), limits.of("long", Map.of("unrelated", 1)).max());
    }

    @Test
    void aRequestMayAskForLessNeverForMore() {
        TurnLimits limits = new TurnLimits(gateway(Duration.ofHours(1)), agents("long", Duration.ofHours(8)));
        assertEquals(Duration.ofHours(3), limits.of("long", asking("3h")).max());
        assertEquals(Duration.ofMillis(1500), limits.of("other", asking(1500)).max());
        assertTrue(limits.of("other", asking("PT10M")).setBy().endsWith("].maxDuration"));
        A2aException above = assertThrows(A2aException.class, () -> limits.of("other", asking("3h")));
        assertTrue(above.getMessage().contains("at most PT1H (omniforge.gateway.max-task-duration)"), above.getMessage());
        A2aException wrong = assertThrows(A2aException.class, () -> limits.of("other", asking(Map.of())));
        assertTrue(wrong.getMessage().contains("maxDuration"), wrong.getMessage());
    }
}
