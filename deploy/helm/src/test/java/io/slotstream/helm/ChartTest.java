package io.slotstream.helm;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The chart's rules (issue 14 §3), checked on the manifests Helm renders with default and with production values. */
class ChartTest {

    private static final List<String> SERVICES = List.of("ingest-service", "availability-service", "publish-service",
            "booking-bridge");

    @Test
    void lintsCleanInStrictModeWithTheRequiredAddressesSet(@TempDir Path tmp) throws IOException {
        Path chart = copyChart(tmp);
        Path values = chart.resolve("values.yaml");
        Files.writeString(values, Files.readString(values)
                .replace("bootstrapServers: \"\"", "bootstrapServers: \"kafka:9092\"")
                .replace("  url: \"\"", "  url: \"http://registry:8080/apis/registry/v3\"")
                .replace("  issuerUri: \"\"", "  issuerUri: \"https://auth.example.org\""));

        LintResult result = new Helm(chart).lint().strict().call();

        assertThat(result.isFailed()).as(String.join("\n", result.getMessages())).isFalse();
    }

    @Test
    void everyManifestParsesStrictlyIntoTheKubernetesModelWithDefaultAndProductionValues() {
        for (RenderedChart chart : List.of(RenderedChart.withDefaults(t -> t.set("provisioning.hook", false)),
                RenderedChart.production())) {
            assertThat(chart.unknownFields()).isEmpty();
            assertThat(chart.all(Deployment.class)).hasSize(3);
            assertThat(chart.all(StatefulSet.class)).hasSize(1);
            assertThat(chart.all(Job.class)).hasSize(1);
        }
    }

    @Test
    void theStrictParseReportsAMisspeltField() {
        RenderedChart chart = RenderedChart.withDefaults(t -> t.set("ingestService.extraEnv[0].name", "A")
                .set("ingestService.extraEnv[0].vaule", "typo"));

        assertThat(chart.unknownFields()).containsExactly(
                "Deployment/sched-slotstream-ingest-service: spec.template.spec.containers[0].env[8].vaule");
    }

    @Test
    void everyPodRunsRestrictedNonRootReadOnlyWithResourcesAndPinnedImages() {
        for (RenderedChart chart : List.of(RenderedChart.withDefaults(t -> t.set("provisioning.hook", false)),
                RenderedChart.production())) {
            Map<String, PodTemplateSpec> pods = chart.podTemplates();
            assertThat(pods).hasSize(5);
            pods.forEach((workload, pod) -> {
                var podSecurity = pod.getSpec().getSecurityContext();
                assertThat(podSecurity.getRunAsNonRoot()).as(workload).isTrue();
                assertThat(podSecurity.getSeccompProfile().getType()).as(workload).isEqualTo("RuntimeDefault");
                assertThat(pod.getSpec().getAutomountServiceAccountToken()).as(workload).isFalse();
                assertThat(pod.getSpec().getServiceAccountName()).as(workload)
                        .isEqualTo("sched-slotstream-" + pod.getMetadata().getLabels().get("app.kubernetes.io/component"));
                for (Container container : pod.getSpec().getContainers()) {
                    var security = container.getSecurityContext();
                    assertThat(security.getAllowPrivilegeEscalation()).as(workload).isFalse();
                    assertThat(security.getReadOnlyRootFilesystem()).as(workload).isTrue();
                    assertThat(security.getCapabilities().getDrop()).as(workload).containsExactly("ALL");
                    assertThat(container.getImage()).as(workload).matches("[^:]+:[0-9][^:]*").doesNotEndWith(":latest");
                    assertThat(container.getResources().getRequests()).as(workload).containsKeys("cpu", "memory");
                    assertThat(container.getResources().getLimits()).as(workload).containsKey("memory");
                    assertThat(container.getVolumeMounts()).as(workload + ": writable /tmp on a read-only root")
                            .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/tmp"));
                }
            });
        }
    }

