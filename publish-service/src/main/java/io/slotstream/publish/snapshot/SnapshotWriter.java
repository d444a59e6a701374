package io.slotstream.publish.snapshot;

import io.slotstream.publish.store.ResourceType;
import io.slotstream.publish.store.StoreView;
import io.slotstream.publish.store.StoredResource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Streams a {@link StoreView} into the NDJSON files of one snapshot: {@code Location.ndjson}, {@code Schedule.ndjson},
 * {@code PractitionerRole.ndjson}, and Slots split by state and ISO week ({@code Slot-MA-2026-W40.ndjson},
 * {@code Slot-nostate-2026-W40.ndjson}), each rolled at {@code maxLines}. Only one line is in the heap at a time
 * (plus one 64 KiB buffer per open Slot group). Location/Schedule/PractitionerRole files carry the states of all
 * published Locations as their {@code extension.state} hint; Slot files the states of their slots' Locations (sched-4).
 */
final class SnapshotWriter {

    private final int maxLines;

    SnapshotWriter(int maxLines) {
        this.maxLines = maxLines;
    }

    /** @return the files, in manifest order (Location, Schedule, PractitionerRole, then Slot files by name) */
    List<PublishedFile> write(StoreView view, Path dir) {
        try {
            List<PublishedFile> files = new ArrayList<>();
            TreeSet<String> locationStates = new TreeSet<>();
            files.addAll(writeType(view, dir, ResourceType.LOCATION, locationStates));
            files.addAll(writeType(view, dir, ResourceType.SCHEDULE, locationStates));
            files.addAll(writeType(view, dir, ResourceType.PRACTITIONER_ROLE, locationStates));
            List<PublishedFile> slots = writeSlots(view, dir);
            slots.sort(Comparator.comparing(PublishedFile::path));
            files.addAll(slots);
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write snapshot files to " + dir, e);
        }
    }

    private List<PublishedFile> writeType(StoreView view, Path dir, ResourceType type, TreeSet<String> locationStates)
            throws IOException {
        RollingNdjsonWriter writer = new RollingNdjsonWriter(dir, "", type.fhirType(), type.fhirType(), maxLines);
        try (writer) {
            writer.states(String.join(",", locationStates));
            view.forEach(type, resource -> {
                if (type == ResourceType.LOCATION && !resource.group().isEmpty()) {
                    locationStates.add(resource.group());
                    writer.states(resource.group());
                }
                write(writer, resource.line());
            });
        }
        return writer.files();
    }

    private List<PublishedFile> writeSlots(StoreView view, Path dir) throws IOException {
        Map<String, RollingNdjsonWriter> groups = new HashMap<>();
        Set<String> usedBases = new HashSet<>();
        try {
            view.forEach(ResourceType.SLOT, slot -> {
                RollingNdjsonWriter writer = groups.computeIfAbsent(slot.group(), group -> {
                    String base = uniqueBase(slotFileBase(group), usedBases);
                    RollingNdjsonWriter created = new RollingNdjsonWriter(dir, "", base, "Slot", maxLines);
                    created.states(statesOf(group));
                    return created;
                });
                write(writer, slot.line());
            });
        } finally {
            for (RollingNdjsonWriter writer : groups.values()) {
                writer.close();
            }
        }
        List<PublishedFile> files = new ArrayList<>();
        groups.values().forEach(writer -> files.addAll(writer.files()));
        return files;
    }

    private static void write(RollingNdjsonWriter writer, byte[] line) {
        try {
            writer.write(line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the states part of a Slot group ({@code "CT,MA|2026-W40"} gives {@code "CT,MA"}) */
    static String statesOf(String group) {
        int bar = group.lastIndexOf('|');
        return bar < 0 ? "" : group.substring(0, bar);
    }

    /** @return e.g. {@code Slot-CT_MA-2026-W40}; {@code Slot-nostate-2026-W40} for slots without a state */
    static String slotFileBase(String group) {
        int bar = group.lastIndexOf('|');
        String states = bar < 0 ? "" : group.substring(0, bar);
        String week = bar < 0 ? group : group.substring(bar + 1);
        String statePart = states.replace(',', '_').replaceAll("[^A-Za-z0-9_]", "");
        return "Slot-" + (statePart.isEmpty() ? "nostate" : statePart) + "-" + week.replaceAll("[^A-Za-z0-9-]", "");
    }

    private static String uniqueBase(String base, Set<String> used) {
        String candidate = base;
        for (int n = 2; !used.add(candidate); n++) {
            candidate = base + "x" + n;
        }
        return candidate;
    }
}
