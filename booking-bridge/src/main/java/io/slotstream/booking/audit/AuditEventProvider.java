package io.slotstream.booking.audit;

import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.OptionalParam;
import ca.uhn.fhir.rest.annotation.Read;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.param.DateRangeParam;
import ca.uhn.fhir.rest.param.ReferenceOrListParam;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenOrListParam;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import io.slotstream.avro.AuditEvent;
import io.slotstream.edge.audit.BalpAuditEvents;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.IdType;
import org.springframework.stereotype.Component;

import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * FHIR R4 {@code AuditEvent} read and search over the {@link AuditLog} (the audit trail of every service, rendered by
 * {@link BalpAuditEvents}). Search parameters (R4 AuditEvent): {@code date} (recorded, prefixes ge/le/gt/lt/eq),
 * {@code agent} (client id, user or service, as a bare id or {@code Device/<id>}), {@code entity} (e.g.
 * {@code Appointment/123}, {@code Slot/s1}, {@code Patient/p1}), {@code patient}, {@code action} (C R U D E),
 * {@code outcome} (0 4 8 12), {@code subtype} (a restful-interaction, IHE transaction such as ITI-117, or operation
 * such as $book), {@code _count} and paging. Results are newest first.
 */
@Component
public class AuditEventProvider implements IResourceProvider {

    private final AuditLog log;

    public AuditEventProvider(AuditLog log) {
        this.log = log;
    }

    @Override
    public Class<? extends IBaseResource> getResourceType() {
        return org.hl7.fhir.r4.model.AuditEvent.class;
    }

    @Read
    public org.hl7.fhir.r4.model.AuditEvent read(@IdParam IdType id) {
        return log.get(id.getIdPart()).map(BalpAuditEvents::toFhir).orElseThrow(() -> new ResourceNotFoundException(id));
    }

    @Search(allowUnknownParams = false)
    public IBundleProvider search(@OptionalParam(name = org.hl7.fhir.r4.model.AuditEvent.SP_DATE) DateRangeParam date,
                                  @OptionalParam(name = org.hl7.fhir.r4.model.AuditEvent.SP_AGENT) ReferenceOrListParam agent,
                                  @OptionalParam(name = org.hl7.fhir.r4.model.AuditEvent.SP_ENTITY) ReferenceOrListParam entity,
                                  @OptionalParam(name = org.hl7.fhir.r4.model.AuditEvent.SP_PATIENT) ReferenceOrListParam patient,
                                  @OptionalParam(name = org.hl7.fhir.r4.model.AuditEvent.SP_ACTION) TokenOrListParam action,
                                  @OptionalParam(name = org.hl7.fhir.r4.model.AuditEvent.SP_OUTCOME) TokenOrListParam outcome,
                                  @OptionalParam(name = org.hl7.fhir.r4.model.AuditEvent.SP_SUBTYPE) TokenOrListParam subtype) {
        Predicate<AuditEvent> match = e -> true;
        if (date != null) {
            Date lower = date.getLowerBoundAsInstant();
            Date upper = date.getUpperBoundAsInstant();
            match = match.and(e -> {
                Date recorded = Date.from(e.getRecorded());
                return (lower == null || !recorded.before(lower)) && (upper == null || !recorded.after(upper));
            });
        }
        if (agent != null) {
            match = match.and(e -> anyReference(agent, Stream.of(e.getClientId(), e.getUser(), e.getService())));
        }
        if (entity != null) {
            match = match.and(e -> anyReference(entity, Stream.of(BalpAuditEvents.entityReference(e),
                    e.getPatient() == null ? null : "Patient/" + e.getPatient())));
        }
        if (patient != null) {
            match = match.and(e -> e.getPatient() != null
                    && anyReference(patient, Stream.of("Patient/" + e.getPatient(), e.getPatient())));
        }
        if (action != null) {
            match = match.and(e -> anyToken(action, Stream.of(e.getAction())));
        }
        if (outcome != null) {
            match = match.and(e -> anyToken(outcome, Stream.of(String.valueOf(e.getOutcome()))));
        }
        if (subtype != null) {
            match = match.and(e -> anyToken(subtype, Stream.of(e.getInteraction(), e.getEventCode(), e.getOperation())));
        }
        return new AuditEventBundle(log.search(match));
    }

    private static boolean anyReference(ReferenceOrListParam params, Stream<String> values) {
        List<String> present = values.filter(Objects::nonNull).toList();
        return params.getValuesAsQueryTokens().stream().anyMatch(r -> matches(r, present));
    }

    private static boolean matches(ReferenceParam param, List<String> values) {
        String value = param.getValue();
        String bare = value.contains("/") ? value.substring(value.lastIndexOf('/') + 1) : value;
        // a typed reference (Appointment/1) must match exactly; a bare id or Device/<id> matches an agent's id
        return values.stream().anyMatch(v -> v.equals(value) || (!v.contains("/") && v.equals(bare)));
    }

    private static boolean anyToken(TokenOrListParam params, Stream<String> values) {
        List<String> present = values.filter(Objects::nonNull).toList();
        return params.getValuesAsQueryTokens().stream().anyMatch(t -> present.contains(t.getValue()));
    }

    /** Renders a page of the matches only when HAPI asks for it. */
    private record AuditEventBundle(List<AuditEvent> events) implements IBundleProvider {

        @Override
        public org.hl7.fhir.instance.model.api.IPrimitiveType<Date> getPublished() {
            return new org.hl7.fhir.r4.model.InstantType(new Date());
        }

        @Override
        public List<IBaseResource> getResources(int from, int to,
                                                ca.uhn.fhir.rest.server.method.ResponsePage.ResponsePageBuilder page) {
            int end = Math.min(to, events.size());
            return from >= end ? List.of()
                    : events.subList(from, end).stream().<IBaseResource>map(BalpAuditEvents::toFhir).toList();
        }

        @Override
        public String getUuid() {
            return null;
        }

        @Override
        public Integer preferredPageSize() {
            return null;
        }

        @Override
        public Integer size() {
            return events.size();
        }
    }
}
