package io.slotstream.booking.fhir;

import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.OptionalParam;
import ca.uhn.fhir.rest.annotation.Read;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.param.DateRangeParam;
import ca.uhn.fhir.rest.param.ReferenceOrListParam;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenOrListParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import io.slotstream.booking.appointment.AppointmentView;
import io.slotstream.booking.appointment.StoredAppointment;
import io.slotstream.edge.audit.AuditDetails;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.IdType;
import org.springframework.stereotype.Component;

import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.function.Predicate;

/**
 * ITI-118 Find Existing Appointments (GET and POST {@code _search}) and Appointment read, over the
 * {@link AppointmentView} (every decision of booking.events.v1, on every instance). Parameters: {@code _id},
 * {@code identifier}, {@code patient} (+ {@code patient.identifier} chain, system|value), {@code actor},
 * {@code practitioner}, {@code location}, {@code date}, {@code status}; HAPI adds {@code _count} and paging.
 * Sorted by start. A patient token reads and finds only its own patient's Appointments ({@link PatientAccess}).
 * Proposals of {@code $find} are not Appointments of the server and are not found.
 */
@Component
public class AppointmentSearch {

    private final AppointmentView view;
    private final AppointmentRenderer renderer;

    public AppointmentSearch(AppointmentView view, AppointmentRenderer renderer) {
        this.view = view;
        this.renderer = renderer;
    }

    @Read(type = Appointment.class)
    public Appointment read(@IdParam IdType id, RequestDetails request) {
        AuditDetails audit = SchedulingOperations.audit(request).transaction("ITI-118", null);
        // another patient's Appointment is 404 for a patient token, as if it did not exist (PatientAccess)
        StoredAppointment stored = view.get(id.getIdPart()).filter(PatientAccess.of(request)::owns)
                .orElseThrow(() -> new ResourceNotFoundException(id));
        audit.patient(stored.patient()); // BALP PatientRead: the patient whose appointment was read
        return renderer.stored(stored);
    }

    @Search(type = Appointment.class, allowUnknownParams = false)
    public List<Appointment> search(@OptionalParam(name = "_id") TokenOrListParam ids,
                                    @OptionalParam(name = Appointment.SP_IDENTIFIER) TokenOrListParam identifiers,
                                    @OptionalParam(name = Appointment.SP_PATIENT, chainWhitelist = {"", "identifier"})
                                    ReferenceOrListParam patients,
                                    @OptionalParam(name = Appointment.SP_ACTOR) ReferenceOrListParam actors,
                                    @OptionalParam(name = Appointment.SP_PRACTITIONER) ReferenceOrListParam practitioners,
                                    @OptionalParam(name = Appointment.SP_LOCATION) ReferenceOrListParam locations,
                                    @OptionalParam(name = Appointment.SP_DATE) DateRangeParam date,
                                    @OptionalParam(name = Appointment.SP_STATUS) TokenOrListParam statuses,
                                    RequestDetails request) {
        SchedulingOperations.audit(request).transaction("ITI-118", null);
        // service-edge lets a patient token search only with patient=<its patient> (every value and list item); the
        // results are held to that patient here as well, so a route rule changed by configuration cannot widen them
        Predicate<StoredAppointment> match = PatientAccess.of(request)::owns;
        if (ids != null) {
            match = match.and(a -> ids.getValuesAsQueryTokens().stream().anyMatch(t -> t.getValue().equals(a.id())));
        }
        if (identifiers != null) {
            match = match.and(a -> identifiers.getValuesAsQueryTokens().stream().anyMatch(t -> identifierMatches(t, a)));
        }
        if (patients != null) {
            match = match.and(a -> a.patient() != null
                    && patients.getValuesAsQueryTokens().stream().anyMatch(r -> patientMatches(r, a.patient())));
        }
        if (actors != null) {
            match = match.and(a -> actors.getValuesAsQueryTokens().stream().anyMatch(r -> participantMatches(r, null, a)
                    || a.patient() != null && patientMatches(r, a.patient())));
        }
        if (practitioners != null) {
            match = match.and(a -> practitioners.getValuesAsQueryTokens().stream()
                    .anyMatch(r -> participantMatches(r, "Practitioner", a)));
        }
        if (locations != null) {
            match = match.and(a -> locations.getValuesAsQueryTokens().stream()
                    .anyMatch(r -> participantMatches(r, "Location", a)));
        }
        if (date != null) {
            match = match.and(a -> a.start() != null && dateMatches(date, a));
        }
        if (statuses != null) {
            match = match.and(a -> statuses.getValuesAsQueryTokens().stream().anyMatch(t -> t.getValue().equals(a.status())));
        }
        return view.all().stream().filter(match)
                .sorted(Comparator.comparing(StoredAppointment::start, Comparator.nullsLast(Comparator.naturalOrder()))
                        .thenComparing(StoredAppointment::id))
                .map(renderer::stored).toList();
    }

    private static boolean identifierMatches(TokenParam t, StoredAppointment a) {
        boolean systemOk = t.getSystem() == null || t.getSystem().isEmpty() || SchedulingFhir.IDENTIFIER_SYSTEM.equals(t.getSystem());
        return systemOk && ("urn:uuid:" + a.id()).equals(t.getValue());
    }

    /** patient=Patient/x | x, or patient.identifier=system|value (unknown system: no match, ITI-118). */
    static boolean patientMatches(ReferenceParam r, String patient) {
        if ("identifier".equals(r.getChain())) {
            String v = r.getValue();
            return v.contains("|") ? patient.equals(v) : patient.endsWith("|" + v);
        }
        String id = r.getIdPart();
        return patient.equals("Patient/" + id) || patient.equals(r.getValue());
    }

    private static boolean participantMatches(ReferenceParam r, String type, StoredAppointment a) {
        String wanted = r.getResourceType() != null ? r.getResourceType() + "/" + r.getIdPart() : null;
        return a.participants().stream().anyMatch(p -> wanted != null ? p.equals(wanted)
                : p.endsWith("/" + r.getIdPart()) && (type == null || p.startsWith(type + "/")));
    }

    private static boolean dateMatches(DateRangeParam range, StoredAppointment a) {
        Date lower = range.getLowerBoundAsInstant();
        Date upper = range.getUpperBoundAsInstant();
        Date start = Date.from(a.start());
        Date end = Date.from(a.end() == null ? a.start() : a.end());
        return (lower == null || !end.before(lower)) && (upper == null || !start.after(upper));
    }
}
