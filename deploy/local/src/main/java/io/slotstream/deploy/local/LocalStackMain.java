package io.slotstream.deploy.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

/**
 * {@code ./slotstream run}: starts the local stack, the four services and the web pages, waits until all are ready, says what is
 * listening where, runs the {@link MainJob} (the sample feeds through the pipeline into the publication), and stops
 * everything it started on Ctrl-C or SIGTERM.
 *
 * <p>Options (all optional): {@code --project-dir}, {@code --data-dir} (wiped at start: the registry keeps schemas in
 * memory, so old topic data would carry unknown schema ids), {@code --kafka-port}, {@code --kafka-controller-port},
 * {@code --registry-port}, {@code --registry-management-port}, {@code --<module>-port} (also {@code --web-port}, default
 * 8087: the discovery, portal and status pages), {@code --no-services},
 * {@code --no-sample-data}, {@code --feed DIR} (also serve and subscribe that publication folder, as source
 * {@code local-feed}), {@code --subscribe URL=SOURCE} (repeatable: also subscribe to another publisher's feed),
 * {@code --feed-server-port} (the loopback publisher of the sample feeds, default 8085), {@code --auth-server-port}
 * (the authorization server the services trust, default 8086), {@code --security token|off} (default token: every
 * service validates bearer tokens of that server; the main job uses the launcher's registered clients; {@code off}
 * also lifts the per-client rate limits, as every request then comes from one address), {@code --tls} (every HTTP
 * listener, the services' and the authorization server's and the web pages', on HTTPS only with a certificate of a
 * fresh local CA in {@code <data-dir>/tls}; the services call each other and the issuer over HTTPS trusting it; Kafka,
 * the registry and the sample feed publisher stay plain on loopback), {@code --ready-timeout SECONDS} (how long each
 * service may take to become ready, default 150; more on a busy machine), {@code --help} ({@link #USAGE}).
 * Exit status 1 with a one-line {@code slotstream: ...} message on any failure, 2 on a usage error.
 */
public final class LocalStackMain {

    /** What {@code ./slotstream run --help} prints. */
    static final String USAGE = """
            Usage: ./slotstream run [options]
            Starts Kafka (KRaft), Apicurio Registry, the authorization server, the four services and the web pages on
            loopback, loads the sample feeds into the publication, books one slot, and serves until Ctrl-C.

              --security token|off        bearer tokens on every write and booking API (default token)
              --tls                       every HTTP listener on HTTPS with a fresh local CA in <data-dir>/tls
              --no-sample-data            start everything, load nothing (for benchmarks)
              --no-services               only Kafka and the registry
              --feed DIR                  also serve and subscribe this $bulk-publish folder (source local-feed)
              --subscribe URL=SOURCE      also subscribe to another publisher's $bulk-publish (repeatable)
              --data-dir DIR              data and logs, wiped at start (default deploy/local/target/stack)
              --ready-timeout SECONDS     how long each service may take to become ready (default 150)
              --kafka-port N, --kafka-controller-port N, --registry-port N, --registry-management-port N,
              --ingest-service-port N, --availability-service-port N, --publish-service-port N,
              --booking-bridge-port N, --web-port N, --feed-server-port N, --auth-server-port N
                                          listening ports (defaults 19092, 19093, 18080, 18081, 8081-8084, 8087,
                                          8085, 8086)
              --help                      this text
            """;

    static final int DEFAULT_FEED_SERVER_PORT = 8085;
    static final int DEFAULT_AUTH_SERVER_PORT = 8086;

    private LocalStackMain() {
    }

