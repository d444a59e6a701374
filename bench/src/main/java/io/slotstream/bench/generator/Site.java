package io.slotstream.bench.generator;

import java.util.List;

/**
 * One generated clinic (a FHIR Location plus the HealthcareServices it offers).
 *
 * @param index       0-based
 * @param id          Location id, {@code loc-00042}
 * @param specialties the specialties offered here; HealthcareService {@code hs-00042-k} offers {@code specialties[k]}
 */
public record Site(int index, String id, String name, Place place, double latitude, double longitude, String line,
                   String postalCode, String phone, List<Specialty> specialties) {

    /** @return the HealthcareService id for specialty number {@code k} of this site */
    public String serviceId(int k) {
        return "hs-" + id.substring(4) + "-" + k;
    }

    /** @return the two-letter state code */
    public String state() {
        return place.state();
    }
}
