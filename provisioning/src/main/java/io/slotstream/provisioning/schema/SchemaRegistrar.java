package io.slotstream.provisioning.schema;

import com.microsoft.kiota.ApiException;
import io.apicurio.registry.rest.client.RegistryClient;
import io.apicurio.registry.rest.client.models.CreateArtifact;
import io.apicurio.registry.rest.client.models.CreateArtifactResponse;
import io.apicurio.registry.rest.client.models.CreateRule;
import io.apicurio.registry.rest.client.models.CreateVersion;
import io.apicurio.registry.rest.client.models.IfArtifactExists;
import io.apicurio.registry.rest.client.models.ProblemDetails;
import io.apicurio.registry.rest.client.models.Rule;
import io.apicurio.registry.rest.client.models.RuleType;
import io.apicurio.registry.rest.client.models.VersionContent;
import io.slotstream.provisioning.ProvisioningException;
import io.slotstream.schemas.topic.Topic;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Registers every catalogue topic's value schema in the Apicurio Registry under the subject {@code <topic>-value}
 * in group {@code default} (what the Confluent TopicNameStrategy and the ccompat API see, and what the Apicurio serdes'
 * TopicIdStrategy looks up), with a compatibility rule on each subject and as the registry's global rule
 * (design.md, "Wire format"). Idempotent: registering unchanged content finds the existing version.
 */
public final class SchemaRegistrar {

    /** The compatibility rule of every subject: every released version stays readable (design.md, "Wire format"). */
    public static final String COMPATIBILITY = "BACKWARD_TRANSITIVE";

    /** The registry group that the ccompat API and the serdes' default strategy use. */
    static final String GROUP = "default";

    /**
     * Longest wait for one registry call. The Apicurio client sets no HTTP timeout, and a call to a registry that
     * accepted the connection but never answered once hung a build for minutes.
     */
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

    private final RegistryConnection connection;
    private final String compatibility;
    private final Duration callTimeout;

    /** @param compatibility an Apicurio COMPATIBILITY rule value, normally {@link #COMPATIBILITY} */
    public SchemaRegistrar(RegistryConnection connection, String compatibility) {
        this(connection, compatibility, CALL_TIMEOUT);
    }

    SchemaRegistrar(RegistryConnection connection, String compatibility, Duration callTimeout) {
        this.connection = connection;
        this.compatibility = compatibility;
        this.callTimeout = callTimeout;
    }

    /** @return the subject of a topic's value schema: {@code <topic>-value} */
    public static String subject(Topic<?> topic) {
        return topic.name() + "-value";
    }

    /**
     * Sets the global and per-subject compatibility rule and registers each topic's value schema (a new version
     * only when the content changed; the registry checks it against the rule).
     *
     * @return subject to the registry's content id, the schema id that Confluent-format records carry
     * @throws ProvisioningException when the registry is unreachable or refuses a schema (for example an incompatible
     *                               change), naming the subject and the registry's reason
     */
    public Map<String, Integer> register(Collection<Topic<?>> topics) {
        RegistryClient client = connection.client();
        call("set the global compatibility rule", () -> {
            ensureRule(() -> client.admin().rules().byRuleType(RuleType.COMPATIBILITY.value).get(),
                    rule -> client.admin().rules().byRuleType(RuleType.COMPATIBILITY.value).put(rule),
                    create -> client.admin().rules().post(create));
            return null;
        });
        Map<String, Integer> ids = new LinkedHashMap<>();
        for (Topic<?> topic : topics) {
            String subject = subject(topic);
            CreateArtifactResponse created = call("register " + subject, () -> client.groups().byGroupId(GROUP)
                    .artifacts().post(createArtifact(subject, schemaOf(topic)), config -> {
                        config.queryParameters.ifExists = IfArtifactExists.FIND_OR_CREATE_VERSION;
                        config.queryParameters.canonical = true;
                    }));
            var rules = client.groups().byGroupId(GROUP).artifacts().byArtifactId(subject).rules();
            call("set the compatibility rule of " + subject, () -> {
                ensureRule(() -> rules.byRuleType(RuleType.COMPATIBILITY.value).get(),
                        rule -> rules.byRuleType(RuleType.COMPATIBILITY.value).put(rule),
                        rules::post);
                return null;
            });
            ids.put(subject, Math.toIntExact(created.getVersion().getContentId()));
        }
        return ids;
    }

