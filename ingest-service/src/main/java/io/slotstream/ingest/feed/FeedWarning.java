package io.slotstream.ingest.feed;

/**
 * The named, counted warnings of the feed intake: each is a real-world quirk from the aggregator field notes that is
 * repaired or tolerated instead of rejected (ingest-service/README.md, "Aggregator mode" lists what each does).
 * {@link #code()} is the name in the status API and the {@code warning} tag of the metric.
 */
public enum FeedWarning {
    MANIFEST_NESTED_OUTPUT("manifest-nested-output"),
    MANIFEST_STATE_NOT_ARRAY("manifest-state-not-array"),
    MANIFEST_EXTENSION_NOT_OBJECT("manifest-extension-not-object"),
    MANIFEST_TRANSACTION_TIME_INVALID("manifest-transaction-time-invalid"),
    TRANSACTION_TIME_UNCHANGED("transaction-time-unchanged"),
    TRANSACTION_TIME_WENT_BACK("transaction-time-went-back"),
    SINCE_IGNORED("since-ignored"),
    UNEXPECTED_CONTENT_TYPE("unexpected-content-type"),
    UNSUPPORTED_TYPE("unsupported-type"),
    OUTPUT_TYPE_MISMATCH("output-type-mismatch"),
    REPEATED_ID("repeated-id"),
    DUPLICATE_RESOURCE("duplicate-resource"),
    INVALID_ID("invalid-id"),
    NULL_VALUE("null-value"),
    PLACEHOLDER_IDENTIFIER("placeholder-identifier"),
    ADDRESS_ARRAY("address-array"),
    ADDRESS_LINE_REPEATS_CITY("address-line-repeats-city"),
    GENERIC_LOCATION_NAME("generic-location-name"),
    INTEGER_AS_STRING("integer-as-string"),
    STRUCTURE_DEFINITION_AS_CODE_SYSTEM("structure-definition-as-code-system"),
    CODING_WITHOUT_CODE("coding-without-code"),
    SEVERAL_PRODUCTS("several-products"),
    TIMESTAMP_WITHOUT_SECONDS("timestamp-without-seconds"),
    ZERO_LENGTH_SLOT("zero-length-slot"),
    SLOT_STARTED_BEFORE_TRANSACTION_TIME("slot-started-before-transaction-time"),
    ORPHAN_SCHEDULE("orphan-schedule"),
    ORPHAN_SLOT("orphan-slot");

    private final String code;

    FeedWarning(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }
}
