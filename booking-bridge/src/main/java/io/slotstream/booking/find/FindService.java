package io.slotstream.booking.find;

import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Slot;
import org.springframework.stereotype.Service;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * ITI-115 {@code $find} over availability-service: participant parameters become Schedule ids (Schedule?actor=, via
 * PractitionerRole and HealthcareService for practitioners and locations), then one Slot search
 * ({@code status=free&start=ge..&start=lt..&schedule=..&specialty=..&service-type=..&_count=..&_offset=..}) gives the
 * page. {@code status=free} is the effective status, so held (busy-tentative) and booked slots never appear
 * (ITI-115: "SHALL NOT include any held appointments"). Each free slot is one proposal.
 */
@Service
public class FindService {

    /** A page of proposals and the total number of matches. */
    public record Result(int total, List<Proposal> proposals) {
    }

    private final AvailabilityClient availability;
    private final ProposalCache proposals;

    public FindService(AvailabilityClient availability, ProposalCache proposals) {
        this.availability = availability;
        this.proposals = proposals;
    }

    /** @throws AvailabilityClient.AvailabilityException when availability-service fails */
    public Result find(FindCriteria criteria) {
        Set<String> schedules = null; // null: no participant filter
        Map<String, Set<String>> actorsBySchedule = new LinkedHashMap<>();
        if (!criteria.practitioners().isEmpty()) {
            schedules = intersect(schedules, schedulesOfPractitioners(criteria.practitioners(), actorsBySchedule));
        }
        if (criteria.locations() != null) {
            schedules = intersect(schedules, schedulesOfLocations(criteria.locations(), actorsBySchedule));
        }
        if (schedules != null && schedules.isEmpty()) {
            return new Result(0, List.of());
        }
        Map<String, List<String>> params = new LinkedHashMap<>();
        params.put("status", List.of("free"));
        params.put("start", List.of("ge" + criteria.start(), "lt" + criteria.end()));
        if (schedules != null) {
            params.put("schedule", List.of(String.join(",", schedules)));
        }
        if (!criteria.specialties().isEmpty()) {
            params.put("specialty", List.of(String.join(",", criteria.specialties())));
        }
        if (!criteria.visitTypes().isEmpty()) {
            params.put("service-type", List.of(String.join(",", criteria.visitTypes())));
        }
        params.put("_sort", List.of("start"));
        params.put("_count", List.of(String.valueOf(criteria.count())));
        params.put("_offset", List.of(String.valueOf(criteria.offset())));
        Bundle page = availability.search("Slot", params);
        List<Proposal> result = new ArrayList<>();
        for (Bundle.BundleEntryComponent entry : page.getEntry()) {
            if (entry.getResource() instanceof Slot slot) {
                Proposal proposal = proposal(slot, criteria, actorsBySchedule);
                proposals.put(proposal);
                result.add(proposal);
            }
        }
        return new Result(page.getTotal(), result);
    }

    /** @return the proposal of one slot (also used for {@code appointment-resource} bookings) */
    public static Proposal proposal(Slot slot, FindCriteria criteria, Map<String, Set<String>> actorsBySchedule) {
        String slotId = slot.getIdElement().getIdPart();
        String scheduleId = new Reference(slot.getSchedule().getReference()).getReferenceElement().getIdPart();
        List<String> participants = new ArrayList<>(actorsBySchedule.getOrDefault(scheduleId, Set.of()));
        return new Proposal(proposalId(List.of(slotId)), scheduleId, List.of(slotId), slot.getStart().toInstant(),
                slot.getEnd().toInstant(), participants, slot.getServiceType(), slot.getSpecialty(),
                criteria == null ? slot.getStart().toInstant() : criteria.start(),
                criteria == null ? slot.getEnd().toInstant() : criteria.end());
    }

    /** @return a stable opaque Appointment id for a set of slots: "proposal-" + 40 hex digits of SHA-256 */
    static String proposalId(List<String> slotIds) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(String.join("\n", slotIds)
                    .getBytes(StandardCharsets.UTF_8));
            return "proposal-" + HexFormat.of().formatHex(digest).substring(0, 40);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private Set<String> schedulesOfPractitioners(List<String> practitioners, Map<String, Set<String>> actors) {
        Set<String> schedules = new LinkedHashSet<>();
        for (String p : practitioners) {
            addSchedules("Practitioner/" + p, "Practitioner/" + p, schedules, actors);
        }
        List<String> roles = availability.ids("PractitionerRole", Map.of("practitioner", List.of(String.join(",", practitioners))));
        for (String role : roles) {
            addSchedules("PractitionerRole/" + role, "PractitionerRole/" + role, schedules, actors);
        }
        return schedules;
    }

    private Set<String> schedulesOfLocations(List<String> locations, Map<String, Set<String>> actors) {
        Set<String> schedules = new LinkedHashSet<>();
        if (locations.isEmpty()) {
            return schedules;
        }
        for (String l : locations) {
            addSchedules("Location/" + l, "Location/" + l, schedules, actors);
        }
        String joined = String.join(",", locations);
        for (String role : availability.ids("PractitionerRole", Map.of("location", List.of(joined)))) {
            addSchedules("PractitionerRole/" + role, "PractitionerRole/" + role, schedules, actors);
        }
        for (String service : availability.ids("HealthcareService", Map.of("location", List.of(joined)))) {
            addSchedules("HealthcareService/" + service, "HealthcareService/" + service, schedules, actors);
        }
        return schedules;
    }

    private void addSchedules(String actorParam, String participant, Set<String> schedules,
                              Map<String, Set<String>> actors) {
        for (String schedule : availability.ids("Schedule", Map.of("actor", List.of(actorParam)))) {
            schedules.add(schedule);
            actors.computeIfAbsent(schedule, s -> new LinkedHashSet<>()).add(participant);
        }
    }

    /** @return location ids whose address city, state or postal code starts with the string (case-insensitive) */
    public List<String> locationsMatching(String text) {
        Set<String> ids = new LinkedHashSet<>();
        for (String param : List.of("address-city", "address-state", "address-postalcode")) {
            ids.addAll(availability.ids("Location", Map.of(param, List.of(text))));
        }
        return new ArrayList<>(ids);
    }

    private static Set<String> intersect(Set<String> current, Set<String> next) {
        if (current == null) {
            return next;
        }
        Set<String> result = new LinkedHashSet<>(current);
        result.retainAll(next);
        return result;
    }
}
