package io.slotstream.schemas.topic;

import io.slotstream.avro.AuditEvent;
import io.slotstream.avro.BookingEvent;
import io.slotstream.avro.BookingRequest;
import io.slotstream.avro.DeadLetter;
import io.slotstream.avro.FeedSubscription;
import io.slotstream.avro.FhirAppointment;
import io.slotstream.avro.FhirHealthcareService;
import io.slotstream.avro.FhirLocation;
import io.slotstream.avro.FhirPractitioner;
import io.slotstream.avro.FhirPractitionerRole;
import io.slotstream.avro.FhirSchedule;
import io.slotstream.avro.FhirSlot;
import io.slotstream.avro.ReferenceAvailability;
import io.slotstream.avro.SlotAvailability;
import io.slotstream.avro.UpstreamForward;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The topic catalogue v1 (design.md, "Topic catalogue (v1)"): every topic, its value type, key and cleanup. Keys are
 * Strings: canonical resource ids ({@link io.slotstream.schemas.identity.CanonicalId}) except on the dead-letter
 * topic (source id). Each topic has a single writer (the service named on each constant).
 */
public final class Topics {

    /**
     * Partition count of every topic. The slot-keyed topics ({@link #SLOT}, {@link #BOOKING_EVENTS},
     * {@link #SLOT_AVAILABILITY}) must share it so Kafka Streams can join them without repartitioning
     * (co-partitioning); the other topics use it too so that any later join by id is co-partitioned as well.
     * Changing it for an existing topic re-maps keys: treat it as a new topic version.
     */
    public static final int PARTITIONS = 6;

    private static final long BOOKING_EVENTS_RETENTION_MS = Duration.ofDays(30).toMillis();
    private static final long BOOKING_REQUESTS_RETENTION_MS = Duration.ofDays(7).toMillis();
    private static final long DEAD_LETTER_RETENTION_MS = Duration.ofDays(14).toMillis();
    private static final long AUDIT_EVENTS_RETENTION_MS = Duration.ofDays(365).toMillis();

