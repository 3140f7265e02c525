package io.omniforge;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.omniforge.handoff.HandoffRecord;
import io.omniforge.orchestration.OrchestrationState;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * No GraalVM runs here, so the native image's reflection list is checked by reading: this test does the reading
 * that can be automated. Jackson reads and writes a record's components, so each of our own types inside a
 * registered record (a component, or the element of a list, map or optional) must be registered as well, and so
 * must what the store keeps as JSON beside the A2A model.
 */
class NativeReflectionTest {

    private static final Set<Class<?>> REGISTERED =
            Set.of(NativeReflection.class.getAnnotation(RegisterForReflection.class).targets());

    @Test
    void whatTheStoreKeepsAsJsonIsRegistered() {
        for (Class<?> stored : List.of(OrchestrationState.class, HandoffRecord.class)) {
            assertTrue(REGISTERED.contains(stored), stored.getName() + " is stored as JSON: register it in NativeReflection");
        }
    }

    @Test
    void everyTypeOfOursInsideARegisteredRecordIsRegistered() {
        Set<String> missing = new TreeSet<>();
        for (Class<?> type : REGISTERED) {
            if (!type.isRecord()) {
                continue;
            }
            for (RecordComponent component : type.getRecordComponents()) {
                for (Class<?> used : classesIn(component.getGenericType())) {
                    if (used.getName().startsWith("io.omniforge.") && !REGISTERED.contains(used)) {
                        missing.add(used.getName() + " (in " + type.getSimpleName() + "." + component.getName() + ")");
                    }
                }
            }
        }
        assertTrue(missing.isEmpty(), "register in NativeReflection: " + missing);
    }

    private static List<Class<?>> classesIn(Type type) {
        List<Class<?>> out = new ArrayList<>();
        if (type instanceof Class<?> c) {
            out.add(c.isArray() ? c.getComponentType() : c);
        } else if (type instanceof ParameterizedType p) {
            out.addAll(classesIn(p.getRawType()));
            for (Type argument : p.getActualTypeArguments()) {
                out.addAll(classesIn(argument));
            }
        }
        return out;
    }
}
