package io.slotstream.booking.upstream;

import ca.uhn.fhir.context.FhirContext;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.client.DefaultHttpClientConfiguration;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.exceptions.HttpClientException;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.http.client.exceptions.ReadTimeoutException;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.OperationOutcome;

import java.net.MalformedURLException;
import java.net.URI;
import java.time.Duration;

/**
 * Forwards a booking to a source's upstream FHIR endpoint (the EHR) as a conditional create (FHIR R4 RESTful API
 * "conditional create": {@code POST [base]/Appointment} with {@code If-None-Exist: identifier=<system>|<value>}), so
 * a retry after a timeout never creates a second Appointment. Uses the Micronaut JDK HTTP client (toolchain-notes §5).
 * Thread-safe.
 */
public final class EhrForwarder implements AutoCloseable {

    /** What the EHR said. */
    public sealed interface Result {
        /** 201 (created) or 200 (it already had the Appointment with that identifier). */
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
    private final FhirContext fhir;

    /**
     * @param base    the EHR's FHIR base URL, e.g. {@code https://ehr.example.org/fhir}
     * @param timeout read timeout of one call; a call that takes longer is {@link Result.Pending}
     */
    public EhrForwarder(URI base, Duration timeout, FhirContext fhir) {
        String b = base.toString();
        this.appointmentUrl = URI.create((b.endsWith("/") ? b : b + "/") + "Appointment");
        DefaultHttpClientConfiguration config = new DefaultHttpClientConfiguration();
        config.setReadTimeout(timeout);
        config.setRequestTimeout(timeout);
        config.setConnectTimeout(timeout);
        config.setHttpVersion(io.micronaut.http.HttpVersion.HTTP_1_1); // no h2c upgrade: EHRs speak HTTP/1.1
        try {
            this.client = HttpClient.create(URI.create(base.getScheme() + "://" + base.getAuthority()).toURL(), config);
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("not a URL: " + base, e);
        }
        this.fhir = fhir;
    }

    /**
     * @param appointment the Appointment to create; its first identifier is the condition
     * @return the EHR's answer; never throws for an EHR failure
     */
    public Result forward(Appointment appointment) {
        Identifier id = appointment.getIdentifierFirstRep();
        String body = fhir.newJsonParser().encodeResourceToString(appointment);
        HttpRequest<String> request = HttpRequest.POST(appointmentUrl, body)
                .contentType(FHIR_JSON).accept(FHIR_JSON)
                .header("If-None-Exist", "identifier=" + id.getSystem() + "|" + id.getValue());
        try {
            HttpResponse<String> response = client.toBlocking().exchange(request, String.class);
            return new Result.Accepted(response.code());
        } catch (HttpClientResponseException e) {
            int status = e.code();
            String text = e.getResponse().getBody(String.class).map(this::reasonOf).orElse(e.getMessage());
            return status >= 500 ? new Result.Pending("the EHR answered " + status + ": " + text)
                    : new Result.Refused(status, text);
        } catch (ReadTimeoutException e) {
            return new Result.Pending("the EHR did not answer in time");
        } catch (HttpClientException e) {
            return new Result.Pending("the EHR could not be reached: " + e.getMessage());
        }
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
