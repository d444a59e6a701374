package io.slotstream.ingest.validation;

import io.slotstream.schemas.fhir.SchedulingExtensions;
import io.slotstream.schemas.identity.CanonicalId;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.HealthcareService;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Schedule;
import org.hl7.fhir.r4.model.Slot;
import org.hl7.fhir.r4.model.UriType;

import java.math.BigDecimal;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The rules a publication depends on, checked on a parsed, normalised resource (before re-identification, so messages
 * use the source's ids). Base R4 violations HAPI's parser does not catch (cardinality, id and reference syntax,
 * instants) are {@link Issue.Kind#STRUCTURE} (400); SMART Scheduling Links STU1 profile rules (§5, §6.1, checklist
 * §12) are {@link Issue.Kind#PROFILE} (422). Cheap by design: no terminology, no snapshot walking. Thread-safe.
 */
public final class SchedulingRules {

    /** Relative literal reference: {@code Type/id} with an optional {@code /_history/version}. */
    private static final Pattern RELATIVE = Pattern.compile("([A-Z][A-Za-z]+)/([A-Za-z0-9\\-.]{1,64})(/_history/[A-Za-z0-9\\-.]{1,64})?");
    private static final Set<String> ACTOR_TYPES = Set.of("Practitioner", "PractitionerRole", "HealthcareService",
            "Location", "Patient", "RelatedPerson", "Device");
    private static final String R4_ID = "R4 id: [A-Za-z0-9\\-.]{1,64}";
    private static final String R4_REF = "R4 Reference.reference: Type/id, an absolute URL, or #contained";

    private final Set<String> knownTypes;

    /** @param knownTypes every FHIR R4 resource type name (the first segment of a relative reference) */
    public SchedulingRules(Set<String> knownTypes) {
        this.knownTypes = knownTypes;
    }

    /**
     * @param resource   parsed and normalised, urn:uuid references already resolved
     * @param references its references ({@link ReferenceScan#of})
     * @return the issues; empty when the resource may be accepted
     */
    public List<Issue> check(Resource resource, List<ReferenceScan.Located> references) {
        List<Issue> issues = new ArrayList<>();
        String type = resource.fhirType();
        String id = resource.getIdElement().getIdPart();
        if (id == null || id.isEmpty()) {
            issues.add(Issue.structure("required", type + ".id", R4_ID, "The resource has no id"));
        } else if (!CanonicalId.isValidFhirId(id)) {
            issues.add(Issue.structure("value", type + ".id", R4_ID, "Invalid id '" + id + "'"));
        }
        if (resource.hasMeta() && resource.getMeta().hasLastUpdatedElement()) {
            String lastUpdated = resource.getMeta().getLastUpdatedElement().getValueAsString();
            if (!Instants.isInstant(lastUpdated)) {
                issues.add(Issue.structure("value", type + ".meta.lastUpdated", "R4 instant",
                        "meta.lastUpdated must be an instant with seconds and offset"));
            } else if (Instants.tooPrecise(lastUpdated)) {
                issues.add(tooPrecise(type + ".meta.lastUpdated", lastUpdated));
            }
        }
        for (ReferenceScan.Located ref : references) {
            checkReferenceSyntax(ref, issues);
        }
        switch (resource) {
            case Slot slot -> checkSlot(slot, issues);
            case Schedule schedule -> checkSchedule(schedule, issues);
            case Location location -> checkLocation(location, issues);
            case PractitionerRole role -> checkPractitionerRole(role, issues);
            case HealthcareService service -> checkHealthcareService(service, issues);
            default -> { }
        }
        return issues;
    }

    private void checkReferenceSyntax(ReferenceScan.Located located, List<Issue> issues) {
        String value = located.reference().getReference();
        if (value == null) {
            return;
        }
        String path = located.path() + ".reference";
        if (value.startsWith("urn:uuid:")) {
            issues.add(Issue.structure("not-found", path, "R4 Bundle: urn:uuid references resolve to an entry's fullUrl",
                    "'" + value + "' does not match the fullUrl of any entry in this Bundle"));
        } else if (value.startsWith("#")) {
            return;
        } else if (value.contains("://") || value.startsWith("urn:")) {
            if (!isAbsolute(value) || hasDotSegment(value)) {
                issues.add(Issue.structure("value", path, R4_REF, "Invalid reference '" + value + "'"));
            }
        } else {
            var match = RELATIVE.matcher(value);
            if (!match.matches() || hasDotSegment(value)) {
                issues.add(Issue.structure("value", path, R4_REF, "Invalid reference '" + value + "': a relative "
                        + "reference is Type/id" + (hasDotSegment(value) ? "; '.' and '..' segments (path traversal) "
                        + "are refused" : "")));
            } else if (!knownTypes.contains(match.group(1))) {
                issues.add(Issue.structure("value", path, R4_REF, "Unknown resource type '" + match.group(1) + "'"));
            }
        }
    }

    private void checkSlot(Slot slot, List<Issue> issues) {
        if (!slot.hasSchedule()) {
            issues.add(Issue.structure("required", "Slot.schedule", "R4 Slot.schedule 1..1", "Slot.schedule is missing"));
        } else {
            requireTarget(slot.getSchedule(), "Slot.schedule", Set.of("Schedule"), "STU1 §5.3 Slot.schedule only Reference(Schedule)", issues);
        }
        if (!slot.hasStatus()) {
            issues.add(Issue.structure("required", "Slot.status", "R4 Slot.status 1..1", "Slot.status is missing"));
        }
        boolean start = instant(slot.hasStartElement() ? slot.getStartElement().getValueAsString() : null, "Slot.start", issues);
        boolean end = instant(slot.hasEndElement() ? slot.getEndElement().getValueAsString() : null, "Slot.end", issues);
        if (start && end && !slot.getEnd().after(slot.getStart())) {
            issues.add(Issue.profile("invariant", "Slot.end", "Slot.end after Slot.start (STU1 §5.3)",
                    "Slot.end must be after Slot.start"));
        }
        checkSlotExtensions(slot, issues);
    }

    private void checkSlotExtensions(Slot slot, List<Issue> issues) {
        List<Extension> extensions = slot.getExtension();
        int patientTypes = 0;
        int deepLinks = 0;
        int phones = 0;
        for (int i = 0; i < extensions.size(); i++) {
            Extension ext = extensions.get(i);
            String path = "Slot.extension[" + i + "]";
            String url = ext.getUrl();
            if (SchedulingExtensions.PATIENT_TYPE.equals(url)) {
                patientTypes++;
                if (!(ext.getValue() instanceof Coding coding) || !SchedulingExtensions.ACCEPTING_PATIENTS_SYSTEM.equals(coding.getSystem())
                        || !coding.hasCode()) {
                    issues.add(Issue.profile("value", path, "STU1 §6.1 patient-type: valueCoding, system "
                            + SchedulingExtensions.ACCEPTING_PATIENTS_SYSTEM + ", code 1..1",
                            "patient-type needs a valueCoding from accepting-patients with a code"));
                }
            } else if (SchedulingExtensions.BOOKING_DEEP_LINK.equals(url)) {
                deepLinks++;
                if (!(ext.getValue() instanceof UriType uri) || ext.getValue().fhirType().equals("canonical")
                        || !isHttpUrl(uri.getValue())) {
                    issues.add(Issue.profile("value", path, "STU1 §6.1 booking-deep-link: valueUrl, an absolute http(s) URL",
                            "booking-deep-link needs a valueUrl with an absolute http(s) URL"));
                }
            } else if (SchedulingExtensions.BOOKING_PHONE.equals(url)) {
                phones++;
                if (!(ext.getValue() instanceof ContactPoint phone) || phone.getSystem() != ContactPoint.ContactPointSystem.PHONE
                        || !phone.hasValue()) {
                    issues.add(Issue.profile("value", path, "STU1 §6.1 booking-phone: valueContactPoint, system phone, value 1..1",
                            "booking-phone needs a valueContactPoint with system 'phone' and a value"));
                }
            }
        }
        if (patientTypes != 1) {
            issues.add(Issue.profile("required", "Slot.extension", "STU1 §5.3 patient-type 1..1 (checklist 32)",
                    "A Slot needs exactly one patient-type extension, found " + patientTypes));
        }
        if (deepLinks > 1) {
            issues.add(Issue.profile("structure", "Slot.extension", "STU1 §5.3 booking-deep-link 0..1", "More than one booking-deep-link"));
        }
        if (phones > 1) {
            issues.add(Issue.profile("structure", "Slot.extension", "STU1 §5.3 booking-phone 0..1", "More than one booking-phone"));
        }
    }

    private void checkSchedule(Schedule schedule, List<Issue> issues) {
        if (!schedule.hasActor()) {
            issues.add(Issue.structure("required", "Schedule.actor", "R4 Schedule.actor 1..*", "Schedule.actor is missing"));
        }
        for (int i = 0; i < schedule.getActor().size(); i++) {
            requireTarget(schedule.getActor().get(i), "Schedule.actor[" + i + "]", ACTOR_TYPES,
                    "STU1 §5.2 Schedule.actor.reference 1..1, Reference(Practitioner | PractitionerRole | HealthcareService | Location | Patient | RelatedPerson | Device)", issues);
        }
        if (!schedule.hasServiceType()) {
            issues.add(Issue.profile("required", "Schedule.serviceType", "STU1 §5.2 Schedule.serviceType 1..*",
                    "Schedule.serviceType is missing"));
        }
        List<Extension> extensions = schedule.getExtension();
        for (int i = 0; i < extensions.size(); i++) {
            Extension ext = extensions.get(i);
            if (SchedulingExtensions.SCHEDULE_SPECIALTY.equals(ext.getUrl())
                    && (!(ext.getValue() instanceof Coding coding) || !coding.hasSystem() || !coding.hasCode())) {
                issues.add(Issue.profile("value", "Schedule.extension[" + i + "]",
                        "STU1 §6.1 schedule-specialty: valueCoding with system and code",
                        "schedule-specialty needs a valueCoding with system and code"));
            }
        }
    }

    private void checkLocation(Location location, List<Issue> issues) {
        if (location.hasPosition()) {
            Location.LocationPositionComponent position = location.getPosition();
            coordinate(position.getLatitude(), "Location.position.latitude", 90, issues);
            coordinate(position.getLongitude(), "Location.position.longitude", 180, issues);
        }
        if (!location.hasName()) {
            issues.add(Issue.profile("required", "Location.name", "STU1 §5.1 Location.name 1..1", "Location.name is missing"));
        }
        if (!location.hasTelecom()) {
            issues.add(Issue.profile("required", "Location.telecom", "STU1 §5.1 Location.telecom 1..*", "Location.telecom is missing"));
        }
        for (int i = 0; i < location.getTelecom().size(); i++) {
            ContactPoint telecom = location.getTelecom().get(i);
            if (!telecom.hasSystem() || !telecom.hasValue()) {
                issues.add(Issue.profile("required", "Location.telecom[" + i + "]",
                        "STU1 §5.1 Location.telecom.system 1..1, value 1..1", "Location.telecom needs system and value"));
            }
        }
    }

    /** WGS84 degrees (R4 Location.position: as in KML): latitude within ±90, longitude within ±180; both 1..1. */
    private static void coordinate(BigDecimal degrees, String path, int limit, List<Issue> issues) {
        if (degrees == null) {
            issues.add(Issue.structure("required", path, "R4 " + path + " 1..1", path + " is missing"));
        } else if (degrees.abs().compareTo(BigDecimal.valueOf(limit)) > 0) {
            issues.add(Issue.structure("value", path, "R4 " + path + ": WGS84 degrees, -" + limit + " to " + limit,
                    path + " " + degrees.toPlainString() + " is outside -" + limit + ".." + limit));
        }
    }

    private void checkPractitionerRole(PractitionerRole role, List<Issue> issues) {
        if (role.hasPractitioner()) {
            requireTarget(role.getPractitioner(), "PractitionerRole.practitioner", Set.of("Practitioner"),
                    "STU1 §5.4 PractitionerRole.practitioner only Reference(Practitioner)", issues);
        }
        for (int i = 0; i < role.getLocation().size(); i++) {
            requireTarget(role.getLocation().get(i), "PractitionerRole.location[" + i + "]", Set.of("Location"),
                    "STU1 §5.4 PractitionerRole.location only Reference(Location)", issues);
        }
        for (int i = 0; i < role.getHealthcareService().size(); i++) {
            requireTarget(role.getHealthcareService().get(i), "PractitionerRole.healthcareService[" + i + "]",
                    Set.of("HealthcareService"), "STU1 §5.4 PractitionerRole.healthcareService only Reference(HealthcareService)", issues);
        }
    }

    private void checkHealthcareService(HealthcareService service, List<Issue> issues) {
        if (!service.hasName()) {
            issues.add(Issue.profile("required", "HealthcareService.name", "STU1 §5.6 HealthcareService.name 1..1",
                    "HealthcareService.name is missing"));
        }
        if (!service.hasLocation()) {
            issues.add(Issue.profile("required", "HealthcareService.location", "STU1 §5.6 HealthcareService.location 1..1",
                    "HealthcareService.location is missing"));
        }
        for (int i = 0; i < service.getLocation().size(); i++) {
            requireTarget(service.getLocation().get(i), "HealthcareService.location[" + i + "]", Set.of("Location"),
                    "STU1 §5.6 HealthcareService.location only Reference(Location)", issues);
        }
    }

    /** The SSL reference elements must be relative {@code Type/id} references to one of the allowed types (§12 item 18). */
    private static void requireTarget(Reference reference, String path, Set<String> types, String rule, List<Issue> issues) {
        String value = reference.getReference();
        if (value == null || value.isEmpty()) {
            issues.add(Issue.profile("required", path + ".reference", rule, path + " needs a literal reference (Type/id)"));
            return;
        }
        var match = RELATIVE.matcher(value);
        if (!match.matches()) {
            if (!value.startsWith("urn:uuid:")) {
                issues.add(Issue.profile("value", path + ".reference", rule,
                        path + " must be a relative reference Type/id within this publication, was '" + value + "'"));
            }
        } else if (!types.contains(match.group(1))) {
            issues.add(Issue.profile("value", path + ".reference", rule,
                    path + " may not point at a " + match.group(1)));
        }
    }

    private static boolean instant(String text, String path, List<Issue> issues) {
        if (text == null) {
            issues.add(Issue.structure("required", path, "R4 " + path + " 1..1", path + " is missing"));
            return false;
        }
        if (!Instants.isInstant(text)) {
            issues.add(Issue.structure("value", path, "R4 instant; STU1 §4.1 sched-1 (seconds and offset, e.g. 2021-03-10T15:00:00-05:00)",
                    "'" + text + "' is not an instant with seconds and a UTC offset"));
            return false;
        }
        if (Instants.tooPrecise(text)) {
            issues.add(tooPrecise(path, text));
            return false;
        }
        return true;
    }

    private static Issue tooPrecise(String path, String text) {
        return Issue.structure("value", path, Instants.PRECISION_RULE, "'" + text + "' has more than "
                + Instants.MAX_FRACTION_DIGITS + " fractional-second digits");
    }

    /** A {@code .} or {@code ..} path segment: resolving it would climb out of the server's base (RFC 3986 §5.2.4). */
    public static boolean hasDotSegment(String reference) {
        for (String segment : reference.split("[/?#]", -1)) {
            if (segment.equals(".") || segment.equals("..")) {
                return true;
            }
        }
        return false;
    }

    /** @return whether the value is an absolute http(s) URL with a host (STU1 §6.1 booking-deep-link); false for null */
    public static boolean isHttpUrl(String value) {
        if (value == null) {
            return false;
        }
        try {
            URI uri = new URI(value);
            return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null;
        } catch (Exception e) {
            return false;
        }
    }

    private static boolean isAbsolute(String value) {
        try {
            return new URI(value).isAbsolute();
        } catch (Exception e) {
            return false;
        }
    }
}
