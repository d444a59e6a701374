package io.slotstream.availability.query;

import io.slotstream.availability.testing.TopologyHarness;
import io.slotstream.availability.topology.TopologyMetrics;
import io.slotstream.avro.Coding;
import io.slotstream.avro.FhirLocation;
import io.slotstream.avro.FhirSlot;
import io.slotstream.avro.Reference;
import io.slotstream.avro.SlotAvailability;
import io.slotstream.avro.SlotStatus;
import io.slotstream.schemas.mapping.SlotStatusCodes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;

import static io.slotstream.availability.testing.Fixtures.SERVICE_TYPE_SYSTEM;
import static io.slotstream.availability.testing.Fixtures.SNOMED;
import static io.slotstream.availability.testing.Fixtures.hold;
import static io.slotstream.availability.testing.Fixtures.location;
import static io.slotstream.availability.testing.Fixtures.role;
import static io.slotstream.availability.testing.Fixtures.schedule;
import static io.slotstream.availability.testing.Fixtures.slot;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Randomized: every supported Slot search parameter, combined at random, answered through the index with cursor
 * paging equals a brute-force filter of the published view written here from the parameters' definitions; and
 * paging while the view changes neither skips nor repeats a slot that matched throughout.
 */
class SlotSearchRandomizedTest {

    private static final long MON = Instant.parse("2026-03-23T00:00:00Z").toEpochMilli();
    private static final long HOUR = 3_600_000L;
    private static final String[] STATES = {"MA", "ME", "IL", "CA"};
    private static final String[] POSTAL = {"02110", "02139", "04101", "62701", "90001", "90012"};
    private static final String[] SERVICE_TYPES = {"124", "57", "310"};
    private static final String[] SPECIALTIES = {"394802001", "419772000", "394814009"};
    private static final SlotStatus[] STATUSES = {SlotStatus.FREE, SlotStatus.BUSY, SlotStatus.BUSY_UNAVAILABLE};

    private final Random random = new Random(20261130);
    private final Map<String, FhirLocation> locations = new HashMap<>();
    private TopologyHarness t;

    @BeforeEach
    void fill() {
        t = new TopologyHarness(TopologyMetrics.NONE);
        for (int i = 0; i < 6; i++) {
            FhirLocation l = location("L" + i, "Clinic " + i, "City" + i, STATES[i % STATES.length], POSTAL[i],
                    40 + random.nextDouble() * 4, -75 + random.nextDouble() * 4);
            locations.put(l.getId(), l);
            t.locations.pipeInput(l.getId(), l);
        }
        for (int i = 0; i < 4; i++) {
            t.roles.pipeInput("R" + i, role("R" + i, "P" + i, "L" + random.nextInt(6), SPECIALTIES[i % SPECIALTIES.length]));
        }
        for (int i = 0; i < 8; i++) {
            List<String> actors = new ArrayList<>();
            if (random.nextBoolean() || i == 0) {
                actors.add("Location/L" + random.nextInt(6));
            }
            if (random.nextBoolean() || actors.isEmpty()) {
                actors.add("PractitionerRole/R" + random.nextInt(4));
            }
            t.schedules.pipeInput("S" + i, schedule("S" + i, actors, SERVICE_TYPES[random.nextInt(3)], 1));
        }
        for (int i = 0; i < 120; i++) {
            putSlot("x" + i, 1);
        }
        for (int i = 0; i < 8; i++) {
            t.bookings.pipeInput("x" + i, hold("e" + i, "x" + i, "h" + i, TopologyHarness.T0 + 600_000, 2));
        }
    }

    @AfterEach
    void close() {
        t.close();
    }

    private void putSlot(String id, long eventTime) {
        // whole hours over two weeks, so many slots share a start (ties ordered by id)
        FhirSlot s = slot(id, "S" + random.nextInt(8), STATUSES[random.nextInt(STATUSES.length)],
                MON + random.nextInt(14 * 24) * HOUR, eventTime);
        t.slots.pipeInput(id, s);
    }

    @Test
    void everyParameterCombinedEqualsABruteForceFilter() {
        List<SlotAvailability> view = view();
        assertThat(view).hasSize(120);
        int nonEmpty = 0;
        for (int q = 0; q < 200; q++) {
            Map<String, String[]> params = randomQuery();
            boolean descending = params.containsKey("_sort");
            List<String> expected = view.stream().filter(bruteForce(params))
                    .sorted(order(descending)).map(SlotAvailability::getSlotId).toList();
            SlotQuery query = SlotQuery.parse(params);
            int count = 1 + random.nextInt(40);
            List<String> paged = pageThrough(query, count, null);
            assertThat(paged).as("query %d %s, pages of %d", q, describe(params), count).isEqualTo(expected);
            Partial<SlotAvailability> counted = IndexedSlotSearch.search(query, null, true, t.stores(), count + 1);
            assertThat(counted.total()).as("accurate total of %s", describe(params)).isEqualTo(expected.size());
            Partial<SlotAvailability> firstPage = IndexedSlotSearch.search(query, null, false, t.stores(), count + 1);
            assertThat(firstPage.total()).as("free total of %s", describe(params))
                    .isEqualTo(expected.size() <= count + 1 ? expected.size() : -1);
            if (!expected.isEmpty()) {
                nonEmpty++;
            }
        }
        assertThat(nonEmpty).as("the random queries must mostly find something").isGreaterThan(50);
    }

