package io.omniforge.demo;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** With {@code omniforge.demo.enabled=false} nothing is mounted. */
@QuarkusTest
@TestProfile(DemoDisabledTest.Disabled.class)
class DemoDisabledTest {

    public static class Disabled implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("omniforge.demo.enabled", "false");
        }
    }

    @Inject
    DemoAgents demo;

    @Test
    void nothingIsMounted() {
        assertFalse(demo.enabled());
        assertTrue(demo.served().isEmpty());
        for (String name : DemoAgents.NAMES) {
            given().get(DemoAgents.cardPath(name)).then().statusCode(404);
            Rpc.call(name, "SendMessage", Rpc.send(Rpc.message("ok"))).then().statusCode(404);
        }
    }
}