    public static void main(String[] args) {
        Map<String, String> options;
        try {
            options = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("slotstream: " + e.getMessage());
            System.err.print(USAGE);
            System.exit(2);
            return;
        }
        if (options.containsKey("help")) {
            System.out.print(USAGE);
            return;
        }
        if (options.containsKey("ready-timeout")) {
            System.setProperty(ServiceProcess.READY_TIMEOUT_PROPERTY, options.get("ready-timeout"));
        }
        Path projectDir = Path.of(options.getOrDefault("project-dir", ".")).toAbsolutePath().normalize();
        Path dataDir = Path.of(options.getOrDefault("data-dir", projectDir.resolve("deploy/local/target/stack").toString()))
                .toAbsolutePath().normalize();
        quietLogging(dataDir);
        CountDownLatch stopped = new CountDownLatch(1);
        List<AutoCloseable> running = new ArrayList<>();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("slotstream: stopping...");
            stopAll(running);
            stopped.countDown();
            System.out.println("slotstream: stopped");
        }, "slotstream-stop"));
        try {
            run(options, projectDir, dataDir, running);
        } catch (StackException | IllegalArgumentException | io.slotstream.edge.security.client.BackendServicesException e) {
            System.err.println("slotstream: " + e.getMessage());
            stopAll(running);
            stopped.countDown();
            Runtime.getRuntime().halt(1);
        }
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void run(Map<String, String> options, Path projectDir, Path dataDir, List<AutoCloseable> running) {
        long started = System.nanoTime();
        wipe(dataDir);
        var defaults = LocalStack.Settings.defaults(dataDir);
        var settings = new LocalStack.Settings(defaults.host(),
                intOption(options, "kafka-port", defaults.kafkaPort()),
                intOption(options, "kafka-controller-port", defaults.kafkaControllerPort()),
                intOption(options, "registry-port", defaults.registryPort()),
                intOption(options, "registry-management-port", defaults.registryManagementPort()),
                dataDir, defaults.registryHome());
        System.out.println("slotstream: starting Kafka (KRaft) and Apicurio Registry; data and logs in " + dataDir);
        LocalStack stack = LocalStack.start(settings);
        synchronized (running) {
            running.add(stack);
        }
        System.out.printf("slotstream: Kafka broker     %s%n", stack.bootstrapServers());
        System.out.printf("slotstream: schema registry  %s (Confluent API %s), %d schemas, %s%n",
                stack.registryApiUrl(), stack.registryCcompatUrl(), stack.schemaIds().size(), io.slotstream.provisioning.schema.SchemaRegistrar.COMPATIBILITY);
        ServiceSet services = null;
        AuthServerProcess authServer = null;
        LocalCertificates tls = null;
        if (options.containsKey("tls")) {
            tls = LocalCertificates.create(dataDir.resolve("tls"));
            System.out.printf("slotstream: TLS on: HTTPS only, certificate for 127.0.0.1 and localhost signed by the local CA %s "
                    + "(trust it in a browser or `curl --cacert`)%n", tls.caCertificate());
        }
        if (!options.containsKey("no-services")) {
            // services and web (SLOTSTREAM_WEB_*); off also lifts the per-client rate limits (benchmarks: one address)
            Map<String, String> securityEnv = Map.of("SLOTSTREAM_SECURITY_MODE", "off",
                    "SLOTSTREAM_SECURITY_RATE_LIMIT_REQUESTS_PER_SECOND", "0");
            if (!"off".equals(options.getOrDefault("security", "token"))) {
                authServer = AuthServerProcess.launch(projectDir, stack, dataDir, intOption(options, "auth-server-port", DEFAULT_AUTH_SERVER_PORT), tls);
                synchronized (running) {
                    running.add(0, authServer);
                }
                authServer.awaitReady();
                System.out.printf("slotstream: %-20s %s (SMART Backend Services; clients and keys in %s)%n", "auth-server",
                        authServer.issuer(), dataDir.resolve("auth"));
                securityEnv = new LinkedHashMap<>(authServer.resourceServerEnvironment());
                securityEnv.putAll(authServer.webClientEnvironment());
            }
            Map<String, Integer> ports = new LinkedHashMap<>();
            ServiceSet.DEFAULT_PORTS.forEach((module, port) -> ports.put(module, intOption(options, module + "-port", port)));
            ports.put(ServiceSet.WEB, intOption(options, "web-port", ServiceSet.DEFAULT_WEB_PORT));
            services = ServiceSet.launch(projectDir, stack, dataDir, ports, securityEnv, tls);
            synchronized (running) {
                running.add(0, services);
            }
            services.awaitReady(line -> System.out.println("slotstream: " + line));
        }
        System.out.printf("slotstream: up in %.1f s; everything listens on %s only.%n",
                (System.nanoTime() - started) / 1e9, settings.host());
        if (services != null && !options.containsKey("no-sample-data")) {
            SampleFeedServer feedServer = SampleFeedServer.start(settings.host(), intOption(options, "feed-server-port", DEFAULT_FEED_SERVER_PORT));
            synchronized (running) {
                running.add(0, feedServer);
            }
            MainJob job = new MainJob(services.url("ingest-service"), services.url("publish-service"), feedServer,
                    projectDir.resolve("deploy/local/sample-feeds"), System.out, services.httpClient());
            if (authServer != null) {
                job.withAdminToken(authServer.client(AuthServerProcess.FEED_ADMIN));
            }
            if (options.containsKey("feed")) {
                job.addFeed(Path.of(options.get("feed")), "local-feed");
            }
            subscriptions(options).forEach(job::subscribe);
            MainJob.Result result = job.run();
            BookingJob booking = new BookingJob(services.url("booking-bridge"), services.url("publish-service"), System.out,
                    services.httpClient());
            if (authServer != null) {
                booking.withToken(authServer.client(AuthServerProcess.BOOKING_DEMO));
            }
            booking.run(result.publication().transactionTime());
        }
        if (services != null) {
            String web = services.url(ServiceSet.WEB);
            System.out.printf("slotstream: web pages: discovery %s/ , booking portal %s/portal.html?slot=<Slot id> , publication status %s/status.html%n",
                    web, web, web);
        }
        System.out.println("slotstream: serving; Ctrl-C stops everything.");
    }

    /** {@code --subscribe URL=SOURCE} values (the last {@code =} splits: URLs may contain {@code =}), URL to source. */
    static Map<String, String> subscriptions(Map<String, String> options) {
        Map<String, String> bySource = new LinkedHashMap<>();
        String all = options.get("subscribe");
        if (all == null) {
            return bySource;
        }
        for (String value : all.split("\n")) {
            int eq = value.lastIndexOf('=');
            String url = eq < 0 ? "" : value.substring(0, eq);
            String source = eq < 0 ? "" : value.substring(eq + 1);
            if (!url.matches("(?i)https?://.+") || !source.matches("[A-Za-z0-9-]{1,32}")) {
                throw new IllegalArgumentException("--subscribe needs URL=SOURCE (an http(s) $bulk-publish URL and a source id of "
                        + "[A-Za-z0-9-]{1,32}), got '" + value + "'");
            }
            bySource.put(url, source);
        }
        return bySource;
    }

    private static void stopAll(List<AutoCloseable> running) {
        List<AutoCloseable> toStop;
        synchronized (running) {
            toStop = new ArrayList<>(running);
            running.clear();
        }
        // Services first, then the stack they depend on.
        toStop.stream().filter(c -> !(c instanceof LocalStack)).forEach(LocalStackMain::closeQuietly);
        toStop.stream().filter(c -> c instanceof LocalStack).forEach(LocalStackMain::closeQuietly);
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            System.err.println("slotstream: while stopping: " + e.getMessage());
        }
    }

    private static void wipe(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new StackException("cannot clear the data directory " + dir + ": " + e.getMessage(), e);
        }
    }

    private static void quietLogging(Path dataDir) {
        try {
            Files.createDirectories(dataDir.getParent());
        } catch (IOException ignored) {
            // reported when the stack itself writes there
        }
        // The broker logs through SLF4J; keep the console for the launcher's own lines.
        System.setProperty("org.slf4j.simpleLogger.logFile", dataDir.resolveSibling(dataDir.getFileName() + "-broker.log").toString());
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "info");
        System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
    }

    private static int intOption(Map<String, String> options, String name, int fallback) {
        String value = options.get(name);
        if (value == null) {
            return fallback;
        }
        try {
            int port = Integer.parseInt(value);
            if (port < 1 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be a port number (1-65535), got '" + value + "'");
        }
    }

    static Map<String, String> parse(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + arg + "' (options are --name value)");
            }
            String name = arg.substring(2);
            if (name.equals("no-services") || name.equals("no-sample-data") || name.equals("tls") || name.equals("help")) {
                options.put(name, "true");
                continue;
            }
            boolean known = name.equals("project-dir") || name.equals("data-dir") || name.equals("feed") || name.equals("security")
                    || name.equals("subscribe") || name.equals("ready-timeout") || name.endsWith("-port");
            if (!known) {
                throw new IllegalArgumentException("unknown option '" + arg + "'");
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option '" + arg + "' needs a value");
            }
            String value = args[++i];
            // --subscribe repeats: its values are kept one per line.
            options.merge(name, value, (a, b) -> name.equals("subscribe") ? a + "\n" + b : b);
        }
        subscriptions(options);
        if (options.containsKey("ready-timeout") && !options.get("ready-timeout").matches("[1-9][0-9]{0,4}")) {
            throw new IllegalArgumentException("--ready-timeout needs a number of seconds (1-99999), got '"
                    + options.get("ready-timeout") + "'");
        }
        String security = options.getOrDefault("security", "token");
        if (!security.equals("token") && !security.equals("off")) {
            throw new IllegalArgumentException("--security must be token or off, got '" + security + "'");
        }
        return options;
    }
}
