package io.slotstream.schemas.mapping;

import io.slotstream.avro.SlotStatus;

/** FHIR R4 Slot.status codes (free, busy, busy-unavailable, busy-tentative, entered-in-error) to {@link SlotStatus} and back. */
public final class SlotStatusCodes {

    private SlotStatusCodes() {
    }

    /**
     * @param code a FHIR slotstatus code, e.g. {@code busy-tentative}
     * @return the Avro symbol, e.g. {@code BUSY_TENTATIVE}
     * @throws IllegalArgumentException when the code is null or not one of the five R4 codes
     */
    public static SlotStatus fromCode(String code) {
        if (code != null) {
            for (SlotStatus status : SlotStatus.values()) {
                if (toCode(status).equals(code)) {
                    return status;
                }
            }
        }
        throw new IllegalArgumentException("'" + code + "' is not a FHIR R4 Slot.status code "
                + "(free | busy | busy-unavailable | busy-tentative | entered-in-error)");
    }

    /** @return the FHIR code, e.g. {@code entered-in-error} for {@code ENTERED_IN_ERROR} */
    public static String toCode(SlotStatus status) {
        return switch (status) { // a switch, not name() string work: the Slot renderer's hot path calls this
            case FREE -> "free";
            case BUSY -> "busy";
            case BUSY_UNAVAILABLE -> "busy-unavailable";
            case BUSY_TENTATIVE -> "busy-tentative";
            case ENTERED_IN_ERROR -> "entered-in-error";
        };
    }
}
