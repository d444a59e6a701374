package io.slotstream.booking.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.server.FifoMemoryPagingProvider;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.interceptor.ResponseHighlighterInterceptor;
import io.slotstream.booking.audit.AuditEventProvider;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.io.IOException;
import java.util.List;

/**
 * HAPI's plain server ({@link RestfulServer}) at {@code /fhir/*}: the IHE ITI Scheduling operations, Appointment
 * search/read, and the audit trail's AuditEvent search/read. HAPI generates the CapabilityStatement ({@code GET /fhir/metadata}) from the providers and renders
 * every error as an OperationOutcome. Answers are sent as whole buffers, not one chunk per JSON value
 * ({@link DeferredFlushResponse}).
 */
@Configuration(proxyBeanMethods = false)
public class FhirServerConfiguration {

    @Bean
    FhirContext fhirContext() {
        return FhirContext.forR4Cached();
    }

    @Bean
    ServletRegistrationBean<RestfulServer> fhirServlet(FhirContext fhir, SchedulingOperations operations,
                                                       AppointmentSearch search, AuditEventProvider auditEvents) {
        RestfulServer server = server(fhir, operations, search);
        server.registerProvider(auditEvents);
        ServletRegistrationBean<RestfulServer> registration = new ServletRegistrationBean<>(server, "/fhir/*");
        registration.setName("fhir");
        registration.setLoadOnStartup(1);
        return registration;
    }

    /**
     * @return the FHIR server of booking-bridge without the AuditEvent provider (also what the module's tests and
     *         fuzz tests run in-process)
     */
    public static RestfulServer server(FhirContext fhir, SchedulingOperations operations, AppointmentSearch search) {
        RestfulServer server = new RestfulServer(fhir) {
            @Override
            protected void service(HttpServletRequest request, HttpServletResponse response)
                    throws ServletException, IOException {
                super.service(request, new DeferredFlushResponse(response));
            }
        };
        server.setServerName("Slotstream booking-bridge (IHE ITI Scheduling: ITI-115, ITI-116, ITI-117, ITI-118)");
        server.setDefaultResponseEncoding(EncodingEnum.JSON);
        server.setPlainProviders(List.of(operations));
        server.registerProvider(search);
        server.setPagingProvider(new FifoMemoryPagingProvider(1000).setDefaultPageSize(50).setMaximumPageSize(500));
        server.registerInterceptor(new ResponseHighlighterInterceptor());
        server.registerInterceptor(new ParameterErrors());
        return server;
    }
}