    @Test
    void servicesProbeTheActuatorGroupsWithAStartupProbeGuardingLiveness() {
        RenderedChart chart = RenderedChart.production();
        chart.podTemplates().entrySet().stream().filter(e -> !e.getKey().startsWith("Job/")).forEach(e -> {
            Container c = e.getValue().getSpec().getContainers().getFirst();
            assertThat(c.getStartupProbe().getHttpGet().getPath()).as(e.getKey()).isEqualTo("/actuator/health/liveness");
            assertThat(c.getStartupProbe().getFailureThreshold() * c.getStartupProbe().getPeriodSeconds())
                    .as(e.getKey() + ": time allowed for a restore").isGreaterThanOrEqualTo(300);
            assertThat(c.getLivenessProbe().getHttpGet().getPath()).as(e.getKey()).isEqualTo("/actuator/health/liveness");
            assertThat(c.getReadinessProbe().getHttpGet().getPath()).as(e.getKey()).isEqualTo("/actuator/health/readiness");
        });
    }

    @Test
    void availabilityServiceIsAParallelStatefulSetWithStableIdentityStateVolumesAndStandbys() {
        RenderedChart chart = RenderedChart.production();
        StatefulSet set = chart.one(StatefulSet.class, "sched-slotstream-availability-service");
        assertThat(set.getSpec().getPodManagementPolicy()).isEqualTo("Parallel");
        assertThat(set.getSpec().getReplicas()).isEqualTo(3);
        assertThat(set.getSpec().getServiceName()).isEqualTo("sched-slotstream-availability-service-headless");
        Service headless = chart.one(Service.class, "sched-slotstream-availability-service-headless");
        assertThat(headless.getSpec().getClusterIP()).isEqualTo("None");
        assertThat(headless.getSpec().getPublishNotReadyAddresses()).isTrue();
        assertThat(set.getSpec().getVolumeClaimTemplates()).singleElement().satisfies(pvc -> {
            assertThat(pvc.getSpec().getResources().getRequests().get("storage").toString()).isEqualTo("20Gi");
            assertThat(pvc.getSpec().getStorageClassName()).isEqualTo("fast-ssd");
        });
        Map<String, String> env = env(set.getSpec().getTemplate().getSpec().getContainers().getFirst());
        assertThat(env).containsEntry("SLOTSTREAM_STREAMS_APPLICATION_SERVER",
                        "$(POD_NAME).sched-slotstream-availability-service-headless.$(POD_NAMESPACE).svc:8080")
                .containsEntry("SLOTSTREAM_STREAMS_STANDBY_REPLICAS", "1")
                .containsEntry("SLOTSTREAM_STREAMS_ROCKSDB_TOTAL_BYTES", "256MB")
                .containsEntry("SLOTSTREAM_STREAMS_REPLICATION_FACTOR", "3")
                .containsEntry("SLOTSTREAM_STREAMS_STATE_DIR", "/var/lib/slotstream/state");
        assertThat(chart.all(HorizontalPodAutoscaler.class)).extracting(h -> h.getSpec().getScaleTargetRef().getKind())
                .as("stateful availability-service never autoscales").containsOnly("Deployment");
    }

    @Test
    void ingestServiceReplicasShareTheWriterLeaseAndKeepStateOnAVolume() {
        Deployment ingest = RenderedChart.production().one(Deployment.class, "sched-slotstream-ingest-service");
        Container c = ingest.getSpec().getTemplate().getSpec().getContainers().getFirst();
        // one transactional.id for all replicas (ingest-service's writer lease): no per-pod id may override it
        assertThat(c.getEnv()).extracting(EnvVar::getName)
                .doesNotContain("SLOTSTREAM_INGEST_KAFKA_TRANSACTIONAL_ID", "SLOTSTREAM_INSTANCE_ID");
        assertThat(env(c)).containsEntry("SLOTSTREAM_STATE_DIR", "/var/lib/slotstream/state");
    }

