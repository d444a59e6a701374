package io.slotstream.publish.snapshot;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.slotstream.publish.storage.PublicationStorage;
import io.slotstream.publish.store.GroupKey;
import io.slotstream.publish.store.ResourceType;
import io.slotstream.publish.store.StoreView;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes one group's files from a {@link StoreView}: its resources in id order, rolled to a new file before a line
 * would take the file past {@code maxFileBytes} (as HAPI's bulk export caps its files), and its remembered deletions
 * as transaction Bundles of up to {@value #DELETES_PER_BUNDLE} {@code DELETE Type/id} entries (FHIR Bulk Data style).
 * Each file is named by its content, {@code <base>-<first 16 hex of SHA-256>.ndjson}, so a URL always means the same
 * bytes and an unchanged file keeps its name; a file the publication already references is not stored again.
 * Thread-safe: a cut writes several groups at once.
 */
final class GroupWriter {

    static final int DELETES_PER_BUNDLE = 1000;
    private static final int BUFFER = 64 * 1024;
    private static final JsonFactory JSON = new JsonFactory();

    private final PublicationStorage storage;
    private final Path scratch;
    private final long maxFileBytes;
    private final AtomicLong bytesStored = new AtomicLong();
    private final Set<String> stored = ConcurrentHashMap.newKeySet();

    GroupWriter(PublicationStorage storage, Path scratch, long maxFileBytes) {
        this.storage = storage;
        this.scratch = scratch;
        this.maxFileBytes = maxFileBytes;
    }

    /** @return bytes stored since the last call (files already referenced are not counted: they were not written) */
    long takeBytesStored() {
        return bytesStored.getAndSet(0);
    }

    /** @return names stored since the last call (the files a failed cut stored, which no manifest lists) */
    Set<String> takeStored() {
        Set<String> names = Set.copyOf(stored);
        stored.clear();
        return names;
    }

    /**
     * @param known       names the publication references now: such files are stored already
     * @param latestSince transaction time of the previous cut less the overlap (0 before the first), UTC epoch ms
     * @param recentBound bound the change tier keeps unless it would pass a quarter of the group (then it restarts at
     *                    {@code latestSince}), UTC epoch ms, {@code <= latestSince}
     * @param previous    the group as the previous cut published it, or null
     * @return the group's files, or null when the group has neither resources nor remembered deletions
     */
    PublishedGroup write(StoreView view, GroupKey group, Set<String> known, long latestSince, long recentBound,
                         PublishedGroup previous) {
        String base = baseName(group);
        List<String> states = states(group);
        String type = group.type().fhirType();
        // change times are >= 0: a tier bounded at 0 (the first cut, a full publication) is the group's own files,
        // so it is not written twice more only to be found equal and discarded
        boolean recentIsAll = recentBound <= 0;
        Rolling all = new Rolling(base, type, states, known);
        Rolling recent = new Rolling(base + "-changes", type, states, known);
        long[] lastUpsert = {0};
        try {
            view.members(group, (time, value, offset) -> {
                lastUpsert[0] = Math.max(lastUpsert[0], time);
                try {
                    all.write(value, offset);
                    if (!recentIsAll && time >= recentBound) {
                        recent.write(value, offset);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            List<PublishedFile> files = all.finish();
            // a tier holding the whole group is the group's own files; a tier past a quarter restarts at latestSince
            long recentBytes = recentIsAll ? all.bytes : recent.bytes;
            long recentSince = recentBound;
            List<PublishedFile> recentFiles;
            if (recentBytes <= all.bytes / 4) {
                recentFiles = recent.lines == all.lines ? files : recent.finish();
            } else {
                recent.discard();
                recentSince = Math.max(0, latestSince);
                recentFiles = recentSince == 0 ? files : changeTier(view, group, recentSince, all.lines, files, known);
            }
            recent.discard();
            Deletions deleted = deletions(view, group, base, states, known);
            if (files.isEmpty() && deleted.files().isEmpty()) {
                return null;
            }
            return new PublishedGroup(group.type(), group.group(), files, deleted.files(), lastUpsert[0],
                    deleted.lastDelete(), recentFiles, recentSince, null);
        } catch (IOException | RuntimeException e) {
            all.discard();
            recent.discard();
            if (e instanceof IOException io) {
                throw new UncheckedIOException("cannot write the files of group " + group, io);
            }
            throw (RuntimeException) e;
        }
    }

    /** @return the group's change tier from {@code since} (its full files when it holds every line) */
    private List<PublishedFile> changeTier(StoreView view, GroupKey group, long since, long groupLines,
                                           List<PublishedFile> files, Set<String> known) throws IOException {
        Rolling tier = new Rolling(baseName(group) + "-changes", group.type().fhirType(), states(group), known);
        try {
            view.changedMembers(group, since, (time, value, offset) -> {
                try {
                    tier.write(value, offset);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            return tier.lines == groupLines ? files : tier.finish();
        } finally {
            tier.discard();
        }
    }

    /**
     * Writes only the change tier of a group whose full files stay as an earlier cut wrote them (stale): only the
     * group's resources changed at or after {@code recentSince} are read (the store's change-time index), written and
     * hashed, in change time order. Its deletion file is rewritten only when {@code deletionsChanged}.
     *
     * @param recentSince  bound of the change tier, UTC epoch ms, {@code <= filesTime} less the overlap, so the full
     *                     files plus the tier are the group's current content
     * @param filesTime    the time the full files lack the group's changes from, UTC epoch ms
     *                     ({@link PublishedGroup#filesTime()})
     * @param previous     the group as the previous cut published it
     * @return the group with its previous full files, or empty when it must be rewritten whole instead: its change
     * tier would exceed a quarter of its full files' bytes (compaction)
     */
    Optional<PublishedGroup> writeChanges(StoreView view, GroupKey group, Set<String> known, long recentSince,
                                          long filesTime, boolean deletionsChanged, PublishedGroup previous) {
        String base = baseName(group);
        List<String> states = states(group);
        String type = group.type().fhirType();
        long recentLimit = previous.bytes() / 4;
        Rolling recent = new Rolling(base + "-changes", type, states, known);
        long[] lastUpsert = {previous.lastUpsert()};
        try {
            view.changedMembers(group, recentSince, (time, value, offset) -> {
                lastUpsert[0] = Math.max(lastUpsert[0], time);
                if (recent.bytes > recentLimit) {
                    return;
                }
                try {
                    recent.write(value, offset);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            if (recent.bytes > recentLimit) {
                recent.discard();
                return Optional.empty();
            }
            List<PublishedFile> recentFiles = recent.finish();
            Deletions deleted = deletionsChanged ? deletions(view, group, base, states, known)
                    : new Deletions(previous.deletions(), previous.lastDelete());
            return Optional.of(new PublishedGroup(group.type(), group.group(), previous.files(), deleted.files(),
                    lastUpsert[0], deleted.lastDelete(), recentFiles, recentSince, filesTime));
        } catch (IOException | RuntimeException e) {
            recent.discard();
            if (e instanceof IOException io) {
                throw new UncheckedIOException("cannot write the change files of group " + group, io);
            }
            throw (RuntimeException) e;
        }
    }

    /**
     * Writes the cut delta: the current version of every resource changed at or after {@code since}, read from the
     * store's change-time index group by group in the given (manifest) order, each group's in change time order, so
     * the bytes are a function of the store's content and {@code since}. One file set per type, each file's state
     * hint the states of the groups in it.
     *
     * @param groups    the publication's groups after the cut, in manifest order
     * @param since     the bound, UTC epoch ms; {@code <= 0} writes nothing
     * @param byteLimit the most bytes worth writing: past it nothing is kept and the delta answers nothing
     * @throws UncheckedIOException naming the group when a file cannot be written or stored
     */
    CutDelta writeDelta(StoreView view, List<PublishedGroup> groups, long since, long byteLimit, Set<String> known) {
        if (since <= 0) {
            return CutDelta.none(since);
        }
        List<PublishedFile> files = new ArrayList<>();
        Rolling[] rolling = {null};
        long[] bytes = {0};
        try {
            for (PublishedGroup group : groups) {
                if (group.lastUpsert() < since) {
                    continue;
                }
                String type = group.type().fhirType();
                if (rolling[0] == null || !rolling[0].type.equals(type)) {
                    if (rolling[0] != null) {
                        files.addAll(rolling[0].finish());
                    }
                    rolling[0] = new Rolling("changes-" + type, type, null, known);
                }
                List<String> states = states(group.key());
                view.changedMembers(group.key(), since, (time, value, offset) -> {
                    if (bytes[0] > byteLimit) {
                        return;
                    }
                    try {
                        rolling[0].write(value, offset, states);
                        bytes[0] += value.length - offset + 1;
                    } catch (IOException e) {
                        throw new UncheckedIOException("cannot write the cut delta at group " + group.key(), e);
                    }
                });
                if (bytes[0] > byteLimit) {
                    rolling[0].discard();
                    return CutDelta.none(since);
                }
            }
            if (rolling[0] != null) {
                files.addAll(rolling[0].finish());
            }
            return new CutDelta(since, files, true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the cut delta", e);
        } finally {
            if (rolling[0] != null) {
                rolling[0].discard();
            }
        }
    }

    /** A group's deletion files and its newest delete time (UTC epoch ms, 0 when none). */
    private record Deletions(List<PublishedFile> files, long lastDelete) {
    }

    private Deletions deletions(StoreView view, GroupKey group, String base, List<String> states, Set<String> known)
            throws IOException {
        long[] lastDelete = {0};
        List<String> pending = new ArrayList<>();
        Part[] deletions = {null};
        try {
            view.tombstones(group, (id, time) -> {
                lastDelete[0] = Math.max(lastDelete[0], time);
                pending.add(group.type().fhirType() + "/" + id);
                if (pending.size() == DELETES_PER_BUNDLE) {
                    writeBundle(deletions, pending);
                }
            });
            if (!pending.isEmpty()) {
                writeBundle(deletions, pending);
            }
            return new Deletions(deletions[0] == null ? List.of()
                    : List.of(finish(deletions[0], base + "-deleted", "Bundle", states, known)), lastDelete[0]);
        } catch (IOException | RuntimeException e) {
            if (deletions[0] != null) {
                deletions[0].discard();
            }
            throw e;
        }
    }

    private void writeBundle(Part[] deletions, List<String> references) {
        try {
            if (deletions[0] == null) {
                deletions[0] = new Part(scratch);
            }
            byte[] line = deleteBundle(references);
            deletions[0].write(line, 0, line.length);
            references.clear();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private PublishedFile finish(Part part, String base, String type, List<String> states, Set<String> known)
            throws IOException {
        part.close();
        String name = base + "-" + HexFormat.of().formatHex(part.digest.digest(), 0, 8) + ".ndjson";
        if (known.contains(name)) {
            Files.deleteIfExists(part.file);
        } else {
            storage.put(name, part.file);
            stored.add(name);
            bytesStored.addAndGet(part.bytes);
        }
        return new PublishedFile(type, name, states, part.lines, part.bytes);
    }

    /** @return one transaction Bundle deleting the references, e.g. {@code Slot/123} */
    static byte[] deleteBundle(List<String> references) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + references.size() * 80);
        try (JsonGenerator json = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            json.writeStartObject();
            json.writeStringField("resourceType", "Bundle");
            json.writeStringField("type", "transaction");
            json.writeArrayFieldStart("entry");
            for (String reference : references) {
                json.writeStartObject();
                json.writeObjectFieldStart("request");
                json.writeStringField("method", "DELETE");
                json.writeStringField("url", reference);
                json.writeEndObject();
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * @return the file name base of a group: {@code Slot-CT_MA-2026-W40} ({@code Slot-nostate-2026-W40} for slots
     * without a state), {@code Location-MA}, {@code Schedule-CT_MA}, {@code PractitionerRole-nostate}, ...
     */
    static String baseName(GroupKey group) {
        if (group.type() == ResourceType.SLOT) {
            String states = statesOf(group.group());
            int bar = group.group().lastIndexOf('|');
            String week = bar < 0 ? group.group() : group.group().substring(bar + 1);
            return "Slot-" + statePart(states) + "-" + week.replaceAll("[^A-Za-z0-9-]", "");
        }
        return group.type().fhirType() + "-" + statePart(group.group());
    }

    private static String statePart(String states) {
        String part = states.replace(',', '_').replaceAll("[^A-Za-z0-9_]", "");
        return part.isEmpty() ? "nostate" : part;
    }

    /** @return the {@code extension.state} hint of a group's files: the group's states */
    static List<String> states(GroupKey group) {
        return group.type() == ResourceType.SLOT ? split(statesOf(group.group())) : split(group.group());
    }

    /** @return the states part of a Slot group ({@code "CT,MA|2026-W40"} gives {@code "CT,MA"}) */
    static String statesOf(String group) {
        int bar = group.lastIndexOf('|');
        return bar < 0 ? "" : group.substring(0, bar);
    }

    private static List<String> split(String commaSeparated) {
        return commaSeparated.isEmpty() ? List.of() : new ArrayList<>(new TreeSet<>(Arrays.asList(commaSeparated.split(","))));
    }

    /**
     * One stream of lines rolled into content-named files at the byte cap. Its files' state hint is fixed, or (states
     * null) the states of the lines in each file.
     */
    private final class Rolling {
        final String base;
        final String type;
        final List<String> states;
        final Set<String> known;
        final List<PublishedFile> done = new ArrayList<>();
        final TreeSet<String> partStates = new TreeSet<>();
        Part part;
        long lines;
        long bytes;

        Rolling(String base, String type, List<String> states, Set<String> known) {
            this.base = base;
            this.type = type;
            this.states = states;
            this.known = known;
        }

        void write(byte[] value, int offset) throws IOException {
            write(value, offset, List.of());
        }

        void write(byte[] value, int offset, List<String> lineStates) throws IOException {
            int length = value.length - offset;
            if (part != null && part.bytes > 0 && part.bytes + length + 1 > maxFileBytes) {
                finishPart();
            }
            if (part == null) {
                part = new Part(scratch);
            }
            part.write(value, offset, length);
            partStates.addAll(lineStates);
            lines++;
            bytes += length + 1;
        }

        private void finishPart() throws IOException {
            done.add(GroupWriter.this.finish(part, base, type, states != null ? states : List.copyOf(partStates), known));
            part = null;
            partStates.clear();
        }

        List<PublishedFile> finish() throws IOException {
            if (part != null) {
                finishPart();
            }
            return List.copyOf(done);
        }

        void discard() {
            if (part != null) {
                part.discard();
                part = null;
            }
        }
    }

    /** One file being written: to a scratch file, hashed as it goes. */
    private static final class Part {
        final Path file;
        final MessageDigest digest;
        final OutputStream out;
        long lines;
        long bytes;

        Part(Path scratch) throws IOException {
            this.file = Files.createTempFile(scratch, "part-", ".ndjson");
            try {
                this.digest = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            this.out = new BufferedOutputStream(Files.newOutputStream(file), BUFFER);
        }

        /** @throws IOException naming the scratch file (a full disk: "No space left on device") */
        void write(byte[] buffer, int offset, int length) throws IOException {
            try {
                out.write(buffer, offset, length);
                out.write('\n');
            } catch (IOException e) {
                throw new IOException("cannot write " + file + ": " + e.getMessage(), e);
            }
            digest.update(buffer, offset, length);
            digest.update((byte) '\n');
            lines++;
            bytes += length + 1;
        }

        /** Flushes and closes; @throws IOException naming the scratch file */
        void close() throws IOException {
            try {
                out.close();
            } catch (IOException e) {
                throw new IOException("cannot write " + file + ": " + e.getMessage(), e);
            }
        }

        void discard() {
            try {
                out.close(); // flushing fails on a full disk; the file goes all the same
            } catch (IOException ignored) {
                // nothing to keep
            }
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // scratch files are also cleared after a failed cut and on start
            }
        }
    }
}
