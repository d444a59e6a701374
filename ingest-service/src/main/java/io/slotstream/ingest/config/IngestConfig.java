package io.slotstream.ingest.config;

import ca.uhn.fhir.context.FhirContext;
import io.micrometer.core.instrument.MeterRegistry;
import io.slotstream.ingest.http.BodyBudgetFilter;
import io.slotstream.ingest.http.CapabilityStatements;
import io.slotstream.ingest.http.FhirResponses;
import io.slotstream.ingest.http.RequestBodies;
import io.slotstream.ingest.http.SourceResolver;
import io.slotstream.ingest.identity.Reidentifier;
import io.slotstream.ingest.intake.BundleProcessor;
import io.slotstream.ingest.intake.IntakeService;
import io.slotstream.ingest.intake.ResourcePreparer;
import io.slotstream.ingest.kafka.RecordSerializers;
import io.slotstream.ingest.ordering.WriteSequencer;
import io.slotstream.ingest.metrics.IntakeMetrics;
import io.slotstream.ingest.normalization.LegacyNormalizer;
import io.slotstream.ingest.store.AcceptedLog;
import io.slotstream.ingest.store.StoreLifecycle;
import io.slotstream.ingest.validation.FhirJsonReader;
import io.slotstream.ingest.validation.FullValidator;
import io.slotstream.ingest.validation.SchedulingRules;
import io.slotstream.schemas.mapping.FhirAvroMapper;
import io.slotstream.schemas.topic.KafkaClientSettings;
import io.slotstream.schemas.topic.RegistrySettings;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Duration;

/** Wires the intake: one shared HAPI context (costly), the pipeline stages, the store and the writer. */
@Configuration(proxyBeanMethods = false)
public class IngestConfig {

    @Bean
    FhirContext fhirContext() {
        return FhirContext.forR4Cached();
    }

    @Bean
    FhirAvroMapper fhirAvroMapper(FhirContext fhir) {
        return new FhirAvroMapper(fhir);
    }

    @Bean
    FhirJsonReader fhirJsonReader(FhirContext fhir) {
        return new FhirJsonReader(fhir);
    }

    @Bean
    ResourcePreparer resourcePreparer(FhirContext fhir, FhirJsonReader reader, FhirAvroMapper mapper, IngestProperties p) {
        return new ResourcePreparer(reader, new LegacyNormalizer(p.defaultPatientType()),
                new SchedulingRules(fhir.getResourceTypes()), new FullValidator(fhir, p.fullValidation()),
                new Reidentifier(p.identifierSystemBase()), mapper);
    }

    @Bean
    IntakeMetrics intakeMetrics(MeterRegistry registry) {
        return new IntakeMetrics(registry);
    }

    @Bean
    AcceptedLog acceptedLog(KafkaClientSettings kafka, RegistrySettings registry, IngestProperties p) {
        return new AcceptedLog(kafka, registry, p.store().stateDir());
    }

    @Bean
    StoreLifecycle acceptedStoreHealthIndicator(AcceptedLog store,
                                                @Value("${slotstream.startup.stack-timeout:30s}") Duration wait) {
        return new StoreLifecycle(store, wait);
    }

    @Bean
    IntakeService intakeService(WriteSequencer sequencer, RecordSerializers serializers, FhirAvroMapper mapper,
                                IntakeMetrics metrics) {
        return new IntakeService(sequencer, serializers, mapper, metrics);
    }

    @Bean
    BundleProcessor bundleProcessor(FhirJsonReader reader, ResourcePreparer preparer, IntakeService intake,
                                    IntakeMetrics metrics, IngestProperties p) {
        return new BundleProcessor(reader, p.maxBundleEntries(), preparer, intake, metrics);
    }

    @Bean
    SourceResolver sourceResolver(IngestProperties p) {
        return new SourceResolver(p.sources(), p.defaultSource());
    }

    @Bean
    RequestBodies requestBodies(IngestProperties p) {
        return new RequestBodies(p.maxBodyBytes().toBytes());
    }

    @Bean
    BodyBudgetFilter bodyBudgetFilter(IngestProperties p) {
        return new BodyBudgetFilter(p.bodyBudget().toBytes(), p.maxBodyBytes().toBytes());
    }

    @Bean
    FhirResponses fhirResponses(FhirContext fhir) {
        return new FhirResponses(fhir);
    }

    @Bean
    CapabilityStatement capabilityStatement(IngestProperties p) {
        return CapabilityStatements.create(!p.sources().isEmpty());
    }
}
