package io.slotstream.booking.upstream;

import ca.uhn.fhir.context.FhirContext;
import io.slotstream.edge.tls.ServiceTls;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.OperationOutcome;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Forwards a booking to a source's upstream FHIR endpoint (the EHR) as a conditional create (FHIR R4 RESTful API
 * "conditional create": {@code POST [base]/Appointment} with {@code If-None-Exist: identifier=<system>|<value>}), so
 * a retry after a timeout never creates a second Appointment, and a cancel or modify as a conditional update on the same
 * identifier. HTTP/1.1 through the JDK client with the service's TLS
 * trust ({@link ServiceTls}: the CA of {@code slotstream.tls.client-bundle} and the JVM's CAs), the one trust every
 * outbound call of a service uses. Thread-safe.
 */
public final class EhrForwarder implements AutoCloseable {

    /** What the EHR said. */
    public sealed interface Result {
        /** 201 (created) or 200 (it already had the Appointment with that identifier, or updated it). */
        record Accepted(int status) implements Result {
        }

        /** A 4xx: the EHR refuses the booking; {@code reason} is its OperationOutcome's text or the body. */
        record Refused(int status, String reason) implements Result {
        }

        /** No answer in time, a 5xx or no connection: unknown, to be retried with the same identifier. */
        record Pending(String reason) implements Result {
        }
    }

    private static final String FHIR_JSON = "application/fhir+json";

    private final URI appointmentUrl;
    private final HttpClient client;
    private final Duration timeout;
    private final FhirContext fhir;

    /**
     * @param base    the EHR's FHIR base URL, e.g. {@code https://ehr.example.org/fhir}
     * @param timeout connect timeout and answer timeout of one call; a call that takes longer is {@link Result.Pending}
     * @param tls     the service's client trust
     */
    public EhrForwarder(URI base, Duration timeout, FhirContext fhir, ServiceTls tls) {
        String b = base.toString();
        this.appointmentUrl = URI.create((b.endsWith("/") ? b : b + "/") + "Appointment");
        this.client = tls.httpClient(timeout).version(HttpClient.Version.HTTP_1_1).build(); // no h2c upgrade: EHRs speak HTTP/1.1
        this.timeout = timeout;
        this.fhir = fhir;
    }

    /**
     * FHIR conditional create: {@code POST [base]/Appointment}, {@code If-None-Exist: identifier=<system>|<value>}.
     *
     * @param appointment the Appointment to create; its first identifier is the condition
     * @return the EHR's answer; never throws for an EHR failure
     */
    public Result create(Appointment appointment) {
        Identifier id = appointment.getIdentifierFirstRep();
        return send(HttpRequest.newBuilder(appointmentUrl)
                .POST(HttpRequest.BodyPublishers.ofString(fhir.newJsonParser().encodeResourceToString(appointment)))
                .header("If-None-Exist", "identifier=" + id.getSystem() + "|" + id.getValue()));
    }

    /**
     * FHIR conditional update: {@code PUT [base]/Appointment?identifier=<system>|<value>} (the EHR updates the one
     * Appointment with that identifier, or creates it when it has none: 200 or 201; several matches: 412, a refusal).
     * The body carries no id: the EHR's own id is found by the condition.
     *
     * @param appointment the Appointment as it must now be (cancelled, moved, or put back); its first identifier is
     *                    the condition
     * @return the EHR's answer; never throws for an EHR failure
     */
    public Result update(Appointment appointment) {
        Identifier id = appointment.getIdentifierFirstRep();
        String condition = URLEncoder.encode(id.getSystem() + "|" + id.getValue(), StandardCharsets.UTF_8);
        Appointment body = appointment.copy();
        body.setIdElement(null);
        return send(HttpRequest.newBuilder(URI.create(appointmentUrl + "?identifier=" + condition))
                .PUT(HttpRequest.BodyPublishers.ofString(fhir.newJsonParser().encodeResourceToString(body))));
    }

    private Result send(HttpRequest.Builder builder) {
        HttpRequest request = builder.timeout(timeout)
                .header("Content-Type", FHIR_JSON).header("Accept", FHIR_JSON).build();
        HttpResponse<String> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            return new Result.Pending("the EHR did not answer in time");
        } catch (IOException e) {
            return new Result.Pending("the EHR could not be reached: "
                    + ServiceTls.untrustedCertificate(e).orElse(String.valueOf(e.getMessage())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result.Pending("interrupted before the EHR answered");
        }
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return new Result.Accepted(status);
        }
        String text = response.body() == null || response.body().isBlank() ? "HTTP " + status : reasonOf(response.body());
        return status >= 500 ? new Result.Pending("the EHR answered " + status + ": " + text) : new Result.Refused(status, text);
    }

    /** @return the diagnostics of an OperationOutcome body, else the body itself (abbreviated) */
    private String reasonOf(String body) {
        try {
            OperationOutcome outcome = fhir.newJsonParser().parseResource(OperationOutcome.class, body);
            String text = outcome.getIssue().stream()
                    .map(i -> i.hasDiagnostics() ? i.getDiagnostics() : i.getDetails().getText())
                    .filter(t -> t != null && !t.isBlank()).findFirst().orElse(null);
            if (text != null) {
                return text;
            }
        } catch (RuntimeException notAnOutcome) {
            // fall through: report the raw body
        }
        return body.length() > 300 ? body.substring(0, 300) + "..." : body;
    }

    @Override
    public void close() {
        client.close();
    }
}
