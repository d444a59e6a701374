package io.slotstream.booking.fhir;

import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import io.slotstream.avro.BookingRequestType;
import io.slotstream.booking.BookingBridgeProperties;
import io.slotstream.booking.appointment.AppointmentView;
import io.slotstream.booking.appointment.StoredAppointment;
import io.slotstream.booking.command.BookingService;
import io.slotstream.booking.command.Referral;
import io.slotstream.booking.upstream.UpstreamReconciler;
import io.slotstream.booking.command.Outcome;
import io.slotstream.booking.command.Outcomes;
import io.slotstream.booking.find.AvailabilityClient;
import io.slotstream.booking.find.FindCriteria;
import io.slotstream.booking.find.FindService;
import io.slotstream.booking.find.Proposal;
import io.slotstream.booking.find.ProposalCache;
import io.slotstream.edge.audit.AuditDetails;
import io.slotstream.edge.outcome.OperationOutcomes;
import io.slotstream.schemas.identity.CanonicalId;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.UnsignedIntType;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Slot;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Timing;
import org.springframework.stereotype.Component;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * IHE ITI Scheduling operations on Appointment (type level, POST with Parameters): ITI-115 {@code $find}, ITI-116
 * {@code $hold}, ITI-117 {@code $book} (book, modify = reschedule, cancel). Holds and bookings are requests to the
 * decision point (booking.requests.v1); the call waits for the decision up to {@code slotstream.booking.outcome-timeout}
 * and then answers 202 "outcome not yet known" with a status URL; {@code Prefer: respond-async} gets the 202 at once.
 * {@code X-Request-Id} (optional) makes a call idempotent: the same id always gets the same outcome.
 */
@Component
public class SchedulingOperations {

    static final int DEFAULT_COUNT = 20;
    static final int MAX_COUNT = 500;

    private final FindService find;
    private final ProposalCache proposals;
    private final AvailabilityClient availability;
    private final AppointmentView view;
    private final BookingService bookings;
    private final Outcomes outcomes;
    private final OutcomeBundles bundles;
    private final AppointmentRenderer renderer;
    private final BookingBridgeProperties properties;
    private final UpstreamReconciler upstream;

    public SchedulingOperations(FindService find, ProposalCache proposals, AvailabilityClient availability,
                                AppointmentView view, BookingService bookings, Outcomes outcomes,
                                OutcomeBundles bundles, AppointmentRenderer renderer, BookingBridgeProperties properties,
                                UpstreamReconciler upstream) {
        this.upstream = upstream;
        this.find = find;
        this.proposals = proposals;
        this.availability = availability;
        this.view = view;
        this.bookings = bookings;
        this.outcomes = outcomes;
        this.bundles = bundles;
        this.renderer = renderer;
        this.properties = properties;
    }