    @Test
    void everyServiceHasADisruptionBudgetANetworkPolicyAndItsOwnServiceAccount() {
        RenderedChart chart = RenderedChart.production();
        for (String service : SERVICES) {
            String name = "sched-slotstream-" + service;
            PodDisruptionBudget pdb = chart.one(PodDisruptionBudget.class, name);
            assertThat(pdb.getSpec().getSelector().getMatchLabels()).containsEntry("app.kubernetes.io/component", service);
            NetworkPolicy policy = chart.one(NetworkPolicy.class, name);
            assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress", "Egress");
            assertThat(chart.sources).containsKey("ServiceAccount/" + name);
        }
        assertThat(chart.one(NetworkPolicy.class, "sched-slotstream-availability-service").getSpec().getIngress())
                .as("availability-service is internal: release pods and metrics only").hasSize(2);
        assertThat(chart.all(HorizontalPodAutoscaler.class)).extracting(h -> h.getMetadata().getName())
                .containsExactlyInAnyOrder("sched-slotstream-publish-service", "sched-slotstream-booking-bridge");
        assertThat(chart.sources).containsKeys("Ingress/sched-slotstream", "ServiceMonitor/sched-slotstream");
    }

    @Test
    void provisioningIsAHookByDefaultSoNotPartOfTheReleaseManifest() {
        RenderedChart chart = RenderedChart.productionAsInstalled();
        assertThat(chart.all(Job.class)).isEmpty();
        assertThat(chart.sources.keySet()).doesNotContain("ConfigMap/sched-slotstream-kafka-client",
                "ServiceAccount/sched-slotstream-provisioning");
        assertThat(chart.sources).containsKey("NetworkPolicy/sched-slotstream-provisioning");
    }

    @Test
    void provisioningRunsWithTheProductionTopicSettings() {
        RenderedChart chart = RenderedChart.production();
        Job job = chart.one(Job.class, "sched-slotstream-provisioning-r1");
        assertThat(job.getSpec().getTemplate().getSpec().getRestartPolicy()).isEqualTo("Never");
        Container c = job.getSpec().getTemplate().getSpec().getContainers().getFirst();
        assertThat(c.getArgs()).containsExactly("create");
        assertThat(c.getImage()).isEqualTo("registry.example.org/slotstream/slotstream-provisioning:0.1.0");
        assertThat(env(c)).containsEntry("SLOTSTREAM_TOPICS_REPLICATION_FACTOR", "3")
                .containsEntry("SLOTSTREAM_TOPICS_MIN_INSYNC_REPLICAS", "2")
                .containsEntry("SLOTSTREAM_TOPICS_PARTITIONS", "12")
                .containsEntry("SLOTSTREAM_KAFKA_CONFIG", "/etc/slotstream/kafka/client.properties");
    }

