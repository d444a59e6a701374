package io.slotstream.provisioning.cli;

import io.slotstream.schemas.topic.KafkaClientSettings;
import io.slotstream.provisioning.Provisioning;
import io.slotstream.provisioning.ProvisioningException;
import io.slotstream.provisioning.schema.RegistryConnection;
import io.slotstream.provisioning.schema.SchemaRegistrar;
import io.slotstream.provisioning.topic.Finding;
import io.slotstream.provisioning.topic.TopicSettings;
import org.apache.kafka.clients.admin.AdminClientConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;

/**
 * {@code slotstream-provisioning create|validate}: the provisioning job. Every option also reads an environment
 * variable (named in {@code --help}), which is how the chart's hook Job configures it.
 * Exit codes: 0 = the cluster matches the catalogue; 1 = differences (validate) or refused changes (create);
 * 2 = bad usage; 3 = broker or registry unreachable or refusing a request.
 */
@Command(name = "slotstream-provisioning", mixinStandardHelpOptions = true, versionProvider = ProvisioningCli.Version.class,
        description = "Creates or validates Slotstream's Kafka topics and registers their Avro schemas.",
        subcommands = {ProvisioningCli.Create.class, ProvisioningCli.Validate.class})
public final class ProvisioningCli {

    static final int OK = 0;
    static final int DIFFERENCES = 1;
    static final int UNAVAILABLE = 3;

    /** Connection and topic options shared by both subcommands. */
    static final class Options {
        @Option(names = "--bootstrap-servers", required = true, defaultValue = "${env:SLOTSTREAM_KAFKA_BOOTSTRAP_SERVERS}",
                description = "Kafka bootstrap.servers (env SLOTSTREAM_KAFKA_BOOTSTRAP_SERVERS)")
        String bootstrapServers;

        @Option(names = "--kafka-config", defaultValue = "${env:SLOTSTREAM_KAFKA_CONFIG}",
                description = "Kafka client properties file for a secured cluster: security.protocol, sasl.*, ssl.* "
                        + "(env SLOTSTREAM_KAFKA_CONFIG)")
        Path kafkaConfig;

        @Option(names = "--kafka-timeout", defaultValue = "${env:SLOTSTREAM_KAFKA_TIMEOUT_SECONDS:-60}",
                description = "seconds to wait for the Kafka cluster per request (env SLOTSTREAM_KAFKA_TIMEOUT_SECONDS, default ${DEFAULT-VALUE})")
        int kafkaTimeoutSeconds;

        @Option(names = "--registry-url", required = true, defaultValue = "${env:SLOTSTREAM_REGISTRY_URL}",
                description = "Apicurio Registry v3 API base, e.g. http://registry:8080/apis/registry/v3 (env SLOTSTREAM_REGISTRY_URL)")
        String registryUrl;

        @Option(names = "--registry-username", defaultValue = "${env:SLOTSTREAM_REGISTRY_USERNAME}",
                description = "HTTP basic user of the registry (env SLOTSTREAM_REGISTRY_USERNAME)")
        String registryUsername;

        @Option(names = "--registry-password", defaultValue = "${env:SLOTSTREAM_REGISTRY_PASSWORD}",
                description = "HTTP basic password of the registry (env SLOTSTREAM_REGISTRY_PASSWORD)")
        String registryPassword;

        @Option(names = "--registry-ca", defaultValue = "${env:SLOTSTREAM_REGISTRY_CA}",
                description = "PEM file of the CA that signed an https registry's certificate (env SLOTSTREAM_REGISTRY_CA)")
        String registryCa;

        @Option(names = "--replication-factor", defaultValue = "${env:SLOTSTREAM_TOPICS_REPLICATION_FACTOR:-1}",
                description = "replicas per partition; 3 in production (env SLOTSTREAM_TOPICS_REPLICATION_FACTOR, default ${DEFAULT-VALUE})")
        short replicationFactor;

