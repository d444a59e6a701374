package io.slotstream.booking.deeplink;

import io.slotstream.booking.find.AvailabilityClient;
import ca.uhn.fhir.context.FhirContext;
import io.slotstream.edge.outcome.OperationOutcomes;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.HtmlUtils;

/**
 * {@code GET /book/{slot}}: the target of Slotstream's booking deep links (SMART Scheduling Links §3.3). 302 to the
 * source's booking portal with {@code slot}, {@code source}, {@code booking-referral} (and Patient Scheduling
 * {@code state}, {@code returnUrl}) carried through; 410 Gone when the slot is no longer free or has changed since the
 * link was published; 404 when the link was not signed by this deployment. Answers are a small HTML page, or an
 * OperationOutcome for {@code Accept: application/fhir+json}.
 */
@RestController
public class DeepLinkController {

    private static final MediaType FHIR_JSON = MediaType.parseMediaType("application/fhir+json");

    private final DeepLinkResolver resolver;
    private final FhirContext fhir;

    public DeepLinkController(DeepLinkResolver resolver, FhirContext fhir) {
        this.resolver = resolver;
        this.fhir = fhir;
    }

    @GetMapping("/book/{slot}")
    public ResponseEntity<String> book(@PathVariable("slot") String slot,
                                       @RequestParam(name = "v", required = false) String version,
                                       @RequestParam(name = "sig", required = false) String signature,
                                       @RequestParam(name = "source", required = false) String source,
                                       @RequestParam(name = "booking-referral", required = false) String referral,
                                       @RequestParam(name = "state", required = false) String state,
                                       @RequestParam(name = "returnUrl", required = false) String returnUrl,
                                       @RequestHeader(name = HttpHeaders.ACCEPT, required = false) String accept) {
        boolean fhirAnswer = accept != null && accept.contains("application/fhir+json");
        DeepLinkResolver.Target target;
        try {
            target = resolver.resolve(new DeepLinkResolver.Link(slot, version, signature, source, referral, state, returnUrl));
        } catch (AvailabilityClient.AvailabilityException e) {
            ResponseEntity<String> answer = answer(HttpStatus.SERVICE_UNAVAILABLE, fhirAnswer,
                    OperationOutcome.IssueType.TRANSIENT, "Booking is unavailable right now",
                    "The appointment times cannot be checked at the moment; please try again in a minute");
            return ResponseEntity.status(answer.getStatusCode()).headers(answer.getHeaders())
                    .header(HttpHeaders.RETRY_AFTER, String.valueOf(AvailabilityClient.AvailabilityException.RETRY_AFTER_SECONDS))
                    .body(answer.getBody());
        }
        return switch (target) {
            case DeepLinkResolver.Target.Portal(String url) ->
                    ResponseEntity.status(HttpStatus.FOUND).header(HttpHeaders.LOCATION, url).build();
            case DeepLinkResolver.Target.Gone(String reason) -> answer(HttpStatus.GONE, fhirAnswer,
                    OperationOutcome.IssueType.NOTFOUND, "This appointment time is no longer available", reason);
            case DeepLinkResolver.Target.Invalid(String reason) -> answer(HttpStatus.NOT_FOUND, fhirAnswer,
                    OperationOutcome.IssueType.SECURITY, "This booking link is not valid", reason);
        };
    }

    private ResponseEntity<String> answer(HttpStatus status, boolean fhirAnswer, OperationOutcome.IssueType code,
                                          String title, String reason) {
        if (fhirAnswer) {
            OperationOutcome outcome = OperationOutcomes.of(OperationOutcome.IssueSeverity.ERROR, code, reason, null);
            return ResponseEntity.status(status).contentType(FHIR_JSON)
                    .body(fhir.newJsonParser().encodeResourceToString(outcome));
        }
        String html = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + title
                + "</title></head><body><h1>" + title + "</h1><p>" + HtmlUtils.htmlEscape(reason)
                + ".</p><p>Please go back and choose another time.</p></body></html>";
        return ResponseEntity.status(status).contentType(new MediaType(MediaType.TEXT_HTML, java.nio.charset.StandardCharsets.UTF_8))
                .body(html);
    }
}
