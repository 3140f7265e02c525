package io.omniforge.handoff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.omniforge.a2a.A2aJson;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A thread's handoffs as the typed record its state is read into and written from. */
class ThreadHandoffsTest {

    private static final ObjectMapper JSON = A2aJson.newMapper();
    private static final Instant AT = Instant.parse("2026-01-01T00:00:00Z");

    private static HandoffRecord record(String id, String from, String to, HandoffState state, String task) {
        return new HandoffRecord(id, from, to, "why", from, state, 1, true, null, task, AT, AT, null);
    }

    @Test
    void aThreadWithoutHandoffsReadsAsNone() throws Exception {
        ThreadHandoffs none = ThreadHandoffs.of(JSON.readTree("{\"agents\":{\"echo\":{\"contextId\":\"c\"}}}"), JSON);
        assertTrue(none.stack().isEmpty() && none.history().isEmpty());
        assertNull(none.pendingContext());
        assertTrue(none.next().isEmpty());
    }

    @Test
    void writtenAndReadBackItIsTheSameAndTheRestOfTheStateIsKept() throws Exception {
        ObjectNode state = (ObjectNode) JSON.readTree("{\"agents\":{\"echo\":{\"contextId\":\"c\"}}}");
        ThreadHandoffs h = ThreadHandoffs.of(state, JSON)
                .with(record("h1", "triage", "billing", HandoffState.ACTIVE, "t1"))
                .pushing("triage").owing("h1");
        ObjectNode written = h.into(state, JSON);
        assertEquals("c", written.path("agents").path("echo").path("contextId").asText(), "not the record's: kept");
        ThreadHandoffs back = ThreadHandoffs.of(JSON.readTree(written.toString()), JSON);
        assertEquals(h, back);
        assertEquals("active", written.path("handoff").path("history").get(0).path("state").asText(), "the wire name");
    }

    @Test
    void aRecordReplacesTheOneOfItsIdAndANewOneComesLast() {
        ThreadHandoffs h = new ThreadHandoffs(List.of(), List.of(), null)
                .with(record("h1", "a", "b", HandoffState.INITIATED, null))
                .with(record("h2", "b", "c", HandoffState.INITIATED, "t2"))
                .with(record("h1", "a", "b", HandoffState.ACCEPTED, null));
        assertEquals(List.of("h1", "h2"), h.history().stream().map(HandoffRecord::id).toList());
        assertEquals(HandoffState.ACCEPTED, h.find("h1").orElseThrow().state());
        assertEquals(2, h.inFlight().size());
        ThreadHandoffs redacted = h.changing("h2", r -> r.withRedactions(Map.of("email", 1)));
        assertEquals(Map.of("email", 1), redacted.find("h2").orElseThrow().redactions());
        assertEquals(redacted, redacted.changing("h-none", r -> r.with(HandoffState.FAILED, "x")), "no such record");
    }

    @Test
    void theStackGivesTheAgentToGoBackToNext() {
        ThreadHandoffs h = new ThreadHandoffs(List.of(), List.of(), null).pushing("triage").pushing("billing");
        assertEquals("billing", h.next().orElseThrow());
        assertEquals("triage", h.popping().next().orElseThrow());
        assertTrue(h.popping().popping().popping().next().isEmpty(), "popping an empty stack leaves it empty");
    }
}
