package io.omniforge.a2a;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;

/** Gives Quarkus' ObjectMapper the A2A conventions of {@link A2aJson}. */
@Singleton
public class A2aObjectMapperCustomizer implements ObjectMapperCustomizer {
    @Override
    public void customize(ObjectMapper mapper) {
        A2aJson.configure(mapper);
    }
}
