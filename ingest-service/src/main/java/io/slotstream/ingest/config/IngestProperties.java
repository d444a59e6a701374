package io.slotstream.ingest.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Settings of the FHIR intake, prefix {@code slotstream.ingest} (every one has an env override, e.g.
 * {@code SLOTSTREAM_INGEST_FHIR_BASE}). See ingest-service/README.md for what each decision means.
 *
 * @param fhirBase               path of the FHIR base, e.g. {@code /fhir}
 * @param sources                configured source systems with their bearer tokens; empty = header mode
 *                               ({@code X-Slotstream-Source}, local default)
 * @param defaultSource          source id used in header mode when the request names none
 * @param identifierSystemBase   prefix of the identifier system that keeps the source's own id (spec §9):
 *                               system = base + source id
 * @param defaultPatientType     patient-type code (system accepting-patients) given to a Slot that has none; empty =
 *                               reject such Slots with 422 (STU1 §6.1 makes it 1..1)
 * @param maxBodyBytes           request bodies above this are refused with 413
 * @param bodyBudget             request bodies held at once, all requests together (a request waits until its
 *                               Content-Length fits, {@code maxBodyBytes} when undeclared): the heap bound that lets
 *                               Tomcat's thread pool be large ({@code http.BodyBudgetFilter})
 * @param maxBundleEntries       Bundles with more entries are refused with 413
 * @param fullValidation         also run HAPI's FhirInstanceValidator against base R4 (about 30 ms per resource)
 * @param kafka                  producer settings
 * @param store                  the local view of accepted resources
 */
@ConfigurationProperties("slotstream.ingest")
public record IngestProperties(
        @DefaultValue("/fhir") String fhirBase,
        @DefaultValue List<Source> sources,
        @DefaultValue("local") String defaultSource,
        @DefaultValue("urn:slotstream:source:") String identifierSystemBase,
        @DefaultValue("newpt") String defaultPatientType,
        @DefaultValue("16MB") DataSize maxBodyBytes,
        @DefaultValue("256MB") DataSize bodyBudget,
        @DefaultValue("1000") int maxBundleEntries,
        @DefaultValue("false") boolean fullValidation,
        @DefaultValue Kafka kafka,
        @DefaultValue Store store) {

    /** A source system and the bearer token that identifies it. */
    public record Source(String id, String token) {
    }

    /**
     * @param transactionalId          the writer lease: the producer {@code transactional.id}, the same on every replica
     *                                 of one deployment (a replica that takes it fences the others; see
     *                                 {@code ordering.WriteSequencer})
     * @param producer                 extra Kafka producer properties, passed through verbatim, except those the
     *                                 exactly-once writer depends on ({@link #FIXED_PRODUCER_PROPERTIES})
     * @param maxRecordsPerTransaction group commit: a transaction stops taking queued requests at this many records
     *                                 (a request's records are never split)
     * @param commitLanes              transactions committing at once (1 to {@code WriteSequencer.MAX_LANES}): the
     *                                 next group is decided and sent while earlier ones commit
     */
    public record Kafka(@DefaultValue("slotstream-ingest-writer") String transactionalId,
                        @DefaultValue Map<String, String> producer,
                        @DefaultValue("5000") int maxRecordsPerTransaction,
                        @DefaultValue("2") int commitLanes) {

        /** Producer properties that cannot be overridden: acks=all and idempotence are what make a write durable. */
        public static final java.util.Set<String> FIXED_PRODUCER_PROPERTIES =
                java.util.Set.of("acks", "enable.idempotence", "transactional.id");

        /** @throws IllegalArgumentException when {@code producer} overrides one of {@link #FIXED_PRODUCER_PROPERTIES} */
        public Kafka {
            for (String key : producer.keySet()) {
                if (FIXED_PRODUCER_PROPERTIES.contains(key)) {
                    throw new IllegalArgumentException("slotstream.ingest.kafka.producer." + key + " cannot be set: the "
                            + "writer always uses acks=all with idempotence and its own transactional.id "
                            + "(slotstream.ingest.kafka.transactional-id)");
                }
            }
        }
    }

    /**
     * @param stateDir       RocksDB directory of the accepted-resource store (application.yml: a fresh one under
     *                       java.io.tmpdir per start); on a persistent volume a restart resumes from its checkpoint
     * @param catchUpTimeout how long taking the writer lease may wait for the store to read the topics up to their
     *                       end (then 503)
     */
    public record Store(String stateDir, @DefaultValue("30s") Duration catchUpTimeout) {
    }
}
