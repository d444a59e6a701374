package io.slotstream.deploy.local;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM the stack started (the registry, a service): output goes to a log file, readiness is an HTTP probe,
 * and {@link #close()} stops it with SIGTERM, escalating to SIGKILL after a grace period so nothing is left behind.
 */
final class ManagedProcess implements AutoCloseable {

    private static final Duration STOP_GRACE = Duration.ofSeconds(20);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final Process process;
    private final Path logFile;

    private ManagedProcess(String name, Process process, Path logFile) {
        this.name = name;
        this.process = process;
        this.logFile = logFile;
    }

    /** The {@code java} executable of this JVM, so children run on the same (21+) runtime. */
    static String currentJava() {
        return ProcessHandle.current().info().command()
                .orElseGet(() -> Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /**
     * {@code java} plus the flags every child JVM gets: on JDK 24+, allow {@code sun.misc.Unsafe} memory access,
     * which Kafka and Netty still use, instead of warning about it.
     */
    static List<String> javaCommand() {
        List<String> command = new java.util.ArrayList<>(List.of(currentJava()));
        if (Runtime.version().feature() >= 24) {
            command.add("--sun-misc-unsafe-memory-access=allow");
        }
        return command;
    }

    /**
     * Starts {@code command} in {@code workDir} with {@code env} added to this process's environment.
     *
     * @throws StackException when the process cannot be started
     */
    static ManagedProcess start(String name, List<String> command, Map<String, String> env, Path workDir, Path logFile) {
        return start(name, command, env, workDir, logFile, false);
    }

    /** Like {@link #start(String, List, Map, Path, Path)}; {@code append} keeps what the log file holds (a restart). */
    static ManagedProcess start(String name, List<String> command, Map<String, String> env, Path workDir, Path logFile, boolean append) {
        try {
            Files.createDirectories(logFile.getParent());
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(append ? ProcessBuilder.Redirect.appendTo(logFile.toFile()) : ProcessBuilder.Redirect.to(logFile.toFile()));
            builder.environment().putAll(env);
            return new ManagedProcess(name, builder.start(), logFile);
        } catch (IOException e) {
            throw new StackException("cannot start " + name + ": " + e.getMessage(), e);
        }
    }

    /**
     * Polls {@code url} until it answers 200.
     *
     * @throws StackException when the process exits first (with the last log line) or {@code timeout} passes
     */
    void awaitHttpOk(URI url, Duration timeout) {
        awaitHttpOk(HTTP, url, timeout);
    }

    /** Like {@link #awaitHttpOk(URI, Duration)} with the given client (an HTTPS probe: one that trusts the CA). */
    void awaitHttpOk(HttpClient http, URI url, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        HttpRequest request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(3)).GET().build();
        while (true) {
            if (!process.isAlive()) {
                throw new StackException(name + " exited with status " + process.exitValue() + " before it was ready: "
                        + exitReason() + " (log: " + logFile + ")");
            }
            try {
                if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StackException("interrupted while waiting for " + name, e);
            }
            if (System.nanoTime() > deadline) {
                throw new StackException(name + " was not ready at " + url + " within " + timeout.toSeconds() + " s (log: " + logFile + ")");
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StackException("interrupted while waiting for " + name, e);
            }
        }
    }

    /**
     * The log line that best says why the process stopped: the innermost {@code Caused by:} of the last stack trace,
     * else the last line with {@code ERROR}, else the last line (a stack trace's last line is only "... 4 more").
     */
    private String exitReason() {
        try (var lines = Files.lines(logFile)) {
            List<String> all = lines.map(String::strip).filter(l -> !l.isEmpty()).toList();
            if (all.isEmpty()) {
                return "(empty log)";
            }
            for (String marker : List.of("Caused by:", "ERROR")) {
                for (int i = all.size() - 1; i >= 0; i--) {
                    if (all.get(i).contains(marker)) {
                        return all.get(i);
                    }
                }
            }
            return all.getLast();
        } catch (IOException | java.io.UncheckedIOException e) {
            return "(no log)";
        }
    }

    Path logFile() {
        return logFile;
    }

    long pid() {
        return process.pid();
    }

    /** SIGKILL of the process and anything it started, then waits until it is gone (a crash, not a stop). */
    void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        try {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGTERM, wait up to 20 s, then SIGKILL; also kills anything the child started. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
