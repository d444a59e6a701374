package io.slotstream.e2e.badinput;

import io.slotstream.deploy.local.ServiceSet;
import io.slotstream.deploy.local.SharedStack;
import io.slotstream.deploy.local.StackException;

import java.nio.file.Path;

/**
 * The four services as processes from their exec jars on the shared broker and registry, launched once for the test
 * classes of this package (launching them costs a minute on a busy machine) and stopped when the JVM exits.
 */
final class RunningServices {

    private static final Path PROJECT = Path.of("..", "..").toAbsolutePath().normalize();
    private static final int READY_ATTEMPTS = 8;
    private static ServiceSet services;
    private static StackException failure;
    private static Path logDir;

    private RunningServices() {
    }

    static synchronized ServiceSet get() {
        if (failure != null) {
            throw failure;
        }
        if (services == null) {
            logDir = Path.of(System.getProperty("java.io.tmpdir"), "edge-services-" + System.nanoTime());
            services = ServiceSet.launch(PROJECT, SharedStack.get(), logDir, ServiceSet.freePorts());
            Runtime.getRuntime().addShutdownHook(new Thread(services::close, "stop-edge-services"));
            awaitReady();
        }
        return services;
    }

    /**
     * Each wait is 150 s per service; on a machine shared by several builds a start can take longer, so a service
     * that is still starting (not one that exited) gets up to {@value #READY_ATTEMPTS} waits.
     */
    private static void awaitReady() {
        for (int attempt = 1; ; attempt++) {
            try {
                services.awaitReady(System.out::println);
                return;
            } catch (StackException e) {
                if (attempt == READY_ATTEMPTS || !e.getMessage().contains("was not ready")) {
                    failure = e;
                    throw e;
                }
                System.out.println("still starting: " + e.getMessage());
            }
        }
    }

    /** The log file of {@code module} (ECS JSON, one event a line). */
    static synchronized Path log(String module) {
        get();
        return logDir.resolve(module + ".log");
    }
}
