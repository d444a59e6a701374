package io.slotstream.ingest.identity;

import io.slotstream.ingest.validation.ReferenceScan;
import io.slotstream.schemas.identity.CanonicalId;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Gives a validated resource from source S its Slotstream identity (design.md "Identity"; spec §9 aggregator rules):
 * <ul>
 *   <li>{@code id} -> {@link CanonicalId#of}(S, id);</li>
 *   <li>every relative reference {@code Type/x} (with optional {@code /_history/v}) -> {@code Type/}
 *       {@link CanonicalId#of}(S, x): a source's references always mean that source's resources;</li>
 *   <li>the source's own id is kept as an {@code identifier} with system {@code <identifierSystemBase><S>} (added
 *       once: a re-sent resource that already carries it is not changed);</li>
 *   <li>{@code meta.source} = {@code <identifierSystemBase><S>/<Type>/<id>} unless the source set one itself.</li>
 * </ul>
 * Absolute and contained ({@code #x}) references are left alone. Thread-safe.
 */
public final class Reidentifier {

    private static final Pattern RELATIVE = Pattern.compile("([A-Z][A-Za-z]+)/([A-Za-z0-9\\-.]{1,64})(/_history/.*)?");

    private final String identifierSystemBase;

    public Reidentifier(String identifierSystemBase) {
        this.identifierSystemBase = identifierSystemBase;
    }

    /** @return the identifier system under which source {@code source}'s own ids are kept */
    public String identifierSystem(String source) {
        return identifierSystemBase + source;
    }

    /**
     * Re-ids the resource in place.
     *
     * @param resource   validated; its id is a valid FHIR id
     * @param source     the source id (matches {@link CanonicalId#SOURCE_ID})
     * @param references the resource's references ({@link ReferenceScan#of})
     * @return the canonical id
     */
    public String reidentify(Resource resource, String source, List<ReferenceScan.Located> references) {
        String type = resource.fhirType();
        String original = resource.getIdElement().getIdPart();
        String canonical = CanonicalId.of(source, original);
        resource.setId(canonical);
        for (ReferenceScan.Located located : references) {
            Reference reference = located.reference();
            String value = reference.getReference();
            if (value == null) {
                continue;
            }
            Matcher m = RELATIVE.matcher(value);
            if (m.matches()) {
                String history = m.group(3) == null ? "" : m.group(3);
                reference.setReference(m.group(1) + "/" + CanonicalId.of(source, m.group(2)) + history);
            }
        }
        String system = identifierSystem(source);
        List<Base> identifiers = resource.getNamedProperty("identifier").getValues();
        boolean present = identifiers.stream().anyMatch(b -> b instanceof Identifier id
                && system.equals(id.getSystem()) && original.equals(id.getValue()));
        if (!present) {
            Identifier identifier = (Identifier) resource.addChild("identifier");
            identifier.setSystem(system).setValue(original);
        }
        if (!resource.getMeta().hasSource()) {
            resource.getMeta().setSource(system + "/" + type + "/" + original);
        }
        return canonical;
    }
}
