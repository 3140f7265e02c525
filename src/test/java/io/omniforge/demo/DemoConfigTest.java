package io.omniforge.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The documented defaults of {@code omniforge.demo.*}, and the flaky modes spelled as in the docs; plain SmallRye
 * Config with Quarkus' duration converter, no application needed.
 */
class DemoConfigTest {

    private static DemoConfig config(Map<String, String> properties) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(DemoConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter()) // Quarkus' "2s" form
                .withSources(new PropertiesConfigSource(properties, "test", 100))
                .build();
        return config.getConfigMapping(DemoConfig.class);
    }

    @Test
    void defaults() {
        DemoConfig c = config(Map.of());
        assertTrue(c.enabled());
        assertEquals(10_000, c.maxTasks());
        assertEquals(Duration.ofSeconds(2), c.slow().delay());
        assertEquals(5, c.slow().chunks());
        assertEquals(0.5, c.flaky().failureRate());
        assertEquals(FlakyMode.ERROR, c.flaky().mode());
    }

    @Test
    void everyFlakyModeReadsAsDocumented() {
        for (FlakyMode mode : FlakyMode.values()) {
            assertEquals(mode, config(Map.of("omniforge.demo.flaky.mode", mode.wireName())).flaky().mode());
            assertEquals(mode, FlakyMode.fromWire(mode.wireName()).orElseThrow());
        }
        assertEquals(Duration.ofMillis(250), config(Map.of("omniforge.demo.slow.delay", "250ms")).slow().delay());
    }
}
