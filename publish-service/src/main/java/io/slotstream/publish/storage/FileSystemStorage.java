package io.slotstream.publish.storage;

import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Files in one local directory; a file appears under its name atomically (rename) and is fsynced first. When the
 * file being stored is on another filesystem it is copied to a hidden {@code .<name>.tmp} beside its target first;
 * a copy that fails (e.g. {@code ENOSPC}: the disk is full) is removed, so a failed {@link #put} leaves neither a
 * partial file nor a temporary one, and the files already stored are untouched.
 */
public final class FileSystemStorage implements PublicationStorage {

    private static final String TEMPORARY_SUFFIX = ".tmp";

    private final Path dir;

    /**
     * Creates the directory and removes the temporaries a copy interrupted by a crash left (on a volume shared by
     * replicas, a copy another replica has under way then fails, and that replica's next cut retries it).
     *
     * @throws IOException when the directory cannot be created or read
     */
    public FileSystemStorage(Path dir) throws IOException {
        this.dir = Files.createDirectories(dir);
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(FileSystemStorage::isTemporary).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }

    /**
     * @throws IOException naming this directory when the file cannot be stored (a full disk: "No space left on
     *                     device"); nothing of it is then left in the directory
     */
    @Override
    public void put(String name, Path file) throws IOException {
        Path target = dir.resolve(name);
        Path tmp = dir.resolve("." + name + TEMPORARY_SUFFIX);
        try {
            force(file);
            try {
                Files.move(file, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.copy(file, tmp, StandardCopyOption.REPLACE_EXISTING);
                force(tmp);
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                Files.delete(file);
            }
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new IOException("cannot store " + name + " in " + dir + ": " + e.getMessage(), e);
        }
    }

    private static void force(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
    }

    private static boolean isTemporary(Path file) {
        String name = file.getFileName().toString();
        return name.startsWith(".") && name.endsWith(TEMPORARY_SUFFIX);
    }

    @Override
    public boolean exists(String name) {
        return Files.isRegularFile(dir.resolve(name));
    }

    @Override
    public Optional<Resource> open(String name) {
        Path file = dir.resolve(name);
        return Files.isRegularFile(file) ? Optional.of(new FileSystemResource(file)) : Optional.empty();
    }

    @Override
    public void delete(String name) throws IOException {
        Files.deleteIfExists(dir.resolve(name));
    }

    @Override
    public List<String> list() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList();
        }
    }

    @Override
    public String describe() {
        return dir.toString();
    }
}