        @Option(names = "--min-insync-replicas", defaultValue = "${env:SLOTSTREAM_TOPICS_MIN_INSYNC_REPLICAS:-1}",
                description = "min.insync.replicas; 2 in production (env SLOTSTREAM_TOPICS_MIN_INSYNC_REPLICAS, default ${DEFAULT-VALUE})")
        int minInsyncReplicas;

        @Option(names = "--partitions", defaultValue = "${env:SLOTSTREAM_TOPICS_PARTITIONS:-0}",
                description = "partitions of every topic; 0 = the catalogue's count (env SLOTSTREAM_TOPICS_PARTITIONS). "
                        + "Fixed once a topic exists.")
        int partitions;

        @Option(names = "--compatibility", defaultValue = "${env:SLOTSTREAM_REGISTRY_COMPATIBILITY:-" + SchemaRegistrar.COMPATIBILITY + "}",
                description = "compatibility rule of every subject (env SLOTSTREAM_REGISTRY_COMPATIBILITY, default ${DEFAULT-VALUE})")
        String compatibility;

        Provisioning provisioning(CommandLine commandLine) {
            Map<String, Object> kafka;
            try { // the same reading of the cluster's client properties as every service's
                kafka = KafkaClientSettings.load(bootstrapServers, kafkaConfig == null ? null : kafkaConfig.toString()).clientConfig();
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(commandLine, e.getMessage());
            }
            kafka.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, kafkaTimeoutSeconds * 1000);
            kafka.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(20_000, kafkaTimeoutSeconds * 1000));
            TopicSettings topics;
            try {
                topics = new TopicSettings(replicationFactor, minInsyncReplicas,
                        partitions == 0 ? OptionalInt.empty() : OptionalInt.of(partitions));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(commandLine, e.getMessage());
            }
            RegistryConnection registry = new RegistryConnection(registryUrl, Optional.ofNullable(registryUsername),
                    Optional.ofNullable(registryPassword), Optional.ofNullable(registryCa));
            return new Provisioning(Map.copyOf(kafka), topics, registry, compatibility);
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Registers the schemas, creates missing topics and sets drifted topic configs. Idempotent; "
                    + "refuses (exit 1) to change partition counts, cleanup.policy or replication.")
    static final class Create implements Callable<Integer> {
        @Mixin
        Options options;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            Provisioning.Result result = options.provisioning(spec.commandLine()).create();
            PrintWriter out = spec.commandLine().getOut();
            out.printf("registered %d schemas (%s) at %s%n", result.schemaIds().size(), options.compatibility,
                    options.registryUrl);
            if (result.refused().isEmpty()) {
                out.println("topics match the catalogue");
                return OK;
            }
            PrintWriter err = spec.commandLine().getErr();
            for (Finding finding : result.refused()) {
                err.println("refused: " + finding.message());
            }
            return DIFFERENCES;
        }
    }

    @Command(name = "validate", mixinStandardHelpOptions = true,
            description = "Checks topics and schemas against the catalogue without changing anything; exit 1 on a difference.")
    static final class Validate implements Callable<Integer> {
        @Mixin
        Options options;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            List<String> problems = options.provisioning(spec.commandLine()).validate();
            if (problems.isEmpty()) {
                spec.commandLine().getOut().println("topics and schemas match the catalogue");
                return OK;
            }
            problems.forEach(p -> spec.commandLine().getErr().println("drift: " + p));
            return DIFFERENCES;
        }
    }

    /** The version from the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = ProvisioningCli.class.getPackage().getImplementationVersion();
            return new String[]{"slotstream-provisioning " + (v == null ? "(development)" : v)};
        }
    }

    /** @return a configured command line; {@link ProvisioningException}s become exit code 3 with one line on stderr */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new ProvisioningCli());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof ProvisioningException) {
                commandLine.getErr().println("slotstream-provisioning: " + e.getMessage());
                return UNAVAILABLE;
            }
            throw e;
        });
        return cli;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
