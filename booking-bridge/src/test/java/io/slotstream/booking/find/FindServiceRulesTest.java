package io.slotstream.booking.find;

import ca.uhn.fhir.context.FhirContext;
import io.slotstream.booking.BookingBridgeProperties;
import io.slotstream.schemas.booking.BookingRulebook;
import io.slotstream.schemas.booking.BookingRules;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Slot;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code $find} proposes only slots the decision point's provider rules (one {@link BookingRules} class) admit. */
class FindServiceRulesTest {

    static final Instant NOW = Instant.parse("2026-03-01T00:00:00Z");
    static final Duration HOUR = Duration.ofHours(1);

    /** availability-service's Slot search, answering the given slots and recording the queries. */
    static final class FakeAvailability extends AvailabilityClient {
        final List<Map<String, List<String>>> queries = new ArrayList<>();
        final List<Slot> slots = new ArrayList<>();

        FakeAvailability() {
            super(new BookingBridgeProperties(null, null, null, null, null, 0), FhirContext.forR4Cached(), io.slotstream.edge.tls.ServiceTls.jvmDefault(false));
        }

        @Override
        public Bundle search(String type, Map<String, List<String>> params) {
            queries.add(params);
            Bundle b = new Bundle().setType(Bundle.BundleType.SEARCHSET).setTotal(slots.size());
            slots.forEach(s -> b.addEntry().setResource(s));
            return b;
        }

        void slot(String id, String schedule, Instant start) {
            Slot s = new Slot().setSchedule(new Reference("Schedule/" + schedule)).setStatus(Slot.SlotStatus.FREE)
                    .setStart(Date.from(start)).setEnd(Date.from(start.plus(Duration.ofMinutes(15))));
            s.setId(id);
            slots.add(s);
        }
    }

    final FakeAvailability availability = new FakeAvailability();
    final BookingRulebook rulebook = new BookingRulebook(new BookingRules(HOUR.multipliedBy(2), Duration.ofDays(7), false),
            Map.of("strict", new BookingRules(HOUR.multipliedBy(48), Duration.ofDays(14), false)));
    final FindService find = new FindService(availability,
            new ProposalCache(new BookingBridgeProperties(null, null, null, null, null, 0)), rulebook,
            Clock.fixed(NOW, ZoneOffset.UTC));

    FindCriteria window(Instant start, Instant end) {
        return new FindCriteria(start, end, List.of(), List.of(), List.of(), null, 50, null);
    }

    @Test
    void theSearchWindowIsNarrowedToTheLoosestRulesOfAnySource() {
        find.find(window(NOW, NOW.plus(Duration.ofDays(30))));

        // earliest: the default's 2 h notice; latest: strict's 14-day horizon (inclusive, so the exclusive end is +1 ms)
        assertThat(availability.queries).singleElement().satisfies(q -> assertThat(q.get("start")).containsExactly(
                "ge" + NOW.plus(HOUR.multipliedBy(2)), "lt" + NOW.plus(Duration.ofDays(14)).plusMillis(1)));
    }

    @Test
    void eachSlotIsCheckedAgainstItsOwnSourcesRules() {
        availability.slot("acme.s1", "acme.sched", NOW.plus(HOUR.multipliedBy(3)));      // default: ok
        availability.slot("acme.s2", "acme.sched", NOW.plus(Duration.ofDays(10)));       // default: beyond 7 d
        availability.slot("strict.s3", "strict.sched", NOW.plus(HOUR.multipliedBy(3)));  // strict: < 48 h notice
        availability.slot("strict.s4", "strict.sched", NOW.plus(Duration.ofDays(10)));   // strict: ok

        FindService.Result result = find.find(window(NOW, NOW.plus(Duration.ofDays(30))));

        assertThat(result.proposals()).extracting(p -> p.slotIds().get(0)).containsExactly("acme.s1", "strict.s4");
    }

    @Test
    void theSearchNeverAsksForAnAccurateTotal() {
        // counting every match of a week across all schedules is what made $find take 1.6 s on 1M slots
        find.find(window(NOW, NOW.plus(Duration.ofDays(30))));

        assertThat(availability.queries).singleElement().satisfies(q -> {
            assertThat(q).doesNotContainKey("_total");
            assertThat(q.get("_count")).containsExactly("50");
        });
    }

    @Test
    void aPageEmptiedByTheRulesIsNotNoMatchesWhileMorePagesFollow() {
        assertThat(new FindService.Result(null, List.of(), "cursor-1").noMatches()).isFalse();
        assertThat(new FindService.Result(null, List.of(), null).noMatches()).isTrue();
        assertThat(new FindService.Result(0, List.of(), null).noMatches()).isTrue();
    }

    @Test
    void aWindowEntirelyOutsideTheRulesAsksNothing() {
        FindService.Result result = find.find(window(NOW, NOW.plus(HOUR)));

        assertThat(result.proposals()).isEmpty();
        assertThat(result.total()).isZero();
        assertThat(availability.queries).isEmpty();
    }
}
