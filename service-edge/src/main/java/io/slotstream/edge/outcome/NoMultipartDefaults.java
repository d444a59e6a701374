package io.slotstream.edge.outcome;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

import java.util.Map;

/**
 * No Slotstream API consumes {@code multipart/form-data}, so multipart resolution is off by default
 * ({@code spring.servlet.multipart.enabled=false}, lowest precedence: a service may turn it back on). With it on, a
 * malformed multipart body failed in the container's part parsing before any handler and answered 500; with it off,
 * the handler's media type check answers 415 naming the types it accepts.
 */
public class NoMultipartDefaults implements EnvironmentPostProcessor, Ordered {

    static final String ENABLED = "spring.servlet.multipart.enabled";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        environment.getPropertySources().addLast(new MapPropertySource("slotstream-edge-defaults",
                Map.of(ENABLED, "false")));
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
