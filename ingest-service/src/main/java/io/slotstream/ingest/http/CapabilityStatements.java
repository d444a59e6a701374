package io.slotstream.ingest.http;

import io.slotstream.ingest.intake.ResourceKind;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.TypeRestfulInteraction;
import org.hl7.fhir.r4.model.CapabilityStatement.SystemRestfulInteraction;
import org.hl7.fhir.r4.model.Enumerations;

import java.util.Date;

/**
 * The CapabilityStatement served at {@code GET [base]/metadata}, stating exactly what ingest does: read, update
 * (update-create), delete for the six types; transaction and batch at the base; JSON only; {@code versioned-update}
 * (If-Match against the source's meta.versionId; ingest keeps no history of its own); no search, history,
 * conditional interactions other than If-Match, or create at the type level (POST is supported inside Bundles only).
 */
public final class CapabilityStatements {

    private CapabilityStatements() {
    }

    /** @param tokenMode whether sources authenticate with bearer tokens (else the X-Slotstream-Source header) */
    public static CapabilityStatement create(boolean tokenMode) {
        CapabilityStatement cs = new CapabilityStatement();
        cs.setStatus(Enumerations.PublicationStatus.ACTIVE)
                .setDate(new Date())
                .setKind(CapabilityStatement.CapabilityStatementKind.INSTANCE)
                .setFhirVersion(Enumerations.FHIRVersion._4_0_1)
                .setPublisher("Slotstream")
                .setDescription("Slotstream ingest-service: intake of EHR schedule changes (SMART Scheduling Links STU1 "
                        + "resources; 2021 draft extensions are normalised). Writes are durable in Kafka before success is "
                        + "answered. Resource ids are re-assigned per source (source.id); the source's id stays in identifier.");
        cs.getSoftware().setName("Slotstream ingest-service");
        cs.addFormat("application/fhir+json").addFormat("application/json");
        CapabilityStatementRestComponent rest = cs.addRest().setMode(CapabilityStatement.RestfulCapabilityMode.SERVER);
        rest.getSecurity().setDescription(tokenMode
                ? "Authorization: Bearer <token>; each token identifies one source system."
                : "No authentication (local mode): the X-Slotstream-Source header names the source system.");
        for (ResourceKind kind : ResourceKind.values()) {
            CapabilityStatementRestResourceComponent resource = rest.addResource().setType(kind.fhirType())
                    .setVersioning(CapabilityStatement.ResourceVersionPolicy.VERSIONEDUPDATE)
                    .setReadHistory(false).setUpdateCreate(true).setConditionalCreate(false)
                    .setConditionalRead(CapabilityStatement.ConditionalReadStatus.NOTSUPPORTED)
                    .setConditionalUpdate(false)
                    .setConditionalDelete(CapabilityStatement.ConditionalDeleteStatus.NOTSUPPORTED);
            resource.addInteraction().setCode(TypeRestfulInteraction.READ);
            resource.addInteraction().setCode(TypeRestfulInteraction.UPDATE);
            resource.addInteraction().setCode(TypeRestfulInteraction.DELETE);
        }
        rest.addInteraction().setCode(SystemRestfulInteraction.TRANSACTION);
        rest.addInteraction().setCode(SystemRestfulInteraction.BATCH);
        return cs;
    }
}