    /**
     * ITI-115 Find Potential Appointments. {@code start}/{@code end} are required (the OperationDefinition's 1..1;
     * team decision §7.1: strict 400). Honoured: specialty, visit-type, practitioner, location-reference,
     * location-string, {@code _count} and paging ({@code _cursor} from the {@code next} link: POST the same
     * Parameters to it); the rest is reported in an informational OperationOutcome entry.
     */
    @Operation(name = "$find", type = Appointment.class, idempotent = false, canonicalUrl = SchedulingFhir.FIND)
    public Bundle find(@OperationParam(name = "start", min = 1, max = 1) DateTimeType start,
                       @OperationParam(name = "end", min = 1, max = 1) DateTimeType end,
                       @OperationParam(name = "specialty") List<StringType> specialty,
                       @OperationParam(name = "visit-type") List<StringType> visitType,
                       @OperationParam(name = "practitioner") List<Reference> practitioner,
                       @OperationParam(name = "organization") List<Reference> organization,
                       @OperationParam(name = "location-string") List<StringType> locationString,
                       @OperationParam(name = "location-reference") List<Reference> locationReference,
                       @OperationParam(name = "patient-reference") List<Reference> patientReference,
                       @OperationParam(name = "patient-resource") List<Patient> patientResource,
                       @OperationParam(name = "reason") List<StringType> reason,
                       @OperationParam(name = "referral-identifier", max = 1) Identifier referral,
                       @OperationParam(name = "timing", max = 1) Timing timing,
                       @OperationParam(name = "insurance-reference") List<Reference> insurance,
                       @OperationParam(name = "_count", max = 1) IntegerType countParam,
                       RequestDetails request) {
        PatientAccess access = PatientAccess.of(request);
        audit(request).entity("Appointment", null).transaction("ITI-115", "E")
                .patient(access.bookingPatient(empty(patientReference) ? null
                        : patientReference.getFirst().getReferenceElement().getIdPart()));
        access.checkBody(patientResource, patientReference, null);
        if (start == null || start.getValue() == null || end == null || end.getValue() == null) {
            throw invalid("start and end are required (ITI-115, 1..1)", start == null ? "start" : "end");
        }
        if (!end.getValue().after(start.getValue())) {
            throw invalid("end must be after start", "end");
        }
        int count = countParam != null ? countParam.getValue() : intParam(request, "_count", DEFAULT_COUNT);
        if (count < 0 || count > MAX_COUNT) {
            throw invalid("_count must be between 0 and " + MAX_COUNT, "_count");
        }
        String cursor = stringParam(request, "_cursor");
        OperationOutcome notes = new OperationOutcome();
        List<String> locations = null;
        if (!empty(locationReference) || !empty(locationString)) {
            Set<String> ids = new LinkedHashSet<>(literalIds(locationReference, "Location", "location-reference", notes));
            for (StringType s : nullSafe(locationString)) {
                ids.addAll(find.locationsMatching(s.getValue()));
            }
            locations = new ArrayList<>(ids);
        }
        List<String> practitioners = literalIds(practitioner, "Practitioner", "practitioner", notes);
        if (!empty(practitioner) && practitioners.isEmpty()) {
            return FindResults.empty(notes);
        }
        unsupported(organization, "organization", notes);
        unsupported(insurance, "insurance-reference", notes);
        unsupported(reason, "reason", notes);
        unsupported(referral == null ? null : List.of(referral), "referral-identifier", notes);
        unsupported(timing == null ? null : List.of(timing), "timing", notes);
        if (!empty(patientReference) || !empty(patientResource)) {
            OperationOutcomes.add(notes, OperationOutcome.IssueSeverity.INFORMATION, OperationOutcome.IssueType.INFORMATIONAL,
                    "patient-reference / patient-resource do not narrow the search; give the patient to $book", "patient-reference");
        }
        FindCriteria criteria = new FindCriteria(start.getValue().toInstant(), end.getValue().toInstant(),
                tokens(specialty, "specialty"), tokens(visitType, "visit-type"), practitioners, locations, count, cursor);
        FindService.Result result = find.find(criteria);
        List<Appointment> appointments = result.proposals().stream().map(renderer::proposed).toList();
        Bundle bundle = OutcomeBundles.searchset(appointments, notes.hasIssue() ? notes : null);
        // unknown (more pages, not counted): no total rather than the page's size
        bundle.setTotalElement(result.total() == null ? null : new UnsignedIntType(result.total()));
        if (result.nextCursor() != null) {
            bundle.addLink().setRelation(Bundle.LINK_NEXT).setUrl(request.getFhirServerBase() + "/Appointment/$find?_count="
                    + count + "&_cursor=" + URLEncoder.encode(result.nextCursor(), StandardCharsets.UTF_8));
        }
        if (result.noMatches() && !notes.hasIssue()) {
            return FindResults.empty(notes);
        }
        return bundle;
    }

