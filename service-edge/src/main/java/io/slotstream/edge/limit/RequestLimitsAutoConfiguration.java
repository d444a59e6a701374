package io.slotstream.edge.limit;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.util.unit.DataSize;

/**
 * Request limits of a service: the per-client rate limit when {@code slotstream.security.rate-limit.requests-per-second}
 * is above 0, the body size limit when {@code slotstream.security.max-body-size} is set (both on the rate limit's
 * paths and methods).
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@EnableConfigurationProperties(RateLimitProperties.class)
public class RequestLimitsAutoConfiguration {

    /** Before anything reads the body (and before request security: an oversized body is refused unread). */
    static final int BODY_FILTER_ORDER = -120;
    /** After Spring Security's filters (order -100): the token's client id is known. */
    static final int RATE_FILTER_ORDER = 0;

    @Bean
    @ConditionalOnProperty(prefix = "slotstream.security.rate-limit", name = "requests-per-second")
    FilterRegistrationBean<RateLimitFilter> slotstreamRateLimitFilter(RateLimitProperties properties,
                                                                      ObjectProvider<MeterRegistry> meters) {
        FilterRegistrationBean<RateLimitFilter> registration = new FilterRegistrationBean<>(
                new RateLimitFilter(properties, meters.getIfAvailable()));
        registration.setOrder(RATE_FILTER_ORDER);
        registration.setName("slotstreamRateLimitFilter");
        registration.setEnabled(properties.enabled());
        return registration;
    }

    @Bean
    @ConditionalOnProperty(prefix = "slotstream.security", name = "max-body-size")
    FilterRegistrationBean<BodySizeLimitFilter> slotstreamBodySizeLimitFilter(
            RateLimitProperties properties,
            @org.springframework.beans.factory.annotation.Value("${slotstream.security.max-body-size}") DataSize max) {
        FilterRegistrationBean<BodySizeLimitFilter> registration = new FilterRegistrationBean<>(
                new BodySizeLimitFilter(max.toBytes(), RequestMatcher.of(properties.paths(), properties.methods())));
        registration.setOrder(BODY_FILTER_ORDER);
        registration.setName("slotstreamBodySizeLimitFilter");
        registration.setEnabled(max.toBytes() > 0);
        return registration;
    }
}
