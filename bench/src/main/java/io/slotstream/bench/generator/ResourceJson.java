package io.slotstream.bench.generator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.DayOfWeek;
import java.util.Locale;

/**
 * The non-Slot resources of a generated health system as FHIR R4 JSON trees shaped by the SMART Scheduling Links
 * STU1 profiles (§5): Location, Practitioner, PractitionerRole, HealthcareService and Schedule. There are at most a
 * few thousand of these, so trees are fine; Slots use {@link SlotJson}.
 */
public final class ResourceJson {

    /** Facility and role identifier systems on the health system's own site (STU1 §4.2). */
    public static final String FACILITY_SYSTEM = "https://healthsystem.example.com/facility-directory";
    public static final String ROLE_SYSTEM = "https://healthsystem.example.com/provider-roles";
    public static final String TIMEZONE = "http://hl7.org/fhir/StructureDefinition/timezone";
    public static final String SCHEDULE_SPECIALTY = "http://hl7.org/fhir/uv/smart-scheduling-links/StructureDefinition/schedule-specialty";

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private ResourceJson() {
    }

    public static ObjectNode location(Site site) {
        ObjectNode r = resource("Location", site.id());
        r.putArray("extension").addObject().put("url", TIMEZONE).put("valueCode", site.place().zone().getId());
        r.putArray("identifier").addObject().put("system", FACILITY_SYSTEM).put("value", site.id().substring(4));
        r.put("status", "active");
        r.put("name", site.name());
        r.put("description", "Outpatient clinic in " + site.place().city() + ", " + site.state());
        ArrayNode telecom = r.putArray("telecom");
        telecom.addObject().put("system", "phone").put("value", site.phone());
        telecom.addObject().put("system", "url").put("value", "https://healthsystem.example.com/locations/" + site.id());
        ObjectNode address = r.putObject("address");
        address.put("use", "work");
        address.putArray("line").add(site.line());
        address.put("city", site.place().city()).put("state", site.state()).put("postalCode", site.postalCode())
                .put("country", "US");
        r.putObject("physicalType").putArray("coding").addObject()
                .put("system", "http://hl7.org/fhir/uv/smart-scheduling-links/CodeSystem/temporary")
                .put("code", "ph").put("display", "Physical");
        r.putObject("position").put("longitude", site.longitude()).put("latitude", site.latitude());
        return r;
    }

    public static ObjectNode practitioner(Provider p) {
        ObjectNode r = resource("Practitioner", p.practitionerId());
        r.putArray("identifier").addObject().put("use", "official").put("system", Npi.SYSTEM).put("value", p.npi());
        r.put("active", true);
        ObjectNode name = r.putArray("name").addObject();
        name.put("use", "official").put("text", p.displayName()).put("family", p.family());
        name.putArray("given").add(p.given());
        if (p.roleCode().equals(HealthSystem.PHYSICIAN)) {
            name.putArray("prefix").add("Dr.");
        }
        return r;
    }

    public static ObjectNode practitionerRole(Provider p) {
        ObjectNode r = resource("PractitionerRole", p.roleId());
        ArrayNode ids = r.putArray("identifier");
        ids.addObject().put("system", Npi.SYSTEM).put("value", p.npi());
        ids.addObject().put("system", ROLE_SYSTEM).put("value", p.roleId());
        r.put("active", true);
        r.putObject("period").put("start", "2020-01-01");
        reference(r.putObject("practitioner"), "Practitioner/" + p.practitionerId(), p.displayName());
        concept(r.putArray("code").addObject(), Specialty.SNOMED, p.roleCode(), p.roleDisplay());
        concept(r.putArray("specialty").addObject(), Specialty.SNOMED, p.specialty().snomed(), p.specialty().display());
        reference(r.putArray("location").addObject(), "Location/" + p.site().id(), p.site().name());
        reference(r.putArray("healthcareService").addObject(), "HealthcareService/" + p.site().serviceId(p.serviceIndex()), null);
        r.putArray("telecom").addObject().put("system", "phone").put("value", p.site().phone()).put("use", "work");
        return r;
    }

    /** HealthcareService number {@code k} of a site. */
    public static ObjectNode healthcareService(Site site, int k) {
        Specialty s = site.specialties().get(k);
        ObjectNode r = resource("HealthcareService", site.serviceId(k));
        r.put("active", true);
        concept(r.putArray("category").addObject(), "http://terminology.hl7.org/CodeSystem/service-category", "17", "General Practice");
        concept(r.putArray("type").addObject(), Specialty.SNOMED, "308335008", "Patient encounter procedure");
        concept(r.putArray("specialty").addObject(), Specialty.SNOMED, s.snomed(), s.display());
        reference(r.putArray("location").addObject(), "Location/" + site.id(), site.name());
        r.put("name", s.display() + " at " + site.name());
        r.putArray("telecom").addObject().put("system", "phone").put("value", site.phone());
        r.put("appointmentRequired", true);
        ObjectNode available = r.putArray("availableTime").addObject();
        ArrayNode days = available.putArray("daysOfWeek");
        for (DayOfWeek d = DayOfWeek.MONDAY; d != DayOfWeek.SATURDAY; d = d.plus(1)) {
            days.add(d.name().substring(0, 3).toLowerCase(Locale.ROOT));
        }
        available.put("availableStartTime", "08:00:00").put("availableEndTime", "17:00:00");
        return r;
    }

    public static ObjectNode schedule(Provider p, HealthSystem system) {
        ObjectNode r = resource("Schedule", p.scheduleId());
        ObjectNode ext = r.putArray("extension").addObject().put("url", SCHEDULE_SPECIALTY);
        coding(ext.putObject("valueCoding"), Specialty.SNOMED, p.specialty().snomed(), p.specialty().display());
        r.put("active", true);
        ObjectNode serviceType = r.putArray("serviceType").addObject();
        if (p.specialty().primaryCare()) {
            concept(serviceType, "http://terminology.hl7.org/CodeSystem/service-type", "124", "General Practice");
        } else {
            concept(serviceType, Specialty.SNOMED, "11429006", "Consultation");
        }
        concept(r.putArray("specialty").addObject(), Specialty.SNOMED, p.specialty().snomed(), p.specialty().display());
        ArrayNode actors = r.putArray("actor");
        reference(actors.addObject(), "PractitionerRole/" + p.roleId(), p.displayName());
        reference(actors.addObject(), "Location/" + p.site().id(), p.site().name());
        r.putObject("planningHorizon").put("start", system.date(0).toString())
                .put("end", system.date(system.days() - 1).toString());
        return r;
    }

    private static ObjectNode resource(String type, String id) {
        ObjectNode r = F.objectNode();
        r.put("resourceType", type);
        r.put("id", id);
        return r;
    }

    private static void reference(ObjectNode target, String reference, String display) {
        target.put("reference", reference);
        if (display != null) {
            target.put("display", display);
        }
    }

    /** Puts a CodeableConcept with one coding into {@code target}. */
    private static void concept(ObjectNode target, String system, String code, String display) {
        coding(target.putArray("coding").addObject(), system, code, display);
    }

    /** Puts a Coding's fields into {@code target}. */
    private static void coding(ObjectNode target, String system, String code, String display) {
        target.put("system", system).put("code", code).put("display", display);
    }
}