    /** ITI-116 Hold Appointment: holds the proposal's slots for {@code slotstream.booking.hold-duration}. */
    @Operation(name = "$hold", type = Appointment.class, idempotent = false, canonicalUrl = SchedulingFhir.HOLD)
    public Bundle hold(@OperationParam(name = "appointment-reference", min = 1, max = 1) Reference reference,
                       @OperationParam(name = "booking-source", max = 1) StringType bookingSource,
                       @OperationParam(name = "booking-referral", max = 1) StringType bookingReferral,
                       @OperationParam(name = "state", max = 1) StringType state,
                       @OperationParam(name = "return-url", max = 1) StringType returnUrl,
                       RequestDetails request) {
        PatientAccess access = PatientAccess.of(request);
        Optional<Bundle> decided = decided(request, access);
        if (decided.isPresent()) {
            return decided.get();
        }
        Referral referral = referral(bookingSource, bookingReferral, state, returnUrl);
        String id = appointmentId(reference, "appointment-reference");
        Proposal proposal = proposals.get(id).orElseThrow(() -> new ResourceNotFoundException(
                "Appointment/" + id + " is not a current proposal of this server: run $find again (proposals live "
                        + properties.proposalTtl() + ")"));
        // a patient token's hold is its patient's (PatientAccess): only that patient may book or release it
        return decide(request, access, new BookingService.Command(BookingRequestType.HOLD, proposal.scheduleId(),
                BookingService.newAppointmentId(), proposal.slotIds(), null, access.bookingPatient(null), null,
                proposal.participants(), null, referral));
    }

    /**
     * ITI-117 Book Appointment. {@code appointment-reference} to a proposal or a held (pending) Appointment books it;
     * {@code appointment-resource} with status {@code pending} books its slots, {@code booked} modifies (reschedules:
     * one decision, the old slots are kept if the new ones are lost), {@code cancelled} cancels or releases a hold.
     */
    @Operation(name = "$book", type = Appointment.class, idempotent = false, canonicalUrl = SchedulingFhir.BOOK)
    public Bundle book(@OperationParam(name = "appointment-reference", max = 1) Reference reference,
                       @OperationParam(name = "appointment-resource", max = 1) Appointment resource,
                       @OperationParam(name = "patient-resource") List<Patient> patients,
                       @OperationParam(name = "comment", max = 1) StringType comment,
                       @OperationParam(name = "booking-source", max = 1) StringType bookingSource,
                       @OperationParam(name = "booking-referral", max = 1) StringType bookingReferral,
                       @OperationParam(name = "state", max = 1) StringType state,
                       @OperationParam(name = "return-url", max = 1) StringType returnUrl,
                       RequestDetails request) {
        PatientAccess access = PatientAccess.of(request);
        access.checkBody(patients, null, resource);
        Optional<Bundle> decided = decided(request, access);
        if (decided.isPresent()) {
            return decided.get();
        }
        Referral referral = referral(bookingSource, bookingReferral, state, returnUrl);
        if ((reference == null) == (resource == null)) {
            throw invalid("exactly one of appointment-reference and appointment-resource is required (ITI-117)",
                    "appointment-reference");
        }
        String note = comment == null ? null : comment.getValue();
        if (reference != null) {
            String id = appointmentId(reference, "appointment-reference");
            String patient = access.bookingPatient(patient(patients, null));
            String details = PatientDetails.of(patients, patient);
            Optional<StoredAppointment> held = view.get(id).filter(a -> "pending".equals(a.status()))
                    .filter(access::owns);
            if (held.isPresent()) {
                StoredAppointment a = held.get();
                return decide(request, access, new BookingService.Command(BookingRequestType.BOOK, a.scheduleId(), id,
                        List.of(), null, patient, details, a.participants(), note, referral.or(a.referral())));
            }
            Proposal proposal = proposals.get(id).orElseThrow(() -> new ResourceNotFoundException(
                    "Appointment/" + id + " is neither held nor a current proposal of this server"));
            return decide(request, access, new BookingService.Command(BookingRequestType.BOOK, proposal.scheduleId(),
                    BookingService.newAppointmentId(), proposal.slotIds(), null, patient, details, proposal.participants(),
                    note, referral));
        }
        Appointment.AppointmentStatus status = resource.getStatus();
        if (status == null) {
            throw invalid("appointment-resource.status is required: pending (book), booked (modify) or cancelled",
                    "appointment-resource.status");
        }
        String id = resource.getIdElement().getIdPart();
        return switch (status) {
            case PENDING, PROPOSED -> bookResource(resource, id, patients, note, referral, request, access);
            case BOOKED -> modify(resource, id, patients, note, referral, request, access);
            case CANCELLED -> cancel(id, request, access);
            default -> throw invalid("appointment-resource.status " + status.toCode()
                    + " is not one of pending (book), booked (modify), cancelled (cancel)", "appointment-resource.status");
        };
    }

