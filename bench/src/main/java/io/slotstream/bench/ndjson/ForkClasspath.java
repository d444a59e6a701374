package io.slotstream.bench.ndjson;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * JMH forks a plain JVM with {@code java.class.path}; inside the Spring Boot executable jar that is just the jar,
 * whose nested {@code BOOT-INF/lib/*.jar} a plain JVM cannot load. This unpacks {@code BOOT-INF/classes} and
 * {@code BOOT-INF/lib} once (cached under {@code java.io.tmpdir}, keyed by the jar's size and mtime) and points
 * {@code java.class.path} at them. Outside a Boot jar (tests, IDE) it does nothing.
 */
final class ForkClasspath {

    private ForkClasspath() {
    }

    /** @throws UncheckedIOException when the jar cannot be unpacked */
    static void prepare() {
        String cp = System.getProperty("java.class.path", "");
        if (cp.contains(File.pathSeparator) || !cp.endsWith(".jar")) {
            return;
        }
        Path jar = Path.of(cp);
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            if (zip.getEntry("BOOT-INF/classes/") == null && zip.getEntry("BOOT-INF/lib/") == null) {
                return;
            }
            Path dir = Path.of(System.getProperty("java.io.tmpdir"),
                    "slotstream-bench-cp-" + Files.size(jar) + "-" + Files.getLastModifiedTime(jar).toMillis());
            Path classes = dir.resolve("classes");
            Path lib = dir.resolve("lib");
            if (!Files.isRegularFile(dir.resolve("done"))) {
                Files.createDirectories(lib);
                Enumeration<? extends ZipEntry> entries = zip.entries();
                while (entries.hasMoreElements()) {
                    ZipEntry e = entries.nextElement();
                    Path target = null;
                    if (e.getName().startsWith("BOOT-INF/classes/") && !e.isDirectory()) {
                        target = classes.resolve(e.getName().substring("BOOT-INF/classes/".length()));
                    } else if (e.getName().startsWith("BOOT-INF/lib/") && e.getName().endsWith(".jar")) {
                        target = lib.resolve(e.getName().substring("BOOT-INF/lib/".length()));
                    }
                    if (target != null) {
                        Files.createDirectories(target.getParent());
                        try (InputStream in = zip.getInputStream(e)) {
                            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                        }
                    }
                }
                Files.writeString(dir.resolve("done"), "ok");
            }
            List<String> parts = new ArrayList<>();
            parts.add(classes.toString());
            try (var jars = Files.list(lib)) {
                jars.sorted().forEach(p -> parts.add(p.toString()));
            }
            System.setProperty("java.class.path", String.join(File.pathSeparator, parts));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack " + jar + " for the JMH fork: " + e.getMessage(), e);
        }
    }
}
