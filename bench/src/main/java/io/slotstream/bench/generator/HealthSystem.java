package io.slotstream.bench.generator;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * A deterministic, realistic health system: Sites (Locations + HealthcareServices) across US states and time zones,
 * Providers (Practitioner + PractitionerRole + Schedule) with weekly templates, and their Slots. Sites and Providers
 * are small and kept in memory (at most a few thousand); Slots are generated on demand, one schedule-day at a time,
 * and never held all at once. Thread-safe (immutable after construction).
 */
public final class HealthSystem {

    /** SNOMED CT 309343006 Physician. */
    static final String PHYSICIAN = "309343006";
    /** SNOMED CT 224571005 Nurse practitioner. */
    static final String NURSE_PRACTITIONER = "224571005";
    /** Where booking deep links point. */
    public static final String PORTAL = "https://portal.example-health.org/schedule?slot=";

    private static final int[] SLOT_MINUTES = {15, 20, 30};
    private static final LocalTime[] DAY_STARTS = {LocalTime.of(7, 30), LocalTime.of(8, 0), LocalTime.of(8, 30), LocalTime.of(9, 0)};
    private static final int[] LUNCH_MINUTES = {30, 45, 60};

    private final GeneratorConfig config;
    private final List<Site> sites;
    private final List<Provider> providers;

    public HealthSystem(GeneratorConfig config) {
        this.config = config;
        SystemSize size = config.size();
        List<Site> s = new ArrayList<>(size.locations());
        for (int i = 0; i < size.locations(); i++) {
            s.add(site(i));
        }
        this.sites = List.copyOf(s);
        List<Provider> p = new ArrayList<>(size.schedules());
        for (int j = 0; j < size.schedules(); j++) {
            p.add(provider(j));
        }
        this.providers = List.copyOf(p);
    }

    public GeneratorConfig config() {
        return config;
    }

    public List<Site> sites() {
        return sites;
    }

    /** Providers in index order; provider {@code i} owns Schedule {@code sch-i}. */
    public List<Provider> providers() {
        return providers;
    }

    public int days() {
        return config.size().days();
    }

    public LocalDate date(int day) {
        return config.startDate().plusDays(day);
    }

    /** The Slots of one provider on one day (0-based from the start date), with their generated template. */
    public List<GeneratedSlot> slotsOn(Provider provider, int day) {
        return slotsOn(provider, day, provider.template(), 0);
    }

    /**
     * The Slots of one provider on one day with the given template; {@code generation} > 0 draws statuses from a
     * fresh stream (a rebuilt template), 0 gives the original slots.
     */
    public List<GeneratedSlot> slotsOn(Provider provider, int day, SlotTemplate template, int generation) {
        LocalDate date = date(day);
        List<LocalTime> starts = template.startsOn(date.getDayOfWeek());
        if (starts.isEmpty()) {
            return List.of();
        }
        SplittableRandom rnd = Seeds.of(config.seed() + generation, Seeds.DAY, provider.index(), day);
        String offset = provider.site().place().zone().getRules().getOffset(LocalDateTime.of(date, LocalTime.NOON)).getId();
        String dateText = date.toString();
        String compactDate = dateText.replace("-", "");
        List<GeneratedSlot> slots = new ArrayList<>(starts.size());
        for (LocalTime start : starts) {
            LocalTime end = start.plusMinutes(template.slotMinutes());
            String id = provider.scheduleId() + "-" + compactDate + "-" + hhmm(start);
            String status = rnd.nextDouble() < template.busyShare() ? "busy" : "free";
            String patientType = !provider.acceptsNewPatients() || rnd.nextInt(100) < 15 ? "existptonly" : "newpt";
            slots.add(new GeneratedSlot(id, provider.scheduleId(), status, instant(dateText, start, offset),
                    instant(dateText, end, offset), PORTAL + id, provider.site().phone(), patientType));
        }
        return slots;
    }

    /** Streams every Slot, schedule by schedule, day by day. */
    public void forEachSlot(Consumer<GeneratedSlot> sink) {
        for (Provider p : providers) {
            for (int day = 0; day < days(); day++) {
                slotsOn(p, day).forEach(sink);
            }
        }
    }

