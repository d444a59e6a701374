package io.slotstream.edge.outcome;

import org.apache.catalina.core.StandardHost;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.webmvc.autoconfigure.error.ErrorMvcAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * Every error of a servlet service answers a FHIR OperationOutcome: Spring MVC failures
 * ({@link FhirExceptionAdvice}), the {@code /error} page ({@link FhirErrorController}, which takes the place of Boot's
 * {@code BasicErrorController} and whitelabel page) and Tomcat's own error report ({@link FhirErrorReportValve}).
 */
@AutoConfiguration(before = ErrorMvcAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@Import({FhirExceptionAdvice.class, FhirErrorController.class})
public class FhirErrorAutoConfiguration {

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({StandardHost.class, TomcatServletWebServerFactory.class})
    static class Tomcat {

        @Bean
        WebServerFactoryCustomizer<TomcatServletWebServerFactory> fhirErrorReportValve() {
            return factory -> factory.addContextCustomizers(context -> {
                if (context.getParent() instanceof StandardHost host) {
                    host.setErrorReportValveClass(FhirErrorReportValve.class.getName());
                }
            });
        }
    }
}
