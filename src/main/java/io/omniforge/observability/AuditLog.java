package io.omniforge.observability;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * Audit records: one INFO line on the logger {@value #CATEGORY} per event, whose fields are MDC entries (so the JSON
 * log has them as fields): {@code event} with the event's stable name, then the event's own fields, beside the
 * request's correlation fields. Fields are identifiers, kinds, codes and counts: a caller never passes message
 * text, a payload, a header or a redacted value.
 */
@ApplicationScoped
public class AuditLog {

    public static final String CATEGORY = "io.omniforge.audit";
    /** The MDC key holding the event name. */
    public static final String EVENT = "event";

    private static final Logger LOG = Logger.getLogger(CATEGORY);

    /** Logs one event with its fields; values are strings, numbers, booleans or enums. */
    public void record(AuditEvent event, Map<String, ?> fields) {
        Map<String, Object> sorted = new TreeMap<>(fields);
        List<String> keys = new ArrayList<>(sorted.size() + 1);
        List<Object> previous = new ArrayList<>(sorted.size() + 1);
        StringBuilder message = new StringBuilder(event.wireName());
        put(EVENT, event.wireName(), keys, previous);
        sorted.forEach((key, value) -> {
            if (value != null) {
                String text = value instanceof Enum<?> e ? e.name() : value.toString();
                put(key, text, keys, previous);
                message.append(' ').append(key).append('=').append(text);
            }
        });
        try {
            LOG.info(message);
        } finally {
            for (int i = keys.size() - 1; i >= 0; i--) {
                Object before = previous.get(i);
                if (before == null) {
                    MDC.remove(keys.get(i));
                } else {
                    MDC.put(keys.get(i), before);
                }
            }
        }
    }

    private static void put(String key, String value, List<String> keys, List<Object> previous) {
        keys.add(key);
        previous.add(MDC.get(key));
        MDC.put(key, value);
    }
}
