/**
 * The audit trail of every Slotstream service (issue 16, deliverable 4; IHE BALP): {@link
 * io.slotstream.edge.audit.AuditFilter} records each configured HTTP interaction ({@code slotstream.audit.routes}) as
 * an {@link io.slotstream.avro.AuditEvent}, {@link io.slotstream.edge.audit.AuditEventSender} appends it to
 * {@code audit.events.v1} off the request thread, and {@link io.slotstream.edge.audit.BalpAuditEvents} renders it as a
 * FHIR R4 AuditEvent following the BALP patterns.
 */
package io.slotstream.edge.audit;
