package io.slotstream.schemas.mapping;

import io.slotstream.avro.SlotStatus;
import org.hl7.fhir.r4.model.Slot;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SlotStatusCodesTest {

    @Test
    void everyR4CodeMapsToItsSymbolAndBack() {
        for (Slot.SlotStatus fhir : Slot.SlotStatus.values()) {
            if (fhir == Slot.SlotStatus.NULL) {
                continue;
            }
            SlotStatus avro = SlotStatusCodes.fromCode(fhir.toCode());
            assertThat(SlotStatusCodes.toCode(avro)).isEqualTo(fhir.toCode());
        }
        assertThat(SlotStatusCodes.fromCode("busy-unavailable")).isEqualTo(SlotStatus.BUSY_UNAVAILABLE);
        assertThat(SlotStatusCodes.toCode(SlotStatus.ENTERED_IN_ERROR)).isEqualTo("entered-in-error");
    }

    @Test
    void unknownCodesAreRejected() {
        assertThatThrownBy(() -> SlotStatusCodes.fromCode("BUSY")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("BUSY");
        assertThatThrownBy(() -> SlotStatusCodes.fromCode(null)).isInstanceOf(IllegalArgumentException.class);
    }
}
