package io.slotstream.ingest.intake;

import io.slotstream.edge.security.SmartCaller;
import io.slotstream.edge.security.SmartScope;
import io.slotstream.ingest.validation.IntakeException;
import io.slotstream.ingest.validation.Issue;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class BundleScopesTest {

    private static final List<BundleEntryRequest> SLOTS_ONLY = List.of(
            entry(0, "PUT", ResourceKind.SLOT), entry(1, "DELETE", ResourceKind.SLOT));

    @Test
    void aSlotOnlyClientMayWriteABundleOfSlots() {
        assertThatCode(() -> BundleScopes.require(caller("system/Slot.cud"), SLOTS_ONLY)).doesNotThrowAnyException();
        assertThatCode(() -> BundleScopes.require(caller("system/*.write"), SLOTS_ONLY)).doesNotThrowAnyException();
    }

    @Test
    void everyEntryWithoutItsScopeIsNamedAndTheBundleIsRefusedWith403() {
        List<BundleEntryRequest> mixed = List.of(entry(0, "PUT", ResourceKind.SLOT), entry(1, "PUT", ResourceKind.SCHEDULE),
                entry(2, "DELETE", ResourceKind.SLOT), entry(3, "POST", ResourceKind.LOCATION));
        IntakeException e = catchThrowableOfType(IntakeException.class,
                () -> BundleScopes.require(caller("system/Slot.cu system/Location.c"), mixed));
        assertThat(e.status()).isEqualTo(403);
        assertThat(e.issues()).extracting(Issue::expression)
                .containsExactly("Bundle.entry[1].request", "Bundle.entry[2].request");
        assertThat(e.issues()).allSatisfy(i -> assertThat(i.code()).isEqualTo("forbidden"));
        assertThat(e.issues().getFirst().message()).contains("PUT Schedule needs system/Schedule.cu");
        assertThat(e.issues().get(1).message()).contains("DELETE Slot needs system/Slot.d");
    }

    @Test
    void anUpdateNeedsCreateToo() {
        // PUT creates when the id is new, so it needs c as well as u (the single-resource PUT route asks the same)
        IntakeException e = catchThrowableOfType(IntakeException.class,
                () -> BundleScopes.require(caller("system/Slot.u"), SLOTS_ONLY.subList(0, 1)));
        assertThat(e.issues()).singleElement().satisfies(i -> assertThat(i.message()).contains("system/Slot.cu"));
    }

    @Test
    void userOrPatientScopesDoNotWriteSourceData() {
        IntakeException e = catchThrowableOfType(IntakeException.class,
                () -> BundleScopes.require(caller("user/Slot.cud patient/Slot.cud"), SLOTS_ONLY));
        assertThat(e.issues()).hasSize(2);
    }

    @Test
    void nothingIsCheckedWithSecurityOff() {
        assertThatCode(() -> BundleScopes.require(null, SLOTS_ONLY)).doesNotThrowAnyException();
    }

    private static SmartCaller caller(String scopes) {
        List<SmartScope> parsed = Arrays.stream(scopes.split(" ")).map(s -> SmartScope.parse(s).orElseThrow()).toList();
        return new SmartCaller("ehr-a", "ehr-a", null, parsed, "ehr-a");
    }

    private static BundleEntryRequest entry(int index, String method, ResourceKind kind) {
        return new BundleEntryRequest(index, method, kind, "id" + index, "POST".equals(method), null, "{}", null);
    }
}
