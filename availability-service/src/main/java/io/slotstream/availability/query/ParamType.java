package io.slotstream.availability.query;

/** FHIR R4 search parameter types used here (plus the special {@code near}); the names are FHIR's codes. */
public enum ParamType {
    TOKEN("token"), REFERENCE("reference"), DATE("date"), STRING("string"), SPECIAL("special"), NUMBER("number");

    private final String code;

    ParamType(String code) {
        this.code = code;
    }

    /** @return the FHIR SearchParamType code */
    public String code() {
        return code;
    }
}
