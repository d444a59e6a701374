package io.slotstream.edge.audit;

import io.micrometer.core.instrument.MeterRegistry;
import io.slotstream.edge.stack.StackConnectionAutoConfiguration;
import io.slotstream.schemas.topic.KafkaClientSettings;
import io.slotstream.schemas.topic.RegistrySettings;
import io.slotstream.schemas.topic.StackPreflight;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

import java.time.Clock;

/**
 * The audit trail of a service ({@link AuditProperties}): active when {@code slotstream.audit.enabled} (default) and
 * the service lists {@code slotstream.audit.routes}; sends to the broker and registry the service already uses
 * ({@link KafkaClientSettings}, {@link RegistrySettings} of {@link StackConnectionAutoConfiguration}).
 */
@AutoConfiguration(after = StackConnectionAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnProperty(prefix = "slotstream.audit", name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(AuditProperties.class)
public class AuditAutoConfiguration {

    /** Before Spring Security's filters (order -100), so refusals are audited with their 401/403. */
    static final int FILTER_ORDER = -110;

    @Bean(destroyMethod = "close")
    @ConditionalOnProperty(prefix = "slotstream.audit", name = "routes[0].paths[0]")
    AuditEventSender auditEventSender(AuditProperties properties, Environment environment,
                                      ObjectProvider<KafkaClientSettings> kafka, ObjectProvider<RegistrySettings> registry,
                                      ObjectProvider<MeterRegistry> meters) {
        return new AuditEventSender(kafka.getIfAvailable(() -> StackPreflight.kafkaSettings(environment::getProperty)),
                registry.getIfAvailable(() -> StackPreflight.registrySettings(environment::getProperty)),
                service(environment), properties.queueCapacity(), meters.getIfAvailable());
    }

    @Bean
    @ConditionalOnProperty(prefix = "slotstream.audit", name = "routes[0].paths[0]")
    FilterRegistrationBean<AuditFilter> slotstreamAuditFilter(AuditProperties properties, AuditEventSender sender,
                                                              Environment environment) {
        FilterRegistrationBean<AuditFilter> registration = new FilterRegistrationBean<>(
                new AuditFilter(service(environment), new AuditRoutes(properties.routes()), sender, Clock.systemUTC()));
        registration.setOrder(FILTER_ORDER);
        registration.setName("slotstreamAuditFilter");
        return registration;
    }

    private static String service(Environment environment) {
        return environment.getProperty("spring.application.name", "slotstream");
    }
}