    private Bundle bookResource(Appointment resource, String id, List<Patient> patients, String note, Referral referral,
                                RequestDetails request, PatientAccess access) {
        Optional<StoredAppointment> held = id == null ? Optional.empty()
                : view.get(id).filter(a -> "pending".equals(a.status())).filter(access::owns);
        List<String> slotIds = slotIds(resource);
        String patient = access.bookingPatient(patient(patients, resource));
        String details = PatientDetails.of(patients, patient);
        if (held.isPresent() && (slotIds.isEmpty() || slotIds.equals(held.get().slotIds()))) {
            StoredAppointment a = held.get();
            return decide(request, access, new BookingService.Command(BookingRequestType.BOOK, a.scheduleId(), id,
                    List.of(), null, patient, details, a.participants(), note, referral.or(a.referral())));
        }
        if (slotIds.isEmpty()) {
            throw invalid("appointment-resource.slot must name the slots to book", "appointment-resource.slot");
        }
        String scheduleId = slotsOf(slotIds).scheduleId();
        return decide(request, access, new BookingService.Command(BookingRequestType.BOOK, scheduleId,
                BookingService.newAppointmentId(), slotIds, null, patient, details, actors(resource), note, referral));
    }

    private Bundle modify(Appointment resource, String id, List<Patient> patients, String note, Referral referral,
                          RequestDetails request, PatientAccess access) {
        StoredAppointment current = booked(id, access);
        List<String> slotIds = slotIds(resource);
        if (slotIds.isEmpty() || slotIds.equals(current.slotIds())) {
            return OutcomeBundles.searchset(List.of(renderer.stored(current)), OperationOutcomes.of(
                    OperationOutcome.IssueSeverity.INFORMATION, OperationOutcome.IssueType.INFORMATIONAL,
                    "no change of slots requested; the appointment is unchanged", "appointment-resource.slot"));
        }
        SlotSpan moved = slotsOf(slotIds);
        String scheduleId = moved.scheduleId();
        if (!scheduleId.equals(current.scheduleId())) {
            throw new UnprocessableEntityException("a modify can move an appointment only within its Schedule ("
                    + current.scheduleId() + "); cancel it and book the new slots instead");
        }
        String patient = access.bookingPatient(patient(patients, resource));
        return decide(request, access, new BookingService.Command(BookingRequestType.RESCHEDULE, scheduleId, id,
                slotIds, id, patient == null ? current.patient() : patient,
                patient == null ? current.patientResource() : PatientDetails.of(patients, patient),
                actors(resource).isEmpty() ? current.participants() : actors(resource), note,
                referral.or(current.referral())), moved);
    }

    private Bundle cancel(String id, RequestDetails request, PatientAccess access) {
        StoredAppointment current = view.get(requireId(id)).filter(a -> !"cancelled".equals(a.status()))
                .filter(access::owns)
                .orElseThrow(() -> new ResourceNotFoundException("Appointment/" + id + " is not booked or held"));
        return decide(request, access, new BookingService.Command(BookingRequestType.CANCEL, current.scheduleId(), id,
                List.of(), null, current.patient(), null, current.participants(), null, current.referral()));
    }