    /** {@code fhir.location.v1}: Locations, compacted; writer ingest-service. */
    public static final Topic<FhirLocation> LOCATION = compacted("fhir.location.v1", FhirLocation.class,
            "canonical Location id (CanonicalId)");
    /** {@code fhir.schedule.v1}: Schedules, compacted; writer ingest-service. */
    public static final Topic<FhirSchedule> SCHEDULE = compacted("fhir.schedule.v1", FhirSchedule.class,
            "canonical Schedule id (CanonicalId)");
    /** {@code fhir.slot.v1}: Slots as the source states them, compacted; writer ingest-service. Slot-keyed. */
    public static final Topic<FhirSlot> SLOT = compacted("fhir.slot.v1", FhirSlot.class,
            "canonical Slot id (CanonicalId)");
    /** {@code fhir.practitioner-role.v1}: PractitionerRoles, compacted; writer ingest-service. */
    public static final Topic<FhirPractitionerRole> PRACTITIONER_ROLE = compacted("fhir.practitioner-role.v1",
            FhirPractitionerRole.class, "canonical PractitionerRole id (CanonicalId)");
    /** {@code fhir.practitioner.v1}: Practitioners, compacted; writer ingest-service. */
    public static final Topic<FhirPractitioner> PRACTITIONER = compacted("fhir.practitioner.v1",
            FhirPractitioner.class, "canonical Practitioner id (CanonicalId)");
    /** {@code fhir.healthcare-service.v1}: HealthcareServices, compacted; writer ingest-service. */
    public static final Topic<FhirHealthcareService> HEALTHCARE_SERVICE = compacted("fhir.healthcare-service.v1",
            FhirHealthcareService.class, "canonical HealthcareService id (CanonicalId)");
    /**
     * {@code booking.requests.v1}: hold / release / book / cancel / reschedule commands, delete after 7 days; writer
     * booking-bridge. Schedule-keyed (not slot-keyed): every slot of one Appointment belongs to one Schedule, so one
     * owner (availability-service's booking decision point, partitioned by Schedule) decides the request as a whole.
     */
    public static final Topic<BookingRequest> BOOKING_REQUESTS = new Topic<>("booking.requests.v1",
            BookingRequest.class, "canonical Schedule id (CanonicalId) of the request's slots", PARTITIONS,
            CleanupPolicy.DELETE, BOOKING_REQUESTS_RETENTION_MS);
    /**
     * {@code booking.events.v1}: decisions on holds and bookings, delete after 30 days; writer availability-service
     * (its booking decision point). Slot-keyed.
     */
    public static final Topic<BookingEvent> BOOKING_EVENTS = new Topic<>("booking.events.v1", BookingEvent.class,
            "canonical Slot id (CanonicalId) the event is about", PARTITIONS, CleanupPolicy.DELETE,
            BOOKING_EVENTS_RETENTION_MS);
    /**
     * {@code appointment.v1}: Appointments as booked, for the integration engines of sources without an upstream FHIR
     * endpoint (Slotstream is their system of record), compacted; writer booking-bridge (the owner of the Appointment
     * view folded from booking.events.v1). Keyed by Appointment id.
     */
    public static final Topic<FhirAppointment> APPOINTMENT = compacted("appointment.v1", FhirAppointment.class,
            "Appointment id (booking-bridge's UUID)");
    /**
     * {@code booking.upstream-forwards.v1}: Appointment changes (book, cancel, modify) of sources with an upstream EHR
     * that the EHR has not confirmed yet, compacted, tombstone = settled; writer booking-bridge. Keyed by Appointment
     * id. Its partitions also decide which replica retries which forward (the replicas' consumer group owns them).
     */
    public static final Topic<UpstreamForward> UPSTREAM_FORWARDS = compacted("booking.upstream-forwards.v1",
            UpstreamForward.class, "Appointment id (booking-bridge's UUID)");
    /** {@code slot.availability.v1}: the published slot view for aggregators, compacted; writer availability-service. Slot-keyed. */
    public static final Topic<SlotAvailability> SLOT_AVAILABILITY = compacted("slot.availability.v1",
            SlotAvailability.class, "canonical Slot id (CanonicalId)");
    /**
     * {@code reference.availability.v1}: the reference resources of the publication (Location, Schedule,
     * PractitionerRole, HealthcareService) as the view applied them, with their states, compacted; writer
     * availability-service. Keyed by FHIR relative reference {@code Type/id} (ids are unique per type only).
     */
    public static final Topic<ReferenceAvailability> REFERENCE_AVAILABILITY = compacted("reference.availability.v1",
            ReferenceAvailability.class, "FHIR relative reference Type/id of the resource (canonical id)");
    /** {@code ingest.dead-letter.v1}: rejected input, delete after 14 days; writer ingest-service. */
    public static final Topic<DeadLetter> DEAD_LETTER = new Topic<>("ingest.dead-letter.v1", DeadLetter.class,
            "source id (publisher/EHR id) the input came from", PARTITIONS, CleanupPolicy.DELETE,
            DEAD_LETTER_RETENTION_MS);
    /**
     * {@code ingest.feeds.v1}: the feed subscriptions of ingest-service's aggregator mode (spec §9), compacted, key
     * source id, tombstone = unsubscribed; writer ingest-service. Its partitions also decide which replica polls
     * which feed (the replicas' consumer group owns them).
     */
    public static final Topic<FeedSubscription> FEEDS = compacted("ingest.feeds.v1", FeedSubscription.class,
            "source id the feed is ingested as");

    /**
     * {@code audit.events.v1}: one record per audited HTTP interaction (IHE BALP: writes, booking operations, admin
     * changes, booking reads and searches), delete after 365 days; key source id, else client id, else service name.
     * The catalogue's one topic with several writers: every service that audits appends its own events through
     * service-edge's {@code io.slotstream.edge.audit} emitter (an append-only log; each event is owned by the service
     * that recorded it and never updated).
     */
    public static final Topic<AuditEvent> AUDIT_EVENTS = new Topic<>("audit.events.v1", AuditEvent.class,
            "source id, else OAuth client id, else the recording service's name", PARTITIONS, CleanupPolicy.DELETE,
            AUDIT_EVENTS_RETENTION_MS);

    private static final List<Topic<?>> ALL = List.of(LOCATION, SCHEDULE, SLOT, PRACTITIONER_ROLE, PRACTITIONER,
            HEALTHCARE_SERVICE, BOOKING_REQUESTS, BOOKING_EVENTS, APPOINTMENT, UPSTREAM_FORWARDS, SLOT_AVAILABILITY, REFERENCE_AVAILABILITY, DEAD_LETTER,
            FEEDS, AUDIT_EVENTS);

    private Topics() {
    }

    /** @return every catalogue topic, in design.md's order; unmodifiable */
    public static List<Topic<?>> all() {
        return ALL;
    }

    /** @return the catalogue topic with that exact name, or empty */
    public static Optional<Topic<?>> byName(String name) {
        return ALL.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    private static <V extends org.apache.avro.specific.SpecificRecord> Topic<V> compacted(String name, Class<V> valueClass,
                                                                                          String key) {
        return new Topic<>(name, valueClass, key, PARTITIONS, CleanupPolicy.COMPACT, -1);
    }
}