    @Test
    void saslAndTlsSettingsComeFromSecretsWithoutPuttingThePasswordInAConfigMap() {
        RenderedChart chart = RenderedChart.production();
        String properties = chart.kafkaClientProperties();
        assertThat(properties.lines()).containsExactly(
                "security.protocol=SASL_SSL",
                "sasl.mechanism=SCRAM-SHA-512",
                "config.providers=env",
                "config.providers.env.class=org.apache.kafka.common.config.provider.EnvVarConfigProvider",
                "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required "
                        + "username=\"${env:KAFKA_SASL_USERNAME}\" password=\"${env:KAFKA_SASL_PASSWORD}\";",
                "ssl.truststore.type=PEM",
                "ssl.truststore.location=/etc/slotstream/kafka-ca/ca.crt");
        Container ingest = chart.one(Deployment.class, "sched-slotstream-ingest-service")
                .getSpec().getTemplate().getSpec().getContainers().getFirst();
        EnvVar password = ingest.getEnv().stream().filter(e -> e.getName().equals("KAFKA_SASL_PASSWORD")).findFirst().orElseThrow();
        assertThat(password.getValueFrom().getSecretKeyRef().getName()).isEqualTo("slotstream");
        assertThat(password.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("password");
    }

    @Test
    void aKafkaClientCertificateIsMountedReadOnlyIntoEveryKafkaClientAndNamedByTheClientProperties() {
        RenderedChart chart = RenderedChart.withDefaults(t -> t.set("provisioning.hook", false)
                .set("kafka.securityProtocol", "SSL")
                .set("kafka.tls.caSecret", "events-cluster-ca-cert")
                .set("kafka.tls.clientSecret", "slotstream"));
        assertThat(chart.unknownFields()).isEmpty();
        String properties = chart.kafkaClientProperties();
        assertThat(properties.lines()).containsExactly(
                "security.protocol=SSL",
                "ssl.truststore.type=PEM",
                "ssl.truststore.location=/etc/slotstream/kafka-ca/ca.crt",
                "config.providers=dir",
                "config.providers.dir.class=org.apache.kafka.common.config.provider.DirectoryConfigProvider",
                "config.providers.dir.param.allowed.paths=/etc/slotstream/kafka-client-cert",
                "ssl.keystore.type=PEM",
                "ssl.keystore.certificate.chain=${dir:/etc/slotstream/kafka-client-cert:tls.crt}",
                "ssl.keystore.key=${dir:/etc/slotstream/kafka-client-cert:tls.key}");

        Map<String, PodTemplateSpec> pods = chart.podTemplates();
        assertThat(pods.keySet()).as("the four services and the provisioning job").containsExactlyInAnyOrder(
                "Deployment/sched-slotstream-ingest-service", "StatefulSet/sched-slotstream-availability-service",
                "Deployment/sched-slotstream-publish-service", "Deployment/sched-slotstream-booking-bridge",
                "Job/sched-slotstream-provisioning-r1");
        pods.forEach((workload, pod) -> {
            assertThat(pod.getSpec().getVolumes()).as(workload).filteredOn(v -> v.getName().equals("kafka-client-cert"))
                    .singleElement().satisfies(v -> {
                        assertThat(v.getSecret().getSecretName()).isEqualTo("slotstream");
                        assertThat(v.getSecret().getItems()).extracting(i -> i.getKey() + "->" + i.getPath())
                                .containsExactly("user.crt->tls.crt", "user.key->tls.key");
                    });
            Container c = pod.getSpec().getContainers().getFirst();
            assertThat(c.getVolumeMounts()).as(workload).filteredOn(m -> m.getName().equals("kafka-client-cert"))
                    .singleElement().satisfies(m -> {
                        assertThat(m.getMountPath()).isEqualTo("/etc/slotstream/kafka-client-cert");
                        assertThat(m.getReadOnly()).isTrue();
                    });
            assertThat(env(c)).as(workload).containsEntry("SLOTSTREAM_KAFKA_CONFIG", "/etc/slotstream/kafka/client.properties");
            assertThat(c.getVolumeMounts()).as(workload).anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/etc/slotstream/kafka"));
        });
    }

    @Test
    void aKafkaClientCertificateCombinesWithSaslAndOtherKeyNames() {
        RenderedChart chart = RenderedChart.withDefaults(t -> t.set("provisioning.hook", false)
                .set("kafka.securityProtocol", "SASL_SSL")
                .set("kafka.sasl.existingSecret", "slotstream")
                .set("kafka.tls.clientSecret", "slotstream-client")
                .set("kafka.tls.certificateKey", "tls.crt")
                .set("kafka.tls.privateKeyKey", "tls.key"));
        String properties = chart.kafkaClientProperties();
        assertThat(properties.lines()).contains("config.providers=env,dir",
                        "config.providers.env.class=org.apache.kafka.common.config.provider.EnvVarConfigProvider",
                        "config.providers.dir.class=org.apache.kafka.common.config.provider.DirectoryConfigProvider",
                        "ssl.keystore.key=${dir:/etc/slotstream/kafka-client-cert:tls.key}")
                .filteredOn(line -> line.startsWith("config.providers=")).hasSize(1);
        StatefulSet availability = chart.one(StatefulSet.class, "sched-slotstream-availability-service");
        assertThat(availability.getSpec().getTemplate().getSpec().getVolumes())
                .filteredOn(v -> v.getName().equals("kafka-client-cert")).singleElement()
                .satisfies(v -> assertThat(v.getSecret().getItems()).extracting(i -> i.getKey() + "->" + i.getPath())
                        .containsExactly("tls.crt->tls.crt", "tls.key->tls.key"));

        // without a client certificate: no keystore, no mount
        RenderedChart plain = RenderedChart.production();
        assertThat(plain.kafkaClientProperties())
                .doesNotContain("ssl.keystore", "DirectoryConfigProvider");
        plain.podTemplates().forEach((workload, pod) -> assertThat(pod.getSpec().getVolumes()).as(workload)
                .noneSatisfy(v -> assertThat(v.getName()).isEqualTo("kafka-client-cert")));
    }

    @Test
    void aKafkaClientCertificateWithoutTlsIsRejectedByTheSchemaNamingTheRule(@TempDir Path tmp) throws IOException {
        for (String protocol : List.of("PLAINTEXT", "SASL_PLAINTEXT")) {
            assertThatThrownBy(() -> RenderedChart.withDefaults(t -> t.set("kafka.securityProtocol", protocol)
                    .set("kafka.sasl.existingSecret", "slotstream")
                    .set("kafka.tls.clientSecret", "slotstream")))
                    .as(protocol)
                    .hasMessageContaining("values don't meet the specifications of the schema")
                    .hasMessageContaining("at '/kafka/securityProtocol': value must be one of 'SSL', 'SASL_SSL'");
        }
        // without the schema (helm --skip-schema-validation) the templates refuse it with the whole rule
        Path chart = copyChart(tmp);
        Files.delete(chart.resolve("values.schema.json"));
        assertThatThrownBy(() -> new Helm(chart).template().withName(RenderedChart.RELEASE).withKubeVersion("1.30.0")
                .set("kafka.bootstrapServers", "kafka:9092").set("registry.url", "http://registry:8080/apis/registry/v3")
                .set("security.issuerUri", "https://auth.example.org").set("kafka.tls.clientSecret", "slotstream").call())
                .hasMessageContaining("kafka.tls.clientSecret (a client certificate for mutual TLS) needs "
                        + "kafka.securityProtocol SSL or SASL_SSL");
        // empty = no client certificate: PLAINTEXT stays valid
        assertThat(RenderedChart.withDefaults(t -> t.set("kafka.tls.clientSecret", "")).all(Deployment.class)).hasSize(3);
    }

    @Test
    void tlsServesEveryServiceOverHttpsFromTheCertificateSecretAndTheirCallsTrustItsCa() {
        RenderedChart chart = RenderedChart.production();
        chart.podTemplates().entrySet().stream().filter(e -> !e.getKey().startsWith("Job/")).forEach(e -> {
            var pod = e.getValue().getSpec();
            Container c = pod.getContainers().getFirst();
            assertThat(env(c)).as(e.getKey())
                    .containsEntry("SERVER_SSL_BUNDLE", "slotstream")
                    .containsEntry("SLOTSTREAM_TLS_CLIENT_BUNDLE", "slotstream")
                    .containsEntry("SPRING_SSL_BUNDLE_PEM_SLOTSTREAM_KEYSTORE_CERTIFICATE", "file:/etc/slotstream/tls/tls.crt")
                    .containsEntry("SPRING_SSL_BUNDLE_PEM_SLOTSTREAM_KEYSTORE_PRIVATEKEY", "file:/etc/slotstream/tls/tls.key")
                    .containsEntry("SPRING_SSL_BUNDLE_PEM_SLOTSTREAM_TRUSTSTORE_CERTIFICATE", "file:/etc/slotstream/tls/ca.crt");
            assertThat(c.getVolumeMounts()).as(e.getKey()).anySatisfy(m -> {
                assertThat(m.getMountPath()).isEqualTo("/etc/slotstream/tls");
                assertThat(m.getReadOnly()).isTrue();
                assertThat(pod.getVolumes()).filteredOn(v -> v.getName().equals(m.getName())).singleElement()
                        .satisfies(v -> assertThat(v.getSecret().getSecretName()).isEqualTo("slotstream-tls"));
            });
            assertThat(List.of(c.getStartupProbe(), c.getLivenessProbe(), c.getReadinessProbe()))
                    .as(e.getKey()).allSatisfy(p -> assertThat(p.getHttpGet().getScheme()).isEqualTo("HTTPS"));
        });
        Container booking = chart.one(Deployment.class, "sched-slotstream-booking-bridge")
                .getSpec().getTemplate().getSpec().getContainers().getFirst();
        assertThat(env(booking)).containsEntry("SLOTSTREAM_BOOKING_AVAILABILITY_URL", "https://sched-slotstream-availability-service:8080");
        // the provisioning job has no listener and gets no certificate
        assertThat(env(chart.podTemplates().get("Job/sched-slotstream-provisioning-r1").getSpec().getContainers().getFirst()))
                .doesNotContainKey("SERVER_SSL_BUNDLE");
        // every component, the provisioning job too, trusts the https registry's CA (SLOTSTREAM_REGISTRY_CA: the
        // services' slotstream.registry.ca, the job's --registry-ca)
        chart.podTemplates().forEach((workload, pod) -> {
            Container c = pod.getSpec().getContainers().getFirst();
            assertThat(env(c)).as(workload).containsEntry("SLOTSTREAM_REGISTRY_CA", "/etc/slotstream/registry-ca/ca.crt");
            assertThat(c.getVolumeMounts()).as(workload).anySatisfy(m -> {
                assertThat(m.getMountPath()).isEqualTo("/etc/slotstream/registry-ca");
                assertThat(pod.getSpec().getVolumes()).filteredOn(v -> v.getName().equals(m.getName())).singleElement()
                        .satisfies(v -> assertThat(v.getSecret().getSecretName()).isEqualTo("registry-ca"));
            });
        });

        Container plain = RenderedChart.withDefaults(t -> t).one(Deployment.class, "sched-slotstream-booking-bridge")
                .getSpec().getTemplate().getSpec().getContainers().getFirst();
        assertThat(env(plain)).doesNotContainKey("SERVER_SSL_BUNDLE")
                .containsEntry("SLOTSTREAM_BOOKING_AVAILABILITY_URL", "http://sched-slotstream-availability-service:8080");
        assertThat(plain.getReadinessProbe().getHttpGet().getScheme()).isEqualTo("HTTP");
        assertThatThrownBy(() -> RenderedChart.withDefaults(t -> t.set("tls.enabled", true))).hasMessageContaining("tls.secret is required");
    }

    @Test
    void publishServiceCanKeepItsFilesInAnS3BucketWithCredentialsFromASecret() {
        Container publish = RenderedChart.withDefaults(t -> t.set("publishService.storage.type", "s3")
                        .set("publishService.storage.s3.bucket", "sched-files")
                        .set("publishService.storage.s3.existingSecret", "s3-credentials"))
                .one(Deployment.class, "sched-slotstream-publish-service").getSpec().getTemplate().getSpec()
                .getContainers().getFirst();
        assertThat(env(publish)).containsEntry("SLOTSTREAM_PUBLISH_STORAGE_TYPE", "s3")
                .containsEntry("SLOTSTREAM_PUBLISH_STORAGE_S3_BUCKET", "sched-files");
        assertThat(publish.getEnv()).filteredOn(e -> e.getName().equals("SLOTSTREAM_PUBLISH_STORAGE_S3_SECRET_ACCESS_KEY"))
                .singleElement().satisfies(e -> assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("s3-credentials"));
        assertThatThrownBy(() -> RenderedChart.withDefaults(t -> t.set("publishService.storage.type", "s3")))
                .hasMessageContaining("bucket");
    }

    @Test
    void keyManifestsMatchTheirGoldenFiles() throws IOException {
        RenderedChart chart = RenderedChart.production();
        for (String key : List.of("StatefulSet/sched-slotstream-availability-service",
                "Deployment/sched-slotstream-ingest-service", "Job/sched-slotstream-provisioning-r1",
                "NetworkPolicy/sched-slotstream-publish-service")) {
            Path golden = Path.of("src/test/resources/golden", key.replace('/', '_') + ".yaml");
            String rendered = chart.sources.get(key);
            if (Boolean.getBoolean("golden.update")) {
                Files.writeString(golden, rendered);
            }
            assertThat(rendered).as(key + " differs from " + golden + " (re-run with -Dgolden.update=true after "
                    + "reviewing the change)").isEqualTo(Files.readString(golden));
        }
    }

    @Test
    void valuesOfTheWrongTypeAreRejectedWithAMessageNamingTheValue() {
        assertThatThrownBy(() -> RenderedChart.withDefaults(t -> t.set("availabilityService.replicas", "three")))
                .hasMessageContaining("values don't meet the specifications of the schema")
                .hasMessageContaining("availabilityService")
                .hasMessageContaining("replicas")
                .hasMessageContaining("integer");
        assertThatThrownBy(() -> RenderedChart.withDefaults(t -> t.set("ingestService.replicaz", 2)))
                .hasMessageContaining("replicaz");
        assertThatThrownBy(() -> RenderedChart.withDefaults(t -> t.set("image.tag", "latest")))
                .hasMessageContaining("tag");
        // a Kubernetes quantity is not a size Spring reads: refused at install, not at the pod's first store
        assertThatThrownBy(() -> RenderedChart.withDefaults(t -> t.set("availabilityService.rocksdbMemory", "256Mi")))
                .hasMessageContaining("rocksdbMemory");
    }

    @Test
    void tokenCheckingServicesGetTheSecuritySettingsAndThePublicationStaysOpen() {
        RenderedChart chart = RenderedChart.production();
        Container ingest = chart.one(Deployment.class, "sched-slotstream-ingest-service").getSpec().getTemplate().getSpec()
                .getContainers().getFirst();
        assertThat(env(ingest).get("SPRING_APPLICATION_JSON"))
                .contains("\"mode\":\"token\"")
                .contains("\"issuer-uri\":\"https://keycloak.example.org/realms/scheduling\"")
                .contains("\"client-sources\":{\"ehr-north-integration\":\"ehr-north\"}");
        Container bridge = chart.one(Deployment.class, "sched-slotstream-booking-bridge").getSpec().getTemplate().getSpec()
                .getContainers().getFirst();
        assertThat(env(bridge)).containsKey("SPRING_APPLICATION_JSON");
        Container publish = chart.one(Deployment.class, "sched-slotstream-publish-service").getSpec().getTemplate().getSpec()
                .getContainers().getFirst();
        assertThat(env(publish)).as("the publication needs no credentials (SMART Scheduling Links)")
                .doesNotContainKey("SPRING_APPLICATION_JSON");
    }

    @Test
    void tokenModeWithoutAnIssuerFailsWithTheSettingsName() {
        assertThatThrownBy(() -> RenderedChart.withDefaults(t -> t.set("security.issuerUri", "")))
                .hasMessageContaining("security.issuerUri is required");
        RenderedChart open = RenderedChart.withDefaults(t -> t.set("security.issuerUri", "").set("security.mode", "off"));
        Container ingest = open.one(Deployment.class, "sched-slotstream-ingest-service").getSpec().getTemplate().getSpec()
                .getContainers().getFirst();
        assertThat(env(ingest).get("SPRING_APPLICATION_JSON")).contains("\"mode\":\"off\"");
    }

    @Test
    void missingConnectionSettingsFailWithTheSettingsName() {
        assertThatThrownBy(() -> RenderedChart.render(t -> t.set("registry.url", "http://r:8080/apis/registry/v3")))
                .hasMessageContaining("kafka.bootstrapServers is required");
        assertThatThrownBy(() -> RenderedChart.withDefaults(t -> t.set("kafka.securityProtocol", "SASL_SSL")))
                .hasMessageContaining("kafka.sasl.existingSecret is required");
    }

    private static Map<String, String> env(Container container) {
        return container.getEnv().stream().filter(e -> e.getValue() != null)
                .collect(java.util.stream.Collectors.toMap(EnvVar::getName, EnvVar::getValue, (a, b) -> b));
    }

    private static Path copyChart(Path tmp) throws IOException {
        Path target = tmp.resolve("slotstream");
        try (Stream<Path> files = Files.walk(RenderedChart.CHART)) {
            for (Path file : files.toList()) {
                Path to = target.resolve(RenderedChart.CHART.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(file, to);
                }
            }
        }
        return target;
    }
}
