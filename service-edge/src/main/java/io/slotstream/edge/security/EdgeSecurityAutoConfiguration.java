package io.slotstream.edge.security;

import jakarta.servlet.DispatcherType;
import io.slotstream.edge.tls.ServiceTls;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

import java.util.List;

/**
 * Request security of every Slotstream service ({@code slotstream.security.*}, {@link EdgeSecurityProperties}):
 * {@code mode=token} makes the service an OAuth 2.0 resource server (bearer JWTs, SMART scopes per route,
 * {@link SmartAccessManager}); {@code mode=off} lets every request through. Either way the API is stateless
 * (no session, no CSRF token, no login page) and the services keep their own caching headers.
 */
@AutoConfiguration(beforeName = {
        "org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration",
        "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration",
        "org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration",
        "org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration",
        "org.springframework.boot.security.oauth2.server.resource.autoconfigure.servlet.OAuth2ResourceServerAutoConfiguration"})
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@EnableConfigurationProperties(EdgeSecurityProperties.class)
public class EdgeSecurityAutoConfiguration {

    /** Probes and metrics scrapers carry no token; health details stay hidden from them (show-details: when-authorized). */
    static final List<AccessRule> BUILT_IN = List.of(
            AccessRule.open("/actuator/health", "/actuator/health/**", "/actuator/info", "/actuator/prometheus"));

    @Bean
    SecurityFilterChain slotstreamSecurityFilterChain(HttpSecurity http, EdgeSecurityProperties properties,
                                                      Environment environment, ServiceTls tls,
                                                      ObjectProvider<IncludedTypes> includedTypes) throws Exception {
        http.csrf(c -> c.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(c -> c.disable())
                .formLogin(f -> f.disable())
                .httpBasic(b -> b.disable())
                .logout(l -> l.disable())
                .headers(h -> h.cacheControl(c -> c.disable()));
        if (properties.mode() == EdgeSecurityProperties.Mode.OFF) {
            return http.authorizeHttpRequests(a -> a.anyRequest().permitAll()).build();
        }
        SecurityAnswers answers = new SecurityAnswers(environment.getProperty("spring.application.name", "slotstream"));
        SmartAccessManager access = new SmartAccessManager(properties, BUILT_IN,
                includedTypes.getIfAvailable(() -> IncludedTypes.NONE));
        http.authorizeHttpRequests(a -> a
                        .dispatcherTypeMatchers(DispatcherType.ERROR, DispatcherType.ASYNC).permitAll()
                        .anyRequest().access(access))
                .oauth2ResourceServer(o -> o
                        .jwt(j -> j.decoder(TokenDecoders.of(properties, tls)))
                        .authenticationEntryPoint(answers)
                        .accessDeniedHandler(answers))
                .exceptionHandling(e -> e.authenticationEntryPoint(answers).accessDeniedHandler(answers));
        return http.build();
    }

    /** No users, no generated password: callers are OAuth clients. */
    @Bean
    UserDetailsService slotstreamNoUsers() {
        return new InMemoryUserDetailsManager();
    }
}
