package io.omniforge.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Map;
import org.jboss.logging.MDC;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A correlation scope makes exactly its fields current, and puts back exactly what was there. */
class CorrelationScopeTest {

    @AfterEach
    void clear() {
        Correlation.KEYS.forEach(MDC::remove);
    }

    @Test
    void aScopeSetsItsFieldsClearsTheOthersAndPutsEverythingBack() {
        MDC.put(Correlation.TASK_ID, "task-a");
        MDC.put(Correlation.AGENT, "echo");
        try (Correlation.Scope ignored = Correlation.open(Map.of(Correlation.TENANT, "t1", Correlation.TASK_ID, "task-b"))) {
            assertEquals("t1", MDC.get(Correlation.TENANT));
            assertEquals("task-b", MDC.get(Correlation.TASK_ID));
            assertNull(MDC.get(Correlation.AGENT), "a key the scope does not have is cleared");
            Correlation.put(Correlation.HANDOFF_ID, "h1"); // the work inside changes more
            Correlation.put(Correlation.TASK_ID, "task-c");
        }
        assertEquals("task-a", MDC.get(Correlation.TASK_ID));
        assertEquals("echo", MDC.get(Correlation.AGENT));
        assertNull(MDC.get(Correlation.TENANT));
        assertNull(MDC.get(Correlation.HANDOFF_ID));
    }

    @Test
    void aScopeThatFindsItsFieldsInPlaceStillUndoesWhatTheWorkChanged() {
        MDC.put(Correlation.TENANT, "t1");
        MDC.put(Correlation.TASK_ID, "task-a");
        try (Correlation.Scope ignored = Correlation.open(Map.of(Correlation.TENANT, "t1", Correlation.TASK_ID, "task-a"))) {
            Correlation.put(Correlation.TASK_ID, "task-b");
            Correlation.put(Correlation.TENANT, null);
            Correlation.put(Correlation.AGENT, "billing");
        }
        assertEquals("t1", MDC.get(Correlation.TENANT));
        assertEquals("task-a", MDC.get(Correlation.TASK_ID));
        assertNull(MDC.get(Correlation.AGENT));
    }
}
