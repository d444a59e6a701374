package io.slotstream.bench.generator;

import java.util.List;

/** Word lists for practitioner names, street names and clinic names. */
final class Names {

    static final List<String> GIVEN = List.of("Maria", "James", "Aisha", "Wei", "Sofia", "Daniel", "Priya", "Carlos",
            "Emily", "Kwame", "Hannah", "Omar", "Grace", "Luis", "Mei", "Samuel", "Fatima", "Noah", "Elena", "Ravi",
            "Chloe", "Tomas", "Ngozi", "Ethan", "Yuki", "Isaac", "Leila", "Mateo", "Anna", "Hiro");
    static final List<String> FAMILY = List.of("Garcia", "Smith", "Okafor", "Chen", "Rossi", "Nguyen", "Patel",
            "Hernandez", "Johnson", "Mensah", "Kim", "Haddad", "Williams", "Lopez", "Wang", "Brown", "Rahman", "Miller",
            "Ivanova", "Sharma", "Davis", "Novak", "Adeyemi", "Wilson", "Tanaka", "Cohen", "Karimi", "Torres",
            "Schmidt", "Sato");
    static final List<String> STREETS = List.of("Main", "Oak", "Maple", "Washington", "Lincoln", "Park", "Elm",
            "Cedar", "Lake", "Hill", "Market", "Church", "Madison", "River", "Franklin", "Highland");
    static final List<String> CLINIC_KINDS = List.of("Medical Center", "Community Clinic", "Family Health Center",
            "Specialty Clinic", "Medical Group", "Health Pavilion");

    private Names() {
    }
}
