package io.slotstream.publish.snapshot;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.slotstream.deploy.local.SmallTmpfs;
import io.slotstream.publish.fixtures.MutableClock;
import io.slotstream.publish.fixtures.PublicationReader;
import io.slotstream.publish.manifest.ManifestWriter;
import io.slotstream.publish.storage.FileSystemStorage;
import io.slotstream.publish.store.PublicationStore;
import io.slotstream.publish.store.ResourceType;
import io.slotstream.publish.store.StoreChange;
import io.slotstream.publish.store.TimedChange;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A cut on a really full disk: {@link SnapshotPublisher} and {@link FileSystemStorage} writing into a 1 MiB tmpfs that
 * the test fills until the kernel answers {@code ENOSPC}. The cut fails cleanly (the previous manifest and every file
 * it lists are served byte-identical, no partial or temporary file is left, the failure names the directory and says
 * the disk is full), and once space returns the next cut publishes everything that changed meanwhile.
 */
class DiskFullTest {

    private static final long T0 = 1_800_000_000_000L;
    private static final Duration GRACE = Duration.ofMinutes(5);
    private static final int GROUPS = 4;
    private static final int SLOTS_PER_GROUP = 50;
    /** Each Slot line is about 1 KB: a group's file about 50 KB. */
    private static final int PADDING = 1000;

    /** Where the cut writes its files being written (scratch) and its stored files. */
    enum Layout {
        /** only the output directory on the small disk: stored files are copied across filesystems */
        OUTPUT_ON_THE_SMALL_DISK,
        /** scratch and output on the small disk (the service's {@code <dir>/tmp} and {@code <dir>/files}): renamed */
        SCRATCH_AND_OUTPUT_ON_THE_SMALL_DISK
    }

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(T0);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @ParameterizedTest
    @EnumSource(Layout.class)
    void aCutOnAFullDiskFailsCleanlyAndTheNextOneCatchesUpOnceSpaceReturns(Layout layout) throws Exception {
        try (SmallTmpfs disk = mountSmallDisk()) {
            Path output = disk.path().resolve("files");
            Path scratch = layout == Layout.OUTPUT_ON_THE_SMALL_DISK ? dir.resolve("tmp") : disk.path().resolve("tmp");
            // one writer thread: with several, the groups' copies fill the little room left at the same time and
            // whether any of them completes before the disk is full depends on their interleaving
            try (PublicationStore store = PublicationStore.open(dir.resolve("store"), "fp");
                 SnapshotPublisher publisher = new SnapshotPublisher(store, new FileSystemStorage(output), scratch, 1 << 20, 1,
                         Duration.ofDays(1), Duration.ofSeconds(5), Duration.ofSeconds(60), GRACE, clock,
                         new SnapshotMetrics(meters))) {
                store.apply(versionOfEveryGroup(1, T0), Map.of());
                Publication first = publisher.cut();
                byte[] manifest = manifest(first);
                Map<String, byte[]> served = contents(output, first.fileNames());
                assertThat(served).hasSize(GROUPS);

                // Every group changes; room is left for a group's new file (~50 KB) or a few, not for four. In
                // scratch a group is also written as its change tiers (discarded when they equal the full files).
                store.apply(versionOfEveryGroup(2, T0 + 1000), Map.of());
                long leave = layout == Layout.OUTPUT_ON_THE_SMALL_DISK ? 75 * 1024 : 175 * 1024;
                long filler = disk.fill(leave);
                assertThat(disk.usableBytes()).as("free after filling %d bytes", filler).isLessThan(leave + 25 * 1024);

                assertThatThrownBy(publisher::cutIfChanged).isInstanceOf(UncheckedIOException.class)
                        .hasStackTraceContaining("No space left on device");
                CutFailure failure = publisher.lastFailure().orElseThrow();
                assertThat(failure.diskFull()).isTrue();
                assertThat(failure.message()).startsWith("disk full: ").contains(
                        (layout == Layout.OUTPUT_ON_THE_SMALL_DISK ? output : scratch).toString());
                assertThat(failuresCounted("disk-full")).isEqualTo(1);

                // The previous publication is still the one served, whole and byte-identical.
                assertThat(publisher.current()).containsSame(first);
                assertThat(manifest(publisher.current().orElseThrow())).isEqualTo(manifest);
                assertThat(contents(output, first.fileNames())).allSatisfy((name, bytes) ->
                        assertThat(bytes).as(name).isEqualTo(served.get(name)));
                // Nothing half-written: no temporary, no partial file; what the failed cut stored is complete.
                Set<String> strays = new TreeSet<>(names(output));
                strays.removeAll(first.fileNames());
                System.out.printf("[disk-full] %s: filler %d bytes, %d bytes free, the failed cut left %s; %s%n", layout,
                        filler, disk.usableBytes(), strays, failure.message());
                assertThat(strays).as("files the failed cut stored").allSatisfy(name -> {
                    assertThat(name).doesNotStartWith(".").endsWith(".ndjson");
                    assertThat(name).contains(SnapshotPublisherTest.sha256Prefix(Files.readAllBytes(output.resolve(name))));
                });
                assertThat(strays).as("the cut stored some groups' files before the disk was full")
                        .isNotEmpty().hasSizeLessThan(GROUPS);
                assertThat(names(scratch)).as("scratch after the failed cut").isEmpty();

                // Still full: the next tick fails the same way and changes nothing.
                assertThatThrownBy(publisher::cutIfChanged).isInstanceOf(UncheckedIOException.class);
                assertThat(failuresCounted("disk-full")).isEqualTo(2);
                assertThat(publisher.current()).containsSame(first);

                // One more change in every group while full: whatever the failed cuts stored is obsolete.
                List<TimedChange> third = new ArrayList<>();
                for (int group = 0; group < GROUPS; group++) {
                    third.add(new TimedChange(slot(group, 0, 3), T0 + 2000));
                }
                store.apply(third, Map.of());
                disk.free();
                Publication caughtUp = publisher.cutIfChanged().orElseThrow();
                assertThat(publisher.lastFailure()).isEmpty();
                assertThat(caughtUp.transactionTime()).isEqualTo(T0 + 2000);
                Map<String, String> expected = new HashMap<>();
                versionOfEveryGroup(2, T0).forEach(c -> expected.put("Slot/" + c.change().id(),
                        new String(c.change().line(), StandardCharsets.UTF_8)));
                third.forEach(c -> expected.put("Slot/" + c.change().id(), new String(c.change().line(), StandardCharsets.UTF_8)));
                assertThat(PublicationReader.full(caughtUp, publisher.storage())).isEqualTo(expected);

                // The previous files are kept for the grace period, then they and the strays go.
                assertThat(names(output)).containsAll(first.fileNames());
                clock.advance(GRACE.toMillis());
                publisher.deleteExpired();
                assertThat(names(output)).containsExactlyInAnyOrderElementsOf(caughtUp.fileNames());
            }
        }
    }

