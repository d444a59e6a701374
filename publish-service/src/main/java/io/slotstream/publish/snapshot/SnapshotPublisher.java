package io.slotstream.publish.snapshot;

import io.slotstream.publish.store.PublicationStore;
import io.slotstream.publish.store.StoreView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Cuts snapshots of the {@link PublicationStore} into {@code <root>/<id>/} and switches the publication atomically.
 * <p>
 * A snapshot's files are written into {@code <root>/.tmp-<id>/}, fsynced, the directory is renamed to
 * {@code <root>/<id>/}, {@code <root>/CURRENT} is replaced (atomic move) and only then the in-memory pointer that
 * the manifest is built from switches. The superseded snapshot stays downloadable for {@code retainPrevious}, then
 * {@link #retireExpired()} deletes it. Snapshots do not survive a restart (their store views do not): the root is
 * emptied on start and a fresh snapshot is cut once the store caught up.
 * <p>
 * Thread-safety: cuts are serialized; {@link #current()} and {@link #find} are lock-free.
 */
public final class SnapshotPublisher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SnapshotPublisher.class);

    private final PublicationStore store;
    private final Path root;
    private final Duration retainPrevious;
    private final Clock clock;
    private final SnapshotMetrics metrics;
    private final SnapshotWriter writer;
    private final DeltaWriter deltaWriter;
    private final AtomicReference<LiveSnapshot> current = new AtomicReference<>();
    private final ConcurrentLinkedDeque<Retired> retired = new ConcurrentLinkedDeque<>();

    private record Retired(LiveSnapshot snapshot, long retiredAt) {
    }

    /** @throws UncheckedIOException when the root cannot be emptied or created */
    public SnapshotPublisher(PublicationStore store, Path root, int maxLinesPerFile, Duration retainPrevious,
                             Clock clock, SnapshotMetrics metrics) {
        if (maxLinesPerFile < 1) {
            throw new IllegalArgumentException("maxLinesPerFile must be >= 1, was " + maxLinesPerFile);
        }
        this.store = store;
        this.root = root;
        this.retainPrevious = retainPrevious;
        this.clock = clock;
        this.metrics = metrics;
        this.writer = new SnapshotWriter(maxLinesPerFile);
        this.deltaWriter = new DeltaWriter(maxLinesPerFile);
        try {
            deleteTree(root);
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the publication directory " + root, e);
        }
    }

    /** @return the snapshot the manifest currently points at, empty before the first cut */
    public Optional<LiveSnapshot> current() {
        return Optional.ofNullable(current.get());
    }

    /** @return the current or a still-retained snapshot with that id, or null */
    public LiveSnapshot find(String id) {
        LiveSnapshot now = current.get();
        if (now != null && now.id().equals(id)) {
            return now;
        }
        for (Retired old : retired) {
            if (old.snapshot().id().equals(id)) {
                return old.snapshot();
            }
        }
        return null;
    }

    /** Cuts a snapshot when the store changed since the last one (or there is none yet); else returns empty. */
    public synchronized Optional<LiveSnapshot> cutIfChanged() {
        if (current.get() != null && !store.changedSinceLastCut()) {
            return Optional.empty();
        }
        return Optional.of(cut());
    }

    /** Cuts, writes and publishes a snapshot now. */
    public synchronized LiveSnapshot cut() {
        long started = System.nanoTime();
        StoreView view = store.cut();
        LiveSnapshot previous = current.get();
        if (previous != null && previous.transactionTime() == view.transactionTime()) {
            view.close();
            return previous;
        }
        String id = Long.toString(view.transactionTime());
        Path tmp = root.resolve(".tmp-" + id);
        Path dir = root.resolve(id);
        try {
            Files.createDirectories(tmp);
            List<PublishedFile> files = writer.write(view, tmp);
            Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            writePointer(id);
            LiveSnapshot snapshot = new LiveSnapshot(id, dir, files, view, deltaWriter);
            current.set(snapshot);
            if (previous != null) {
                retired.add(new Retired(previous, clock.millis()));
            }
            metrics.snapshotWritten(Duration.ofNanos(System.nanoTime() - started), view.transactionTime(), files);
            log.info("published snapshot {} with {} files", id, files.size());
            return snapshot;
        } catch (IOException | RuntimeException e) {
            view.close();
            store.markDirty();
            try {
                deleteTree(tmp);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e instanceof IOException io ? new UncheckedIOException("cannot write snapshot " + id, io) : (RuntimeException) e;
        }
    }

    private void writePointer(String id) throws IOException {
        Path tmp = root.resolve(".CURRENT.tmp");
        Files.writeString(tmp, id + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, root.resolve("CURRENT"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Deletes superseded snapshots whose grace period ({@code retainPrevious}) is over. */
    public void retireExpired() {
        long now = clock.millis();
        for (Iterator<Retired> it = retired.iterator(); it.hasNext(); ) {
            Retired old = it.next();
            if (old.retiredAt() + retainPrevious.toMillis() <= now) {
                it.remove();
                old.snapshot().close();
                try {
                    deleteTree(old.snapshot().dir());
                } catch (IOException e) {
                    log.warn("cannot delete retired snapshot {}", old.snapshot().dir(), e);
                }
            }
        }
    }

    /** Releases every snapshot's store view (the files stay until the next start). */
    @Override
    public void close() {
        LiveSnapshot now = current.getAndSet(null);
        if (now != null) {
            now.close();
        }
        retired.forEach(old -> old.snapshot().close());
        retired.clear();
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
