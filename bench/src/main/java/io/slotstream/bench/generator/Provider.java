package io.slotstream.bench.generator;

/**
 * One generated practitioner with their PractitionerRole and Schedule at one Site.
 *
 * @param index        0-based, also the index of the Schedule
 * @param site         where the practitioner works
 * @param serviceIndex index into {@code site.specialties()}: the HealthcareService they belong to
 * @param npi          10-digit NPI
 * @param roleCode     SNOMED role code (309343006 Physician or 224571005 Nurse practitioner)
 */
public record Provider(int index, Site site, int serviceIndex, String npi, String given, String family,
                       String roleCode, String roleDisplay, boolean acceptsNewPatients, SlotTemplate template) {

    public String practitionerId() {
        return String.format("prac-%05d", index);
    }

    public String roleId() {
        return String.format("role-%05d", index);
    }

    public String scheduleId() {
        return String.format("sch-%05d", index);
    }

    public Specialty specialty() {
        return site.specialties().get(serviceIndex);
    }

    /** "Dr. Maria Garcia" or "Maria Garcia, NP". */
    public String displayName() {
        return roleCode.equals(HealthSystem.PHYSICIAN) ? "Dr. " + given + " " + family : given + " " + family + ", NP";
    }
}
