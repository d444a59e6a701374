package io.slotstream.ingest;

/** STU1-shaped test resources as FHIR JSON. */
public final class Fixtures {

    private Fixtures() {
    }

    public static String location(String id) {
        return """
                {"resourceType":"Location","id":"%s","name":"Clinic %s","telecom":[{"system":"phone","value":"555-0100"}],
                 "address":{"line":["1 Main St"],"city":"Boston","state":"MA","postalCode":"02114"}}""".formatted(id, id);
    }

    public static String schedule(String id, String actorRef) {
        return """
                {"resourceType":"Schedule","id":"%s","serviceType":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/service-type","code":"124"}]}],
                 "actor":[{"reference":"%s","display":"Clinic"}]}""".formatted(id, actorRef);
    }

    public static String slot(String id, String scheduleRef, String start, String end) {
        return """
                {"resourceType":"Slot","id":"%s","schedule":{"reference":"%s"},"status":"free","start":"%s","end":"%s",
                 "extension":[{"url":"http://hl7.org/fhir/uv/smart-scheduling-links/StructureDefinition/booking-deep-link","valueUrl":"https://ehr.example.org/book/%s"},
                  {"url":"http://hl7.org/fhir/uv/smart-scheduling-links/StructureDefinition/booking-phone","valueContactPoint":{"system":"phone","value":"555-0101"}},
                  {"url":"http://hl7.org/fhir/uv/smart-scheduling-links/StructureDefinition/patient-type","valueCoding":{"system":"http://terminology.hl7.org/CodeSystem/accepting-patients","code":"existptonly"}}]}"""
                .formatted(id, scheduleRef, start, end, id);
    }

    public static String slot(String id, String scheduleRef) {
        return slot(id, scheduleRef, "2026-10-01T09:00:00-04:00", "2026-10-01T09:15:00-04:00");
    }

    /** @param entries "fullUrl|method|url|resourceJson" quadruples; resourceJson may be empty for DELETE */
    public static String bundle(String type, String... entries) {
        StringBuilder b = new StringBuilder("{\"resourceType\":\"Bundle\",\"type\":\"" + type + "\",\"entry\":[");
        for (int i = 0; i < entries.length; i++) {
            String[] parts = entries[i].split("\\|", 4);
            if (i > 0) {
                b.append(',');
            }
            b.append('{');
            if (!parts[0].isEmpty()) {
                b.append("\"fullUrl\":\"").append(parts[0]).append("\",");
            }
            if (!parts[3].isEmpty()) {
                b.append("\"resource\":").append(parts[3]).append(',');
            }
            b.append("\"request\":{\"method\":\"").append(parts[1]).append("\",\"url\":\"").append(parts[2]).append("\"}}");
        }
        return b.append("]}").toString();
    }
}
