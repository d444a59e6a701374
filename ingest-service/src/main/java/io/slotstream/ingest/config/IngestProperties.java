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
        @DefaultValue("1000") int maxBundleEntries,
        @DefaultValue("false") boolean fullValidation,
        @DefaultValue Kafka kafka,
        @DefaultValue Store store) {

    /** A source system and the bearer token that identifies it. */
    public record Source(String id, String token) {
    }

    /**
     * @param transactionalIdPrefix prefix of the producers' {@code transactional.id}s; must differ between replicas
     *                              (application.yml's default adds a random part, so it does)
     * @param producer              extra Kafka producer properties, passed through verbatim
     * @param maxConcurrentTransactions how many Kafka transactions run at once (one transactional producer each);
     *                              requests queue for them and concurrent requests share one (group commit)
     * @param maxRecordsPerTransaction  a shared transaction stops taking queued requests at this many records
     */
    public record Kafka(String transactionalIdPrefix,
                        @DefaultValue Map<String, String> producer,
                        @DefaultValue("2") int maxConcurrentTransactions,
                        @DefaultValue("5000") int maxRecordsPerTransaction) {
    }

    /**
     * @param applicationId Kafka Streams application.id of the store (global tables only: no consumer group)
     * @param stateDir      RocksDB directory (application.yml: a fresh one under java.io.tmpdir per start); point it at a
     *                      persistent volume so a restart does not re-read the topics
     * @param overlayTtl    how long this instance trusts its own recent writes over the (asynchronously updated)
     *                      global tables
     */
    public record Store(@DefaultValue("slotstream-ingest-store") String applicationId,
                       String stateDir,
                       @DefaultValue("60s") Duration overlayTtl) {
    }
}
