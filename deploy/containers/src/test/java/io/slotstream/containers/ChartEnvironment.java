package io.slotstream.containers;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The environment the chart gives each component's container, rendered by Helm (helm-java) against a given Kafka and
 * registry, with Kubernetes' own resolution applied: downward-API fields become the given pod name, and
 * {@code $(VAR)} references are expanded.
 */
final class ChartEnvironment {

    private static final Pattern REFERENCE = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");

    private final Map<String, PodTemplateSpec> pods = new LinkedHashMap<>();
    private final String kafkaClientProperties;

    /**
     * @param values Helm {@code --set} values
     */
    ChartEnvironment(Path chart, Map<String, Object> values) {
        var template = new Helm(chart).template().withName("ctr").withNamespace("slotstream").withKubeVersion("1.30.0");
        values.forEach(template::set);
        String properties = null;
        KubernetesSerialization serialization = new KubernetesSerialization();
        for (String document : template.call().split("(?m)^---\\s*$")) {
            String source = document.replaceAll("(?m)^# Source: .*$\\n?", "").strip();
            if (source.isEmpty()) {
                continue;
            }
            HasMetadata resource = serialization.unmarshal(source);
            switch (resource) {
                case Deployment d -> pods.put(component(d.getSpec().getTemplate()), d.getSpec().getTemplate());
                case StatefulSet s -> pods.put(component(s.getSpec().getTemplate()), s.getSpec().getTemplate());
                case Job j -> pods.put(component(j.getSpec().getTemplate()), j.getSpec().getTemplate());
                case ConfigMap c when c.getData().containsKey("client.properties") -> properties = c.getData().get("client.properties");
                default -> { }
            }
        }
        this.kafkaClientProperties = properties;
    }

    /** The rendered Kafka client properties file every component mounts. */
    String kafkaClientProperties() {
        return kafkaClientProperties;
    }

    /** The component's container arguments ({@code args}). */
    List<String> args(String component) {
        return container(component).getArgs();
    }

    /**
     * @param component e.g. {@code ingest-service}
     * @param podName   what {@code metadata.name} resolves to
     * @return the container's environment, in order, resolved as the kubelet would
     */
    Map<String, String> environment(String component, String podName) {
        Map<String, String> env = new LinkedHashMap<>();
        for (EnvVar variable : container(component).getEnv()) {
            String value;
            if (variable.getValueFrom() == null) {
                value = expand(variable.getValue(), env);
            } else if (variable.getValueFrom().getFieldRef() != null) {
                value = switch (variable.getValueFrom().getFieldRef().getFieldPath()) {
                    case "metadata.name" -> podName;
                    case "metadata.namespace" -> "slotstream";
                    default -> throw new IllegalStateException("unsupported field " + variable.getValueFrom().getFieldRef());
                };
            } else {
                throw new IllegalStateException(component + ": " + variable.getName() + " comes from a Secret; the "
                        + "container test renders values without Secrets");
            }
            env.put(variable.getName(), value);
        }
        return env;
    }

    /** The mount paths of the component's volumes, for tmpfs mounts in the container. */
    List<String> writablePaths(String component) {
        List<String> paths = new ArrayList<>();
        container(component).getVolumeMounts().stream().filter(m -> !Boolean.TRUE.equals(m.getReadOnly()))
                .forEach(m -> paths.add(m.getMountPath()));
        return paths;
    }

    /** The container's memory limit in bytes ({@code resources.limits.memory}); null when the chart sets none. */
    Long memoryLimit(String component) {
        var resources = container(component).getResources();
        Quantity memory = resources == null || resources.getLimits() == null ? null : resources.getLimits().get("memory");
        return memory == null ? null : Quantity.getAmountInBytes(memory).longValueExact();
    }

    /**
     * What the pod's and the container's {@code securityContext} ask of the runtime.
     *
     * @param user                     {@code runAsUser:runAsGroup}, null when the pod sets no user
     * @param readOnlyRootFilesystem   {@code readOnlyRootFilesystem}
     * @param noNewPrivileges          {@code allowPrivilegeEscalation: false}
     * @param dropCapabilities         {@code capabilities.drop}, e.g. {@code ALL}
     */
    record Security(String user, boolean readOnlyRootFilesystem, boolean noNewPrivileges, List<String> dropCapabilities) {
    }

    Security security(String component) {
        PodSecurityContext pod = pods.get(component).getSpec().getSecurityContext();
        SecurityContext container = container(component).getSecurityContext();
        String user = pod == null || pod.getRunAsUser() == null ? null
                : pod.getRunAsUser() + (pod.getRunAsGroup() == null ? "" : ":" + pod.getRunAsGroup());
        if (container == null) {
            return new Security(user, false, false, List.of());
        }
        return new Security(user, Boolean.TRUE.equals(container.getReadOnlyRootFilesystem()),
                Boolean.FALSE.equals(container.getAllowPrivilegeEscalation()),
                container.getCapabilities() == null ? List.of() : container.getCapabilities().getDrop());
    }

    private Container container(String component) {
        PodTemplateSpec pod = pods.get(component);
        if (pod == null) {
            throw new IllegalArgumentException("the chart renders no workload " + component + ", only " + pods.keySet());
        }
        return pod.getSpec().getContainers().getFirst();
    }

    private static String component(PodTemplateSpec pod) {
        return pod.getMetadata().getLabels().get("app.kubernetes.io/component");
    }

    private static String expand(String value, Map<String, String> defined) {
        Matcher m = REFERENCE.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String replacement = defined.getOrDefault(m.group(1), m.group());
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        return m.appendTail(out).toString();
    }
}