    /** @return the exact number of Slots {@link #forEachSlot} yields, computed from the templates (no Slots built) */
    public long countSlots() {
        long n = 0;
        for (Provider p : providers) {
            for (int day = 0; day < days(); day++) {
                n += p.template().startsOn(date(day).getDayOfWeek()).size();
            }
        }
        return n;
    }

    private static String instant(String date, LocalTime time, String offset) {
        return date + "T" + (time.getHour() < 10 ? "0" : "") + time.getHour() + ":"
                + (time.getMinute() < 10 ? "0" : "") + time.getMinute() + ":00" + (offset.equals("Z") ? "+00:00" : offset);
    }

    private static String hhmm(LocalTime t) {
        return String.format("%02d%02d", t.getHour(), t.getMinute());
    }

    private Site site(int i) {
        SplittableRandom rnd = Seeds.of(config.seed(), Seeds.LOCATION, i, 0);
        Place place = Place.ALL.get((i * 5) % Place.ALL.size()); // stride 5 walks all zones early
        String street = pick(rnd, Names.STREETS);
        String name = place.city() + " " + street + " " + pick(rnd, Names.CLINIC_KINDS);
        List<Specialty> offered = new ArrayList<>(3);
        offered.add(Specialty.ALL.get(rnd.nextInt(3)));
        while (offered.size() < 3) {
            Specialty s = Specialty.ALL.get(3 + rnd.nextInt(Specialty.ALL.size() - 3));
            if (!offered.contains(s)) {
                offered.add(s);
            }
        }
        return new Site(i, String.format("loc-%05d", i), name, place,
                round(place.latitude() + (rnd.nextDouble() - 0.5) * 0.3),
                round(place.longitude() + (rnd.nextDouble() - 0.5) * 0.3),
                (100 + rnd.nextInt(9900)) + " " + street + " St",
                place.zip3() + String.format("%02d", rnd.nextInt(100)),
                "+1-" + place.areaCode() + "-555-01" + String.format("%02d", rnd.nextInt(100)),
                List.copyOf(offered));
    }

    private Provider provider(int j) {
        SplittableRandom rnd = Seeds.of(config.seed(), Seeds.PROVIDER, j, 0);
        int perSite = config.size().practitionersPerLocation();
        Site site = sites.get(j / perSite);
        int serviceIndex = (j % perSite) % site.specialties().size();
        boolean physician = rnd.nextInt(100) < 80;
        int lengthRoll = rnd.nextInt(100);
        int slotMinutes = lengthRoll < 60 ? SLOT_MINUTES[0] : lengthRoll < 85 ? SLOT_MINUTES[1] : SLOT_MINUTES[2];
        LocalTime dayStart = DAY_STARTS[rnd.nextInt(DAY_STARTS.length)];
        Set<DayOfWeek> weekdays = SlotTemplate.monToFri();
        if (rnd.nextInt(100) < 25) {
            weekdays = EnumSet.copyOf(weekdays);
            weekdays.remove(DayOfWeek.of(1 + rnd.nextInt(5)));
        }
        SlotTemplate template = new SlotTemplate(slotMinutes, dayStart, LocalTime.of(12, rnd.nextBoolean() ? 0 : 30),
                LUNCH_MINUTES[rnd.nextInt(LUNCH_MINUTES.length)], dayStart.plusHours(9), Set.copyOf(weekdays),
                rnd.nextInt(100) < 10, 0.15 + rnd.nextDouble() * 0.45);
        return new Provider(j, site, serviceIndex, Npi.forIndex(j), pick(rnd, Names.GIVEN), pick(rnd, Names.FAMILY),
                physician ? PHYSICIAN : NURSE_PRACTITIONER, physician ? "Physician" : "Nurse practitioner",
                rnd.nextInt(100) < 85, template);
    }

    private static <T> T pick(SplittableRandom rnd, List<T> from) {
        return from.get(rnd.nextInt(from.size()));
    }

    private static double round(double degrees) {
        return Math.round(degrees * 1e5) / 1e5;
    }
}