    /** Slotstream's deep-link parameters of $hold/$book (not IHE): how the patient reached the booking. */
    private static Referral referral(StringType source, StringType bookingReferral, StringType state, StringType returnUrl) {
        return new Referral(value(source), value(bookingReferral), value(state), value(returnUrl));
    }

    private static String value(StringType s) {
        return s == null || s.getValue() == null || s.getValue().isBlank() ? null : s.getValue();
    }

    private StoredAppointment booked(String id, PatientAccess access) {
        return view.get(requireId(id)).filter(a -> "booked".equals(a.status())).filter(access::owns)
                .orElseThrow(() -> new ResourceNotFoundException("Appointment/" + id + " is not booked"));
    }

    /** @return the id of the Appointment to modify or cancel; 400 when {@code appointment-resource.id} is absent */
    private static String requireId(String id) {
        if (id == null) {
            throw invalid("appointment-resource.id is required to modify or cancel", "appointment-resource.id");
        }
        return id;
    }

    /**
     * A retry of a decided request (its {@code X-Request-Id} already has an outcome) gets that outcome again, before
     * anything is checked against the current state: once a hold is booked or a booking cancelled, the Appointment
     * no longer matches what the first call asked, yet the retry must not answer 404 (issue 11: same request id, same
     * outcome). A patient token gets only its own patient's outcomes ({@link PatientAccess}).
     */
    private Optional<Bundle> decided(RequestDetails request, PatientAccess access) {
        String id = request.getHeader("X-Request-Id");
        if (id == null || !BookingService.REQUEST_ID.matcher(id).matches()) {
            return Optional.empty();
        }
        return outcomes.known(id).map(o -> bundles.render(own(o, access)));
    }

    /**
     * @return {@code outcome} when the caller may see it
     * @throws ResourceVersionConflictException 409 naming {@code X-Request-Id} when a patient token reuses the id of
     *                                          another caller's request (it learns only that the id is taken)
     */
    private static Outcome own(Outcome outcome, PatientAccess access) {
        if (!access.owns(outcome)) {
            ResourceVersionConflictException e = new ResourceVersionConflictException(
                    "X-Request-Id is already the id of another caller's request: send a new one (e.g. a UUID)");
            e.setOperationOutcome(OperationOutcomes.error(OperationOutcome.IssueType.CONFLICT, e.getMessage(),
                    "X-Request-Id"));
            throw e;
        }
        return outcome;
    }

    /** Writes the request and waits for its decision (or answers 202). */
    private Bundle decide(RequestDetails request, PatientAccess access, BookingService.Command command) {
        return decide(request, access, command, null);
    }