    @Test
    void pagingWhileTheViewChangesNeitherSkipsNorRepeatsASlotThatMatchedThroughout() {
        Map<String, String[]> params = new LinkedHashMap<>(Map.of("start", new String[]{"ge2026-03-23", "lt2026-04-06"}));
        if (random.nextBoolean()) {
            params.put("_sort", new String[]{"-start"});
        }
        SlotQuery query = SlotQuery.parse(params);
        // slots x0..x39 change while we page; the others stay as they are
        Set<String> stable = new HashSet<>();
        for (SlotAvailability a : view()) {
            int n = Integer.parseInt(a.getSlotId().substring(1));
            if (n >= 40) {
                stable.add(a.getSlotId());
            }
        }
        List<String> seen = new ArrayList<>();
        Cursor cursor = null;
        int round = 0;
        do {
            Partial<SlotAvailability> p = IndexedSlotSearch.search(query, cursor, false, t.stores(), 5);
            List<SlotAvailability> page = p.first().subList(0, Math.min(4, p.first().size()));
            page.forEach(a -> seen.add(a.getSlotId()));
            cursor = p.first().size() > 4 ? new Cursor(page.getLast().getStart().toEpochMilli(), page.getLast().getSlotId()) : null;
            for (int c = 0; c < 3; c++) { // between pages: moves, deletes, re-adds and new slots
                int n = random.nextInt(40);
                switch (random.nextInt(3)) {
                    case 0 -> putSlot("x" + n, 10 + round);
                    case 1 -> t.slots.pipeInput("x" + n, (FhirSlot) null);
                    default -> putSlot("new" + round + "-" + c, 10 + round);
                }
            }
            round++;
        } while (cursor != null);
        assertThat(round).isGreaterThan(20);
        for (String id : stable) {
            assertThat(seen.stream().filter(id::equals).count()).as(id).isEqualTo(1);
        }
    }

    private List<String> pageThrough(SlotQuery query, int count, Cursor start) {
        List<String> out = new ArrayList<>();
        Cursor cursor = start;
        do {
            Partial<SlotAvailability> p = IndexedSlotSearch.search(query, cursor, false, t.stores(), count + 1);
            List<SlotAvailability> page = p.first().subList(0, Math.min(count, p.first().size()));
            page.forEach(a -> out.add(a.getSlotId()));
            cursor = p.first().size() > count
                    ? new Cursor(page.getLast().getStart().toEpochMilli(), page.getLast().getSlotId()) : null;
        } while (cursor != null);
        return out;
    }

    private Map<String, String[]> randomQuery() {
        Map<String, String[]> p = new LinkedHashMap<>();
        if (random.nextInt(3) > 0) {
            p.put("status", new String[]{random.nextBoolean() ? "free"
                    : SlotStatusCodes.toCode(STATUSES[random.nextInt(3)]) + ",busy-tentative"});
        }
        if (random.nextInt(3) > 0) {
            int from = random.nextInt(14);
            p.put("start", new String[]{"ge" + day(from), "lt" + day(from + 1 + random.nextInt(7))});
        }
        if (random.nextInt(3) == 0) {
            String code = SERVICE_TYPES[random.nextInt(3)];
            p.put("service-type", new String[]{random.nextBoolean() ? code : SERVICE_TYPE_SYSTEM + "|" + code});
        }
        if (random.nextInt(4) == 0) {
            String code = SPECIALTIES[random.nextInt(3)];
            p.put("specialty", new String[]{random.nextBoolean() ? code : SNOMED + "|" + code + "," + SPECIALTIES[0]});
        }
        if (random.nextInt(5) == 0) {
            p.put("schedule", new String[]{"S" + random.nextInt(8) + ",Schedule/S" + random.nextInt(8)});
        }
        if (random.nextInt(5) == 0) {
            p.put("schedule.actor", new String[]{random.nextBoolean() ? "Location/L" + random.nextInt(6)
                    : random.nextBoolean() ? "PractitionerRole/R" + random.nextInt(4) : "R" + random.nextInt(4)});
        }
        if (random.nextInt(5) == 0) {
            String state = STATES[random.nextInt(STATES.length)];
            p.put(SearchParams.LOCATION_CHAIN + "address-state",
                    new String[]{random.nextBoolean() ? state.toLowerCase(Locale.ROOT) : state.substring(0, 1)});
        }
        if (random.nextInt(6) == 0) {
            p.put(SearchParams.LOCATION_CHAIN + "address-postalcode", new String[]{POSTAL[random.nextInt(6)].substring(0, 3)});
        }
        if (random.nextInt(4) == 0) {
            p.put(SearchParams.LOCATION_CHAIN + "near", new String[]{(40 + random.nextDouble() * 4) + "|"
                    + (-75 + random.nextDouble() * 4) + "|" + (50 + random.nextInt(250)) + "|km"});
        }
        if (random.nextInt(4) == 0) {
            p.put("_sort", new String[]{"-start"});
        }
        return p;
    }

