package io.slotstream.bench.generator;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A deterministic stream of source-side changes to a {@link HealthSystem}: each change picks a random existing
 * Slot and books it (free to busy) or cancels it (busy to free); {@code deletionShare} of changes delete the Slot
 * instead; every {@code rebuildEvery}-th change rebuilds one schedule's template for one week (a burst: the old
 * Slots are deleted and new ones, of another length, put). The stream remembers what it changed (memory grows
 * with the number of changes, not with the system). The rate is applied by whoever sends the changes. Not
 * thread-safe.
 */
public final class ChangeStream {

    /**
     * @param deletionShare share of single-slot changes that delete, in [0, 1)
     * @param rebuildEvery  every n-th change is a one-week template rebuild; 0 for none
     */
    public record Mix(double deletionShare, int rebuildEvery) {
        /** 2% deletions, a rebuild every 1,000 changes. */
        public static final Mix DEFAULT = new Mix(0.02, 1000);
        /** Bookings and cancellations only: every change is exactly one Slot PUT. */
        public static final Mix SINGLE_SLOT_PUTS = new Mix(0, 0);
    }

    private final HealthSystem system;
    private final Mix mix;
    private final SplittableRandom rnd;
    private final Map<String, GeneratedSlot> current = new HashMap<>();
    private final Set<String> deleted = new HashSet<>();
    /** (provider, day) to the rebuild generation and template now in force. */
    private final Map<Long, Rebuilt> rebuilt = new HashMap<>();
    private long sequence;

    private record Rebuilt(int generation, SlotTemplate template) {
    }

    public ChangeStream(HealthSystem system, long seed, Mix mix) {
        this.system = system;
        this.mix = mix;
        this.rnd = Seeds.of(seed, Seeds.CHANGES, 0, 0);
    }

    /** @return the next change; never ends */
    public Change next() {
        long seq = sequence++;
        if (mix.rebuildEvery() > 0 && seq % mix.rebuildEvery() == mix.rebuildEvery() - 1) {
            return rebuild(seq);
        }
        for (int attempt = 0; ; attempt++) {
            Provider p = system.providers().get(rnd.nextInt(system.providers().size()));
            int day = rnd.nextInt(system.days());
            List<GeneratedSlot> slots = slotsNow(p, day);
            if (slots.isEmpty()) {
                continue; // a day off: draw again
            }
            GeneratedSlot slot = slots.get(rnd.nextInt(slots.size()));
            slot = current.getOrDefault(slot.id(), slot);
            if (deleted.contains(slot.id())) {
                continue;
            }
            if (rnd.nextDouble() < mix.deletionShare()) {
                deleted.add(slot.id());
                current.remove(slot.id());
                return new Change(seq, Change.Kind.DELETION, List.of(Change.Entry.delete(slot)));
            }
            boolean book = slot.status().equals("free");
            GeneratedSlot changed = slot.withStatus(book ? "busy" : "free");
            current.put(changed.id(), changed);
            return new Change(seq, book ? Change.Kind.BOOKING : Change.Kind.CANCELLATION, List.of(Change.Entry.put(changed)));
        }
    }

    private Change rebuild(long seq) {
        Provider p = system.providers().get(rnd.nextInt(system.providers().size()));
        int firstDay = rnd.nextInt(Math.max(1, system.days() - 6));
        List<Change.Entry> entries = new ArrayList<>();
        for (int day = firstDay; day < Math.min(system.days(), firstDay + 7); day++) {
            List<GeneratedSlot> old = slotsNow(p, day);
            Rebuilt previous = rebuilt.get(key(p, day));
            SlotTemplate base = previous == null ? p.template() : previous.template();
            int minutes = base.slotMinutes() == 15 ? 20 : base.slotMinutes() == 20 ? 30 : 15;
            Rebuilt next = new Rebuilt(previous == null ? 1 : previous.generation() + 1, base.withSlotMinutes(minutes));
            rebuilt.put(key(p, day), next);
            List<GeneratedSlot> fresh = system.slotsOn(p, day, next.template(), next.generation());
            Set<String> freshIds = new HashSet<>();
            fresh.forEach(s -> freshIds.add(s.id()));
            for (GeneratedSlot s : old) {
                if (!freshIds.contains(s.id()) && !deleted.contains(s.id())) {
                    entries.add(Change.Entry.delete(s));
                }
                current.remove(s.id());
            }
            for (GeneratedSlot s : fresh) {
                deleted.remove(s.id());
                entries.add(Change.Entry.put(s));
            }
        }
        return new Change(seq, Change.Kind.TEMPLATE_REBUILD, List.copyOf(entries));
    }

    /** The slots of a provider-day as they are now (after rebuilds), before per-slot overrides. */
    private List<GeneratedSlot> slotsNow(Provider p, int day) {
        Rebuilt r = rebuilt.get(key(p, day));
        return r == null ? system.slotsOn(p, day) : system.slotsOn(p, day, r.template(), r.generation());
    }

    private static long key(Provider p, int day) {
        return ((long) p.index() << 20) | day;
    }
}
