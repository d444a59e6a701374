package io.slotstream.edge;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

import java.util.Map;

/**
 * Defaults every Slotstream service shares, as a property source of the lowest precedence: a service's own
 * configuration (application.yml, environment) may turn each back.
 * <ul>
 *   <li>{@code spring.servlet.multipart.enabled=false}: no Slotstream API consumes {@code multipart/form-data}. With
 *   it on, a malformed multipart body failed in the container's part parsing before any handler and answered 500;
 *   with it off, the handler's media type check answers 415 naming the types it accepts.</li>
 *   <li>{@code management.observations.enable.spring.security=false}: Spring Security otherwise times every filter
 *   of its chain on every request ({@code spring_security_*} metrics, read by no one). In a CPU profile at 500
 *   changes/s that Micrometer work was about 5 % of ingest-service's CPU and 4 % of publish-service's
 *   (docs/benchmarks.md, "Spring Security's observations off"). {@code http_server_requests} still times every
 *   request.</li>
 * </ul>
 */
public class EdgeDefaults implements EnvironmentPostProcessor, Ordered {

    static final String PROPERTY_SOURCE = "slotstream-edge-defaults";
    static final String MULTIPART_ENABLED = "spring.servlet.multipart.enabled";
    static final String SECURITY_OBSERVATIONS = "management.observations.enable.spring.security";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        environment.getPropertySources().addLast(new MapPropertySource(PROPERTY_SOURCE,
                Map.of(MULTIPART_ENABLED, "false", SECURITY_OBSERVATIONS, "false")));
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