    /** The definitions of the parameters, applied to every published slot. */
    private Predicate<SlotAvailability> bruteForce(Map<String, String[]> p) {
        List<Predicate<SlotAvailability>> all = new ArrayList<>();
        if (p.containsKey("status")) {
            List<String> codes = List.of(p.get("status")[0].split(","));
            all.add(a -> codes.contains(SlotStatusCodes.toCode(a.getEffectiveStatus())));
        }
        if (p.containsKey("start")) {
            long from = Instant.parse(p.get("start")[0].substring(2) + "T00:00:00Z").toEpochMilli();
            long to = Instant.parse(p.get("start")[1].substring(2) + "T00:00:00Z").toEpochMilli();
            all.add(a -> a.getStart().toEpochMilli() >= from && a.getStart().toEpochMilli() < to);
        }
        if (p.containsKey("service-type")) {
            all.add(a -> hasCode(p.get("service-type")[0], a.getServiceType().stream()
                    .flatMap(c -> c.getCoding().stream()).toList()));
        }
        if (p.containsKey("specialty")) {
            all.add(a -> hasCode(p.get("specialty")[0], a.getSpecialty()));
        }
        if (p.containsKey("schedule")) {
            List<String> ids = List.of(p.get("schedule")[0].replace("Schedule/", "").split(","));
            all.add(a -> ids.contains(a.getScheduleId()));
        }
        if (p.containsKey("schedule.actor")) {
            String v = p.get("schedule.actor")[0];
            all.add(a -> a.getActors().stream().map(Reference::getReference)
                    .anyMatch(r -> v.contains("/") ? r.equals(v) : r.endsWith("/" + v)));
        }
        List<Predicate<FhirLocation>> where = new ArrayList<>();
        String[] state = p.get(SearchParams.LOCATION_CHAIN + "address-state");
        if (state != null) {
            where.add(l -> l.getAddress().getState().toUpperCase(Locale.ROOT).startsWith(state[0].toUpperCase(Locale.ROOT)));
        }
        String[] postal = p.get(SearchParams.LOCATION_CHAIN + "address-postalcode");
        if (postal != null) {
            where.add(l -> l.getAddress().getPostalCode().startsWith(postal[0]));
        }
        String[] near = p.get(SearchParams.LOCATION_CHAIN + "near");
        if (near != null) {
            String[] v = near[0].split("\\|");
            where.add(l -> km(Double.parseDouble(v[0]), Double.parseDouble(v[1]), l.getPosition().getLatitude(),
                    l.getPosition().getLongitude()) <= Double.parseDouble(v[2]));
        }
        if (!where.isEmpty()) {
            all.add(a -> a.getLocationIds().stream().map(locations::get)
                    .anyMatch(l -> l != null && where.stream().allMatch(w -> w.test(l))));
        }
        return a -> all.stream().allMatch(c -> c.test(a));
    }

    private static boolean hasCode(String value, List<Coding> codings) {
        for (String token : value.split(",")) {
            String system = token.contains("|") ? token.substring(0, token.indexOf('|')) : null;
            String code = token.substring(token.indexOf('|') + 1);
            if (codings.stream().anyMatch(c -> code.equals(c.getCode()) && (system == null || system.equals(c.getSystem())))) {
                return true;
            }
        }
        return false;
    }

    private static double km(double lat1, double lng1, double lat2, double lng2) {
        double dLat = Math.toRadians(lat2 - lat1);
        double dLng = Math.toRadians(lng2 - lng1);
        double h = Math.pow(Math.sin(dLat / 2), 2)
                + Math.cos(Math.toRadians(lat1)) * Math.cos(Math.toRadians(lat2)) * Math.pow(Math.sin(dLng / 2), 2);
        return 2 * 6371.0088 * Math.asin(Math.sqrt(h));
    }

    private static Comparator<SlotAvailability> order(boolean descending) {
        Comparator<SlotAvailability> c = Comparator.comparing((SlotAvailability a) -> a.getStart().toEpochMilli())
                .thenComparing(SlotAvailability::getSlotId);
        return descending ? c.reversed() : c;
    }

    private static String day(int offset) {
        return Instant.ofEpochMilli(MON + offset * 24 * HOUR).toString().substring(0, 10);
    }

    private List<SlotAvailability> view() {
        List<SlotAvailability> out = new ArrayList<>();
        KeyValueStore<String, SlotAvailability> store = t.driver.getKeyValueStore("slot-view");
        try (KeyValueIterator<String, SlotAvailability> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<String, SlotAvailability> kv = it.next();
                out.add(kv.value);
            }
        }
        return out;
    }

    private static String describe(Map<String, String[]> params) {
        StringBuilder s = new StringBuilder();
        params.forEach((k, v) -> s.append(k).append('=').append(String.join("&" + k + "=", v)).append(' '));
        return s.toString();
    }

}