    /** @param moved a RESCHEDULE's new slots (their times go to an upstream EHR), else null */
    private Bundle decide(RequestDetails request, PatientAccess access, BookingService.Command command, SlotSpan moved) {
        // cancelling a hold releases it: the audit trail names which
        boolean release = command.type() == BookingRequestType.CANCEL
                && view.get(command.appointmentId()).filter(a -> "pending".equals(a.status())).isPresent();
        audit(request).entity("Appointment", command.appointmentId()).patient(command.patient())
                .transaction(command.type() == BookingRequestType.HOLD ? "ITI-116" : "ITI-117", "C")
                .detail(release ? "release" : command.type().name().toLowerCase(java.util.Locale.ROOT));
        String requestId = requestId(request);
        CompletableFuture<Outcome> decision;
        if (command.type() == BookingRequestType.BOOK && upstream.handles(command.scheduleId())) {
            // the source's EHR must accept first (deliverable 4a): hold, forward, then book or release
            List<String> heldSlots = command.slotIds().isEmpty()
                    ? view.get(command.appointmentId()).map(StoredAppointment::slotIds).orElse(List.of()) : List.of();
            decision = upstream.book(requestId, command, heldSlots);
        } else if (!release && (command.type() == BookingRequestType.CANCEL
                || command.type() == BookingRequestType.RESCHEDULE) && upstream.handles(command.scheduleId())) {
            // a booked Appointment the EHR has: it must accept the cancel or move first (a hold it never had)
            StoredAppointment current = view.get(command.appointmentId()).orElseThrow(() ->
                    new ResourceNotFoundException("Appointment/" + command.appointmentId() + " is not booked"));
            decision = upstream.change(requestId, command, current, moved);
        } else {
            decision = bookings.submit(requestId, command).outcome();
        }
        String statusUrl = request.getFhirServerBase().replaceFirst("/fhir/?$", "") + "/booking/requests/" + requestId;
        boolean async = Optional.ofNullable(request.getHeader("Prefer")).map(p -> p.contains("respond-async")).orElse(false);
        if (async && !decision.isDone()) {
            throw new OutcomePendingException(requestId, statusUrl, true);
        }
        Outcome outcome = outcomes.await(decision, properties.outcomeTimeout())
                .orElseThrow(() -> new OutcomePendingException(requestId, statusUrl, false));
        if (!outcome.accepted()) {
            audit(request).refused(outcome.reason() + ": " + outcome.reasonText());
        }
        return bundles.render(own(outcome, access));
    }

    /** @return the Schedule and period of the slots, read from availability-service (404 for an unknown slot) */
    private SlotSpan slotsOf(List<String> slotIds) {
        List<Slot> slots = new ArrayList<>(slotIds.size());
        for (String slotId : slotIds) {
            slots.add(availability.slot(slotId).orElseThrow(() -> new ResourceNotFoundException("Slot/" + slotId + " is unknown")));
        }
        return SlotSpan.of(slots);
    }

