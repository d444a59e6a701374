package io.slotstream.web;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * {@code slotstream.web.*}: where the services' public APIs are, and the portal's settings.
 *
 * @param availabilityUrl   availability-service base (FHIR search at {@code /fhir})
 * @param bookingUrl        booking-bridge base (IHE ITI Scheduling at {@code /fhir})
 * @param ingestUrl         ingest-service base ({@code /admin/feeds})
 * @param publishUrl        publish-service base ({@code /$bulk-publish})
 * @param ingestAdminToken  bearer token for ingest's {@code /admin/feeds} when it requires one; empty = none
 * @param tokenUrl          the authorization server's token endpoint; empty = the pass-through sends no token (the
 *                          services run with {@code slotstream.security.mode=off})
 * @param clientId          web's SMART Backend Services client id (with {@code token-url})
 * @param clientKeyFile     that client's private key as a JWK file (RSA for RS384, P-384 EC for ES384)
 * @param clientScope       the scopes it asks for, space separated (booking: {@code system/Appointment.crus};
 *                          the status page's feed table: {@code system/Feed.rs})
 * @param patientFields     the portal's patient form: any of {@code name}, {@code birth-date}, {@code phone},
 *                          {@code email}, in display order; all shown are required
 * @param cancelLinkSecret  HMAC-SHA256 key of cancel links (at least 32 characters); empty = a random key per start
 *                          (links then die with the process: set it in production)
 * @param cancelLinkTtl     how long a cancel link stays valid
 * @param holdDuration      booking-bridge's {@code slotstream.booking.hold-duration}: the portal counts down from it
 *                          until the slot's own {@code holdExpiresAt} arrives on the live stream
 * @param proxyTimeout      how long a pass-through call may take (a {@code $book} waits up to booking-bridge's
 *                          outcome timeout, 10 s by default)
 */
@ConfigurationProperties("slotstream.web")
public record WebProperties(@DefaultValue("http://127.0.0.1:8082") URI availabilityUrl,
                            @DefaultValue("http://127.0.0.1:8084") URI bookingUrl,
                            @DefaultValue("http://127.0.0.1:8081") URI ingestUrl,
                            @DefaultValue("http://127.0.0.1:8083") URI publishUrl,
                            @DefaultValue("") String ingestAdminToken,
                            @DefaultValue("") String tokenUrl,
                            @DefaultValue("") String clientId,
                            @DefaultValue("") String clientKeyFile,
                            @DefaultValue("system/Appointment.crus system/Feed.rs") String clientScope,
                            @DefaultValue({"name", "birth-date", "phone"}) List<String> patientFields,
                            @DefaultValue("") String cancelLinkSecret,
                            @DefaultValue("30d") Duration cancelLinkTtl,
                            @DefaultValue("10m") Duration holdDuration,
                            @DefaultValue("20s") Duration proxyTimeout) {

    /** The patient fields the portal knows. */
    public static final List<String> KNOWN_PATIENT_FIELDS = List.of("name", "birth-date", "phone", "email");

    /** @throws IllegalArgumentException naming an unknown patient field or a short cancel-link secret */
    public WebProperties {
        for (String field : patientFields) {
            if (!KNOWN_PATIENT_FIELDS.contains(field)) {
                throw new IllegalArgumentException("slotstream.web.patient-fields: unknown field '" + field
                        + "' (known: " + String.join(", ", KNOWN_PATIENT_FIELDS) + ")");
            }
        }
        if (!cancelLinkSecret.isEmpty() && cancelLinkSecret.length() < 32) {
            throw new IllegalArgumentException("slotstream.web.cancel-link-secret must have at least 32 characters");
        }
    }
}
