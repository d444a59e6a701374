package io.slotstream.booking.find;

import io.slotstream.schemas.booking.BookingRulebook;
import io.slotstream.schemas.booking.BookingRules;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Schedule;
import org.hl7.fhir.r4.model.Slot;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Service;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * ITI-115 {@code $find} over availability-service's Slot search (its discovery indexes):
 * {@code status=free&start=ge..&start=lt..&schedule.actor=..&specialty=..&service-type=..&_count=..
 * &_include=Slot:schedule[&_cursor=..]}, without {@code _total=accurate}: counting every match of a week across all
 * schedules walks tens of thousands of index entries (1.6 s per call on the 1M-slot system), while a page costs
 * about its own size. Participant parameters become Schedule actors: a Practitioner and its
 * PractitionerRoles; a Location and the PractitionerRoles and HealthcareServices at it. {@code status=free} is the
 * effective status, so held (busy-tentative) and booked slots never appear (ITI-115: "SHALL NOT include any held
 * appointments"). Each free slot is one proposal; the included Schedules' actors are its participants. Slots the
 * provider rules (minimum notice, horizon; {@link BookingRules}, shared with the decision point) would refuse are
 * never proposed.
 */
@Service
public class FindService {

    /**
     * A page of proposals.
     *
     * @param total      number of matches when known without counting them all (the first page holds every match),
     *                   else null
     * @param proposals  this page
     * @param nextCursor the {@code _cursor} of the next page, or null on the last page
     */
    public record Result(Integer total, List<Proposal> proposals, String nextCursor) {

        /** @return whether nothing matches at all (not merely this page, which the provider rules may have emptied) */
        public boolean noMatches() {
            return total != null ? total == 0 : proposals.isEmpty() && nextCursor == null;
        }
    }

    private final AvailabilityClient availability;
    private final ProposalCache proposals;
    private final BookingRulebook rules;
    private final Clock clock;

    @Autowired
    public FindService(AvailabilityClient availability, ProposalCache proposals, BookingRulebook rules) {
        this(availability, proposals, rules, Clock.systemUTC());
    }

    FindService(AvailabilityClient availability, ProposalCache proposals, BookingRulebook rules, Clock clock) {
        this.availability = availability;
        this.proposals = proposals;
        this.rules = rules;
        this.clock = clock;
    }

    /**
     * Proposals only for slots the decision point would accept now: the search window is narrowed to the loosest
     * minimum notice and horizon of any source, then each slot is checked against its own source's
     * {@link BookingRules} (the decision point's rule class). With per-source overrides, a page may hold fewer than
     * {@code _count} proposals and {@code total} (when known) counts before the per-source check.
     *
     * @throws AvailabilityClient.AvailabilityException when availability-service fails
     */
    public Result find(FindCriteria criteria) {
        long now = clock.millis();
        Instant start = max(criteria.start(), Instant.ofEpochMilli(rules.earliestStartOfAny(now)));
        Instant end = min(criteria.end(), Instant.ofEpochMilli(rules.latestStartOfAny(now) + 1)); // horizon inclusive
        if (!start.isBefore(end)) {
            return new Result(0, List.of(), null);
        }
        Map<String, List<String>> params = new LinkedHashMap<>();
        params.put("status", List.of("free"));
        params.put("start", List.of("ge" + start, "lt" + end));
        List<String> actorGroups = new ArrayList<>();
        if (!criteria.practitioners().isEmpty()) {
            actorGroups.add(String.join(",", actorsOfPractitioners(criteria.practitioners())));
        }
        if (criteria.locations() != null) {
            if (criteria.locations().isEmpty()) {
                return new Result(0, List.of(), null);
            }
            actorGroups.add(String.join(",", actorsOfLocations(criteria.locations())));
        }
        if (!actorGroups.isEmpty()) {
            params.put("schedule.actor", actorGroups); // repeated = AND of the participant types, comma = OR
        }
        if (!criteria.specialties().isEmpty()) {
            params.put("specialty", List.of(String.join(",", criteria.specialties())));
        }
        if (!criteria.visitTypes().isEmpty()) {
            params.put("service-type", List.of(String.join(",", criteria.visitTypes())));
        }
        params.put("_sort", List.of("start"));
        params.put("_count", List.of(String.valueOf(criteria.count())));
        params.put("_include", List.of("Slot:schedule"));
        if (criteria.cursor() != null) {
            params.put("_cursor", List.of(criteria.cursor()));
        }
        Bundle page = availability.search("Slot", params);
        Map<String, Set<String>> actorsBySchedule = new LinkedHashMap<>();
        for (Bundle.BundleEntryComponent entry : page.getEntry()) {
            if (entry.getResource() instanceof Schedule schedule) {
                actorsBySchedule.put(schedule.getIdElement().getIdPart(), schedule.getActor().stream()
                        .map(Reference::getReference).filter(r -> r != null)
                        .collect(Collectors.toCollection(LinkedHashSet::new)));
            }
        }
        List<Proposal> result = new ArrayList<>();
        for (Bundle.BundleEntryComponent entry : page.getEntry()) {
            if (entry.getResource() instanceof Slot slot) {
                Proposal proposal = proposal(slot, criteria, actorsBySchedule);
                if (rules.rulesFor(proposal.scheduleId()).check(proposal.start().toEpochMilli(), now) != null) {
                    continue;
                }
                proposals.put(proposal);
                result.add(proposal);
            }
        }
        return new Result(page.hasTotal() ? page.getTotal() : null, result, cursorOf(page.getLink(Bundle.LINK_NEXT)));
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

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    private List<String> actorsOfPractitioners(List<String> practitioners) {
        List<String> actors = new ArrayList<>(practitioners.stream().map(p -> "Practitioner/" + p).toList());
        availability.ids("PractitionerRole", Map.of("practitioner", List.of(String.join(",", practitioners))))
                .forEach(role -> actors.add("PractitionerRole/" + role));
        return actors;
    }

    private List<String> actorsOfLocations(List<String> locations) {
        List<String> actors = new ArrayList<>(locations.stream().map(l -> "Location/" + l).toList());
        String joined = String.join(",", locations);
        availability.ids("PractitionerRole", Map.of("location", List.of(joined)))
                .forEach(role -> actors.add("PractitionerRole/" + role));
        availability.ids("HealthcareService", Map.of("location", List.of(joined)))
                .forEach(service -> actors.add("HealthcareService/" + service));
        return actors;
    }

    private static String cursorOf(Bundle.BundleLinkComponent next) {
        if (next == null || next.getUrl() == null) {
            return null;
        }
        for (String pair : URI.create(next.getUrl()).getRawQuery().split("&")) {
            if (pair.startsWith("_cursor=")) {
                return URLDecoder.decode(pair.substring("_cursor=".length()), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    /** @return location ids whose address city, state or postal code starts with the string (case-insensitive) */
    public List<String> locationsMatching(String text) {
        Set<String> ids = new LinkedHashSet<>();
        for (String param : List.of("address-city", "address-state", "address-postalcode")) {
            ids.addAll(availability.ids("Location", Map.of(param, List.of(text))));
        }
        return new ArrayList<>(ids);
    }

}
