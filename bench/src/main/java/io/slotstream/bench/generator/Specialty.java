package io.slotstream.bench.generator;

import java.util.List;

/**
 * A clinical specialty offered at Locations: SNOMED CT practice-setting code (PractitionerRole.specialty,
 * HealthcareService.specialty, the Schedule specialty extension) and the Schedule.serviceType it books.
 *
 * @param primaryCare whether the Schedule's serviceType is {@code service-type#124 General Practice} (otherwise a
 *                    SNOMED consultation)
 */
public record Specialty(String snomed, String display, boolean primaryCare) {

    static final String SNOMED = "http://snomed.info/sct";

    static final List<Specialty> ALL = List.of(
            new Specialty("394814009", "General practice", true),
            new Specialty("419192003", "Internal medicine", true),
            new Specialty("394537008", "Pediatric specialty", true),
            new Specialty("394585009", "Obstetrics and gynecology", false),
            new Specialty("394579002", "Cardiology", false),
            new Specialty("394582007", "Dermatology", false),
            new Specialty("394801008", "Trauma and orthopedics", false),
            new Specialty("394583002", "Endocrinology", false),
            new Specialty("394587001", "Psychiatry", false),
            new Specialty("394589003", "Nephrology", false));
}
