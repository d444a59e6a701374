package io.slotstream.ingest.intake;

import io.slotstream.edge.security.SmartCaller;
import io.slotstream.ingest.validation.IntakeException;
import io.slotstream.ingest.validation.Issue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The scopes a Bundle's entries need, checked once the Bundle is read (the edge cannot see the entries, so it only
 * asks for a source-bound system token): {@code POST} needs {@code c}, {@code PUT} (update or create) {@code cu},
 * {@code DELETE} {@code d}, each on the entry's resource type in the {@code system} context, the same letters as the
 * single-resource routes. One entry without them refuses the whole Bundle, transaction or batch, before anything is
 * prepared or written: authorization is a property of the request, and a refused write is not a dead letter.
 * Source: SMART App Launch 2.x scopes ({@code system/Slot.cud}); FHIR R4 RESTful API §3.1.0.11 (transaction/batch).
 */
final class BundleScopes {

    private static final Set<String> SYSTEM = Set.of("system");
    private static final String RULE = "SMART scopes: system/<Type>.<cud> for each Bundle entry (README.md, Security)";

    private BundleScopes() {
    }

    /**
     * @param caller  the token's caller; null when request security is off (nothing to check)
     * @param entries the Bundle's readable entries
     * @throws IntakeException 403, one {@code forbidden} issue per entry at {@code Bundle.entry[i].request}, naming the
     *                         scope it needs
     */
    static void require(SmartCaller caller, List<BundleEntryRequest> entries) {
        if (caller == null) {
            return;
        }
        List<Issue> refused = new ArrayList<>();
        for (BundleEntryRequest entry : entries) {
            String letters = switch (entry.method()) {
                case "DELETE" -> "d";
                case "POST" -> "c";
                default -> "cu";
            };
            String type = entry.kind().fhirType();
            for (char letter : letters.toCharArray()) {
                if (!caller.grants(type, letter, SYSTEM)) {
                    refused.add(Issue.structure("forbidden", "Bundle.entry[" + entry.index() + "].request", RULE,
                            "Insufficient scope: " + entry.method() + " " + type + " needs system/" + type + "." + letters
                                    + "; the token has '" + caller.scopeText() + "'"));
                    break;
                }
            }
        }
        if (!refused.isEmpty()) {
            throw new IntakeException(403, refused);
        }
    }
}