    private SmallTmpfs mountSmallDisk() throws IOException {
        try {
            SmallTmpfs disk = SmallTmpfs.mount(dir.resolve("small-disk"), 1 << 20, SmallTmpfs.Visibility.THIS_PROCESS);
            System.out.println("[disk-full] " + disk.describe());
            return disk;
        } catch (SmallTmpfs.Unavailable e) {
            Assumptions.abort("a real full disk needs a small tmpfs: " + e.getMessage());
            throw new AssertionError(e);
        }
    }

    private static List<TimedChange> versionOfEveryGroup(int version, long time) {
        List<TimedChange> changes = new ArrayList<>();
        for (int group = 0; group < GROUPS; group++) {
            for (int i = 0; i < SLOTS_PER_GROUP; i++) {
                changes.add(new TimedChange(slot(group, i, version), time));
            }
        }
        return changes;
    }

    private static StoreChange slot(int group, int i, int version) {
        String id = "g" + group + "-s" + i;
        String line = "{\"resourceType\":\"Slot\",\"id\":\"" + id + "\",\"comment\":\"v" + version + " "
                + "x".repeat(PADDING) + "\"}";
        return new StoreChange(ResourceType.SLOT, id, "MA|2026-W4" + group, line.getBytes(StandardCharsets.UTF_8));
    }

    private byte[] manifest(Publication publication) {
        return new ManifestWriter().full(publication, "https://p", "https://p/data");
    }

    private double failuresCounted(String reason) {
        return meters.get("slotstream.publish.snapshot.failures").tag("reason", reason).counter().count();
    }

    /** @return every entry of the directory, hidden ones too, but the test's own filler */
    private static Set<String> names(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return Set.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return new TreeSet<>(files.map(p -> p.getFileName().toString()).filter(n -> !n.equals(".disk-filler")).toList());
        }
    }

    private static Map<String, byte[]> contents(Path directory, Set<String> names) throws IOException {
        Map<String, byte[]> contents = new HashMap<>();
        for (String name : names) {
            contents.put(name, Files.readAllBytes(directory.resolve(name)));
        }
        return contents;
    }
}
