package io.slotstream.deploy.local;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

/**
 * A small real tmpfs for disk-full tests: writes past its size fail with {@code ENOSPC} ("No space left on device"),
 * as on a full volume. Mounted with {@code mount -t tmpfs} when this process may (root or {@code CAP_SYS_ADMIN}): then
 * every process sees it at {@code dir}. Otherwise, for {@link Visibility#THIS_PROCESS}, in an unprivileged mount
 * namespace ({@code unshare -rm}) held open by a child process: this JVM reaches it through that child's root,
 * {@code /proc/<pid>/root/<dir>} ({@link #path()}), and no other process sees it.
 * {@link #fill(long)} takes the free space, {@link #free()} gives it back.
 */
public final class SmallTmpfs implements AutoCloseable {

    /** Who must see the tmpfs. */
    public enum Visibility {
        /** only this JVM (an unprivileged mount namespace will do) */
        THIS_PROCESS,
        /** every process, including ones started later (a real mount: root or CAP_SYS_ADMIN) */
        ALL_PROCESSES
    }

    /** Thrown when neither way of mounting works here; the message names what is missing. */
    public static final class Unavailable extends Exception {
        Unavailable(String message) {
            super(message);
        }
    }

    private static final String FILLER = ".disk-filler";

    private final Path mountPoint;
    private final Path path;
    private final Process holder;

    private SmallTmpfs(Path mountPoint, Path path, Process holder) {
        this.mountPoint = mountPoint;
        this.path = path;
        this.holder = holder;
    }

    /**
     * Mounts a tmpfs of {@code bytes} (rounded up to pages by the kernel) on {@code dir} (created when missing; it
     * should be empty: what it holds is hidden while mounted).
     *
     * @throws Unavailable when it cannot be mounted here, naming what is missing
     */
    public static SmallTmpfs mount(Path dir, long bytes, Visibility visibility) throws Unavailable {
        Path mountPoint = dir.toAbsolutePath().normalize();
        String size = "size=" + bytes;
        String refused;
        try {
            Files.createDirectories(mountPoint);
            Run mount = run("mount", "-t", "tmpfs", "-o", size, "tmpfs", mountPoint.toString());
            if (mount.exit == 0) {
                return new SmallTmpfs(mountPoint, mountPoint, null);
            }
            refused = "mount -t tmpfs: " + mount.output.strip();
        } catch (IOException e) {
            refused = "mount -t tmpfs: " + e.getMessage();
        }
        if (visibility == Visibility.ALL_PROCESSES) {
            throw new Unavailable("a tmpfs every process sees needs mount -t tmpfs (root or CAP_SYS_ADMIN); " + refused);
        }
        try {
            // cat keeps the namespace until this JVM closes its stdin (also when the JVM dies)
            Process holder = new ProcessBuilder("unshare", "-rm", "sh", "-c",
                    "mount -t tmpfs -o \"$1\" tmpfs \"$2\" && echo mounted && exec cat", "sh", size, mountPoint.toString())
                    .redirectErrorStream(true).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            if (!"mounted".equals(line)) {
                holder.destroyForcibly();
                throw new Unavailable("neither mount -t tmpfs (" + refused + ") nor an unprivileged mount namespace "
                        + "(unshare -rm: " + line + ") works here");
            }
            Path path = Path.of("/proc", String.valueOf(holder.pid()), "root", mountPoint.toString().substring(1));
            if (!Files.isWritable(path)) {
                holder.destroyForcibly();
                throw new Unavailable("the tmpfs of the unshare -rm namespace is not reachable at " + path + " (no /proc access)");
            }
            return new SmallTmpfs(mountPoint, path, holder);
        } catch (IOException e) {
            throw new Unavailable("neither mount -t tmpfs (" + refused + ") nor unshare -rm (" + e.getMessage() + ") works here");
        }
    }

    /** @return where this process reads and writes the tmpfs (the mount point, or it under the holder's root) */
    public Path path() {
        return path;
    }

    /** @return how it was mounted, for test output */
    public String describe() {
        return holder == null ? "tmpfs mounted on " + mountPoint : "tmpfs in the mount namespace of unshare -rm (pid "
                + holder.pid() + "), reached at " + path;
    }

    /** @return bytes still free for files (the filesystem's usable space) */
    public long usableBytes() throws IOException {
        return Files.getFileStore(path).getUsableSpace();
    }

    /**
     * Takes the free space but {@code leaveBytes} with a hidden filler file (a name starting with a dot), writing
     * until the filesystem refuses.
     *
     * @return the bytes the filler holds
     */
    public long fill(long leaveBytes) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
        try (FileChannel filler = FileChannel.open(path.resolve(FILLER), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            while (true) {
                long room = usableBytes() - leaveBytes;
                if (room <= 0) {
                    break;
                }
                chunk.clear().limit((int) Math.min(chunk.capacity(), room));
                try {
                    filler.write(chunk);
                } catch (IOException full) {
                    break; // ENOSPC: full
                }
            }
            filler.force(true);
            return filler.size();
        }
    }

    /** Deletes the filler: the space is back. */
    public void free() throws IOException {
        Files.deleteIfExists(path.resolve(FILLER));
    }

    /** Unmounts (lazily, should a file still be open) or ends the namespace; its content is gone. */
    @Override
    public void close() {
        if (holder != null) {
            holder.destroy();
            try {
                holder.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return;
        }
        try {
            Run unmount = run("umount", "-l", mountPoint.toString());
            if (unmount.exit != 0) {
                System.err.println("cannot unmount the tmpfs on " + mountPoint + ": " + unmount.output.strip());
            }
        } catch (IOException e) {
            System.err.println("cannot unmount the tmpfs on " + mountPoint + ": " + e.getMessage());
        }
    }

    private record Run(int exit, String output) {
    }

    private static Run run(String... command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish in 30 s");
            }
            return new Run(process.exitValue(), output);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", command), e);
        }
    }
}
