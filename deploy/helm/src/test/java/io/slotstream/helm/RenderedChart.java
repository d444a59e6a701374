package io.slotstream.helm;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The chart rendered by Helm (in this JVM, helm-java) and parsed strictly into the Kubernetes API model (fabric8):
 * a wrong type fails to parse, an unknown (misspelt) field is reported by {@link #unknownFields()}.
 */
final class RenderedChart {

    static final Path CHART = Path.of("slotstream");
    static final Path PRODUCTION_VALUES = Path.of("examples/values-strimzi.yaml");
    static final String RELEASE = "sched";

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    /** document source by "Kind/name" */
    final Map<String, String> sources = new LinkedHashMap<>();
    final List<HasMetadata> resources = new ArrayList<>();

    private RenderedChart(String yaml) {
        for (String document : yaml.split("(?m)^---\\s*$")) {
            String source = document.replaceAll("(?m)^# Source: .*$\\n?", "").strip();
            if (source.isEmpty()) {
                continue;
            }
            HasMetadata resource = SERIALIZATION.unmarshal(source);
            resources.add(resource);
            sources.put(resource.getKind() + "/" + resource.getMetadata().getName(), source + "\n");
        }
    }

    /** Default values plus the three addresses the chart requires (Kafka, registry, token issuer). */
    static RenderedChart withDefaults(UnaryOperator<TemplateCommand> more) {
        return render(t -> more.apply(t.set("kafka.bootstrapServers", "kafka:9092")
                .set("registry.url", "http://registry:8080/apis/registry/v3")
                .set("security.issuerUri", "https://auth.example.org")));
    }

    /**
     * The production example values. helm-java returns the release manifest without Helm's hooks, so the provisioning
     * Job and what it needs are rendered as plain resources here ({@code provisioning.hook=false}); {@code ChartTest}
     * checks separately that they are hooks by default.
     */
    static RenderedChart production() {
        return render(t -> t.withValuesFile(PRODUCTION_VALUES).set("provisioning.hook", false));
    }

    /** The production example values with the provisioning hook as installed (so absent from the manifest). */
    static RenderedChart productionAsInstalled() {
        return render(t -> t.withValuesFile(PRODUCTION_VALUES));
    }

    /** @throws IllegalStateException with Helm's message when rendering fails (schema, required values) */
    static RenderedChart render(UnaryOperator<TemplateCommand> values) {
        TemplateCommand template = new Helm(CHART).template().withName(RELEASE).withNamespace("slotstream")
                .withKubeVersion("1.30.0");
        return new RenderedChart(values.apply(template).call());
    }

    <T extends HasMetadata> List<T> all(Class<T> type) {
        return resources.stream().filter(type::isInstance).map(type::cast).toList();
    }

    <T extends HasMetadata> T one(Class<T> type, String name) {
        return all(type).stream().filter(r -> r.getMetadata().getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name + " in " + sources.keySet()));
    }

    /** The Kafka client properties every component reads (the kafka-client ConfigMap's client.properties). */
    String kafkaClientProperties() {
        return one(ConfigMap.class, "sched-slotstream-kafka-client").getData().get("client.properties");
    }

    /** Every workload's pod template, by "Kind/name". */
    Map<String, PodTemplateSpec> podTemplates() {
        Map<String, PodTemplateSpec> templates = new LinkedHashMap<>();
        all(Deployment.class).forEach(d -> templates.put("Deployment/" + d.getMetadata().getName(), d.getSpec().getTemplate()));
        all(StatefulSet.class).forEach(s -> templates.put("StatefulSet/" + s.getMetadata().getName(), s.getSpec().getTemplate()));
        all(Job.class).forEach(j -> templates.put("Job/" + j.getMetadata().getName(), j.getSpec().getTemplate()));
        return templates;
    }

    /**
     * Fields the Kubernetes model does not know (they land in {@code additionalProperties}), as
     * {@code Kind/name: path.field}. Kinds the model does not know at all (CRDs such as ServiceMonitor) are skipped.
     */
    List<String> unknownFields() {
        List<String> unknown = new ArrayList<>();
        for (HasMetadata resource : resources) {
            if (!(resource instanceof GenericKubernetesResource)) {
                walk(resource, resource.getKind() + "/" + resource.getMetadata().getName() + ": ", unknown);
            }
        }
        return unknown;
    }

    private static void walk(Object node, String path, List<String> unknown) {
        if (node == null) {
            return;
        }
        if (node instanceof Collection<?> list) {
            int i = 0;
            for (Object item : list) {
                walk(item, path + "[" + i++ + "]", unknown);
            }
            return;
        }
        if (node instanceof Map<?, ?> map) {
            map.forEach((k, v) -> walk(v, path + "." + k, unknown));
            return;
        }
        if (!node.getClass().getPackageName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method getter : node.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
                    || !getter.getName().startsWith("get") || getter.getName().equals("getClass")) {
                continue;
            }
            Object value;
            try {
                value = getter.invoke(node);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
            String field = Character.toLowerCase(getter.getName().charAt(3)) + getter.getName().substring(4);
            String prefix = path.endsWith(": ") ? path : path + ".";
            if (field.equals("additionalProperties") && value instanceof Map<?, ?> extra) {
                extra.keySet().forEach(k -> unknown.add(prefix + k));
            } else if (!(value instanceof String) && !(value instanceof Number) && !(value instanceof Boolean)) {
                walk(value, prefix + field, unknown);
            }
        }
    }
}
