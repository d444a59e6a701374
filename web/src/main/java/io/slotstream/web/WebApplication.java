package io.slotstream.web;

import io.slotstream.edge.tls.ServiceTls;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;

import java.net.http.HttpClient;
import java.time.Duration;

/**
 * web: the slot discovery page, the booking portal page (the target of Slotstream's booking deep links) and the
 * publication status page, as static assets that call the services' public APIs through a same-origin pass-through
 * ({@code /api/{service}/...}), plus the few server pieces the pages need: live slot changes as server-sent events
 * (from {@code slot.availability.v1}), the publication status summary and signed cancel links. Writes no topic.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
@org.springframework.scheduling.annotation.EnableScheduling
public class WebApplication {

    public static void main(String[] args) {
        SpringApplication.run(WebApplication.class, args);
    }

    /** One HTTP client for every call to the services (pass-through, status, cancel links), with the services' TLS trust. */
    @Bean
    HttpClient serviceHttpClient(ServiceTls tls) {
        return tls.httpClient(Duration.ofSeconds(5)).build();
    }
}