    /**
     * Checks that each subject's latest version is the catalogue's schema and that its compatibility rule is set;
     * changes nothing.
     *
     * @return one line per difference, empty when the registry matches the catalogue
     * @throws ProvisioningException when the registry is unreachable
     */
    public List<String> validate(Collection<Topic<?>> topics) {
        RegistryClient client = connection.client();
        List<String> problems = new ArrayList<>();
        for (Topic<?> topic : topics) {
            String subject = subject(topic);
            var artifact = client.groups().byGroupId(GROUP).artifacts().byArtifactId(subject);
            String latest = call("read " + subject, () -> readOrNull(() -> artifact.versions()
                    .byVersionExpression("branch=latest").content().get()));
            if (latest == null) {
                problems.add("subject " + subject + " is not registered");
                continue;
            }
            if (!new Schema.Parser().parse(latest).equals(schemaOf(topic))) {
                problems.add("subject " + subject + ": the latest registered schema differs from the catalogue's "
                        + topic.valueClass().getSimpleName());
            }
            Rule rule = call("read the rules of " + subject, () -> notFoundAsNull(
                    () -> artifact.rules().byRuleType(RuleType.COMPATIBILITY.value).get()));
            if (rule == null || !compatibility.equals(rule.getConfig())) {
                problems.add("subject " + subject + " has compatibility " + (rule == null ? "none" : rule.getConfig())
                        + ", wanted " + compatibility);
            }
        }
        return List.copyOf(problems);
    }

    private static Schema schemaOf(Topic<?> topic) {
        return SpecificData.get().getSchema(topic.valueClass());
    }

    private static CreateArtifact createArtifact(String subject, Schema schema) {
        VersionContent content = new VersionContent();
        content.setContent(schema.toString());
        content.setContentType("application/json");
        CreateVersion version = new CreateVersion();
        version.setContent(content);
        CreateArtifact artifact = new CreateArtifact();
        artifact.setArtifactId(subject);
        artifact.setArtifactType("AVRO");
        artifact.setFirstVersion(version);
        return artifact;
    }

    private void ensureRule(java.util.function.Supplier<Rule> read, java.util.function.Consumer<Rule> update,
                            java.util.function.Consumer<CreateRule> create) {
        Rule existing = notFoundAsNull(read::get);
        if (existing == null) {
            CreateRule rule = new CreateRule();
            rule.setRuleType(RuleType.COMPATIBILITY);
            rule.setConfig(compatibility);
            create.accept(rule);
        } else if (!compatibility.equals(existing.getConfig())) {
            Rule rule = new Rule();
            rule.setRuleType(RuleType.COMPATIBILITY);
            rule.setConfig(compatibility);
            update.accept(rule);
        }
    }

    private static String readOrNull(java.util.function.Supplier<InputStream> read) {
        try (InputStream in = notFoundAsNull(read::get)) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ProvisioningException("cannot read from the registry: " + e.getMessage(), e);
        }
    }

    private static <T> T notFoundAsNull(java.util.function.Supplier<T> read) {
        try {
            return read.get();
        } catch (ApiException e) {
            if (e.getResponseStatusCode() == 404) {
                return null;
            }
            throw e;
        }
    }

    /**
     * Runs one registry call within {@link #callTimeout}; a call that does not answer in time is tried once more
     * (every call here is a read or an idempotent write), then fails naming the registry.
     *
     * @throws ProvisioningException when the registry refuses, cannot be reached or does not answer in time
     */
    <T> T call(String what, java.util.function.Supplier<T> action) {
        for (int attempt = 1; ; attempt++) {
            CompletableFuture<T> future = CompletableFuture.supplyAsync(() -> answered(what, action),
                    runnable -> Thread.ofVirtual().name("registry-call").start(runnable));
            try {
                return future.get(callTimeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                future.cancel(true);
                if (attempt == 2) {
                    throw new ProvisioningException("schema registry at " + connection.url() + " did not answer within "
                            + callTimeout.toSeconds() + " s, twice (" + what + ")", e);
                }
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : new ProvisioningException(e.getCause().getMessage(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                future.cancel(true);
                throw new ProvisioningException("interrupted while calling the schema registry (" + what + ")", e);
            }
        }
    }

    private <T> T answered(String what, java.util.function.Supplier<T> action) {
        try {
            return action.get();
        } catch (ProblemDetails e) {
            throw new ProvisioningException("schema registry at " + connection.url() + " refused to " + what + ": HTTP "
                    + e.getResponseStatusCode() + " " + e.getTitle() + (e.getDetail() == null ? "" : " - " + e.getDetail()), e);
        } catch (ApiException e) {
            throw new ProvisioningException("schema registry at " + connection.url() + " refused to " + what + ": HTTP "
                    + e.getResponseStatusCode() + " " + e.getMessage(), e);
        } catch (RuntimeException e) {
            if (e instanceof ProvisioningException p) {
                throw p;
            }
            throw new ProvisioningException("schema registry unreachable at " + connection.url() + " (" + what + "): "
                    + e.getMessage(), e);
        }
    }
}