    /**
     * @return the ids of {@code appointment-resource.slot}
     * @throws InvalidRequestException 400 when one is not a literal reference {@code Slot/[id]} with an R4 id (an
     *                                 id such as {@code ..} would climb out of availability-service's Slot path)
     */
    private static List<String> slotIds(Appointment resource) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < resource.getSlot().size(); i++) {
            IIdType target = resource.getSlot().get(i).getReferenceElement();
            String id = target.getIdPart();
            if (id == null || !CanonicalId.isValidFhirId(id) || id.chars().allMatch(c -> c == '.')
                    || (target.hasResourceType() && !"Slot".equals(target.getResourceType()))) {
                throw invalid("appointment-resource.slot[" + i + "] must be a literal reference Slot/[id]",
                        "appointment-resource.slot[" + i + "]");
            }
            ids.add(id);
        }
        return ids;
    }

    private static List<String> actors(Appointment resource) {
        return resource.getParticipant().stream().map(p -> p.getActor().getReference())
                .filter(r -> r != null && !r.startsWith("Patient/")).toList();
    }

    /** @return the patient of a booking: patient-resource (id, else first identifier), else the Appointment's Patient participant */
    static String patient(List<Patient> patients, Appointment resource) {
        for (Patient p : nullSafe(patients)) {
            if (p.getIdElement().getIdPart() != null) {
                return "Patient/" + p.getIdElement().getIdPart();
            }
            for (Identifier i : p.getIdentifier()) {
                if (i.hasSystem() && i.hasValue()) {
                    return i.getSystem() + "|" + i.getValue();
                }
            }
        }
        if (resource != null) {
            for (Appointment.AppointmentParticipantComponent participant : resource.getParticipant()) {
                Reference actor = participant.getActor();
                if (actor.getReference() != null && actor.getReference().startsWith("Patient/")) {
                    return actor.getReference();
                }
                if ("Patient".equals(actor.getType()) && actor.hasIdentifier()) {
                    return actor.getIdentifier().getSystem() + "|" + actor.getIdentifier().getValue();
                }
            }
        }
        return null;
    }

    /** The audit trail's details of this request (service-edge AuditFilter reads them when the answer is written). */
    static AuditDetails audit(RequestDetails request) {
        return AuditDetails.of(((ServletRequestDetails) request).getServletRequest());
    }

    private static String requestId(RequestDetails request) {
        String id = request.getHeader("X-Request-Id");
        if (id == null || id.isBlank()) {
            return BookingService.newRequestId();
        }
        if (!BookingService.REQUEST_ID.matcher(id).matches()) {
            throw invalid("X-Request-Id must be 1-128 of letters, digits, '-', '.', '_', ':'", "X-Request-Id");
        }
        return id;
    }

    private static String appointmentId(Reference reference, String param) {
        String id = reference == null ? null : reference.getReferenceElement().getIdPart();
        if (id == null || (reference.getReferenceElement().hasResourceType()
                && !"Appointment".equals(reference.getReferenceElement().getResourceType()))) {
            throw invalid(param + " must be a literal reference Appointment/[id]", param);
        }
        return id;
    }

    private static List<String> literalIds(List<Reference> refs, String type, String param, OperationOutcome notes) {
        List<String> ids = new ArrayList<>();
        for (Reference r : nullSafe(refs)) {
            if (r.getReferenceElement().getIdPart() != null
                    && (!r.getReferenceElement().hasResourceType() || type.equals(r.getReferenceElement().getResourceType()))) {
                ids.add(r.getReferenceElement().getIdPart());
            } else {
                OperationOutcomes.add(notes, OperationOutcome.IssueSeverity.WARNING, OperationOutcome.IssueType.NOTSUPPORTED,
                        param + ": only literal references " + type + "/[id] are resolved; "
                                + (r.hasIdentifier() ? "identifier references are" : "this reference is") + " ignored", param);
            }
        }
        return ids;
    }

    private static List<String> tokens(List<StringType> values, String param) {
        List<String> tokens = new ArrayList<>();
        for (StringType v : nullSafe(values)) {
            String s = v.getValue();
            if (s == null || s.indexOf('|') <= 0 || s.endsWith("|")) {
                throw invalid(param + " must be system|code (ITI-115), got '" + s + "'", param);
            }
            tokens.add(s);
        }
        return tokens;
    }

    private static void unsupported(List<?> values, String param, OperationOutcome notes) {
        if (!empty(values)) {
            OperationOutcomes.add(notes, OperationOutcome.IssueSeverity.INFORMATION, OperationOutcome.IssueType.NOTSUPPORTED,
                    param + " is not honoured by this server: results are not filtered by it", param);
        }
    }

    private static int intParam(RequestDetails request, String name, int fallback) {
        Map<String, String[]> params = request.getParameters();
        String[] values = params == null ? null : params.get(name);
        if (values == null || values.length == 0) {
            return fallback;
        }
        try {
            return Integer.parseInt(values[0]);
        } catch (NumberFormatException e) {
            throw invalid(name + " must be an integer, got '" + values[0] + "'", name);
        }
    }

    private static String stringParam(RequestDetails request, String name) {
        String[] values = request.getParameters() == null ? null : request.getParameters().get(name);
        return values == null || values.length == 0 || values[0].isBlank() ? null : values[0];
    }

    private static InvalidRequestException invalid(String message, String param) {
        InvalidRequestException e = new InvalidRequestException(message);
        e.setOperationOutcome(OperationOutcomes.of(OperationOutcome.IssueSeverity.ERROR, OperationOutcome.IssueType.INVALID,
                message, param));
        return e;
    }

    private static boolean empty(List<?> values) {
        return values == null || values.isEmpty();
    }

    private static <T> List<T> nullSafe(List<T> values) {
        return values == null ? List.of() : values;
    }
}
