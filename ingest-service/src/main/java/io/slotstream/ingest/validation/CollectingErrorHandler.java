package io.slotstream.ingest.validation;

import ca.uhn.fhir.parser.IParserErrorHandler;
import ca.uhn.fhir.parser.json.BaseJsonLikeValue;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * HAPI parse errors as {@link Issue}s: as strict as HAPI's {@code StrictErrorHandler} (unknown elements, wrong JSON
 * types, invalid primitive values, repeated singletons are all errors), but collecting every problem with its FHIRPath
 * instead of stopping at the first. One instance per parse (not thread-safe).
 */
final class CollectingErrorHandler implements IParserErrorHandler {

    private static final String RULE = "FHIR R4 JSON (http://hl7.org/fhir/R4/json.html)";

    private final JsonNode json;
    private final String resourceType;
    private final List<Issue> issues = new ArrayList<>();

    CollectingErrorHandler(JsonNode json, String resourceType) {
        this.json = json;
        this.resourceType = resourceType;
    }

    List<Issue> issues() {
        return issues;
    }

    private String at(IParseLocation location, String key, String value) {
        String parent = location == null ? null : location.getParentElementName();
        return JsonLocator.locate(json, resourceType, parent, key, value);
    }

    @Override
    public void unknownElement(IParseLocation location, String elementName) {
        issues.add(Issue.structure("structure", at(location, elementName, null), RULE,
                "Unknown element '" + elementName + "'"));
    }

    @Override
    public void unknownAttribute(IParseLocation location, String attributeName) {
        issues.add(Issue.structure("structure", at(location, attributeName, null), RULE,
                "Unknown attribute '" + attributeName + "'"));
    }

    @Override
    public void incorrectJsonType(IParseLocation location, String elementName, BaseJsonLikeValue.ValueType expected,
                                  BaseJsonLikeValue.ScalarType expectedScalar, BaseJsonLikeValue.ValueType found,
                                  BaseJsonLikeValue.ScalarType foundScalar) {
        issues.add(Issue.structure("structure", at(location, elementName, null), RULE,
                "Element '" + elementName + "' must be a JSON " + describe(expected, expectedScalar) + ", found "
                        + describe(found, foundScalar)));
    }

    @Override
    public void invalidValue(IParseLocation location, String value, String error) {
        issues.add(Issue.structure("value", at(location, null, value),
                "FHIR R4 datatypes: a valid primitive value (http://hl7.org/fhir/R4/datatypes.html)",
                "Invalid value '" + value + "': " + error));
    }

    @Override
    public void missingRequiredElement(IParseLocation location, String elementName) {
        issues.add(Issue.structure("required", at(location, elementName, null), RULE,
                "Missing required element '" + elementName + "'"));
    }

    @Override
    public void unexpectedRepeatingElement(IParseLocation location, String elementName) {
        issues.add(Issue.structure("structure", at(location, elementName, null), RULE,
                "Element '" + elementName + "' may occur only once (found an array)"));
    }

    @Override
    public void containedResourceWithNoId(IParseLocation location) {
        issues.add(Issue.structure("required", resourceType + ".contained", RULE, "Contained resource has no id"));
    }

    @Override
    public void unknownReference(IParseLocation location, String reference) {
        issues.add(Issue.structure("structure", at(location, null, reference), RULE,
                "Unknown contained reference '" + reference + "'"));
    }

    @Override
    public void invalidInternalReference(IParseLocation location, String reference) {
        issues.add(Issue.structure("structure", at(location, null, reference), RULE,
                "Invalid internal reference '" + reference + "'"));
    }

    @Override
    public void extensionContainsValueAndNestedExtensions(IParseLocation location) {
        issues.add(Issue.structure("structure", at(location, "extension", null), "ext-1",
                "An extension must have either extensions or a value[x], not both"));
    }

    private static String describe(BaseJsonLikeValue.ValueType type, BaseJsonLikeValue.ScalarType scalar) {
        if (type == null) {
            return "value";
        }
        return type == BaseJsonLikeValue.ValueType.SCALAR && scalar != null ? scalar.name().toLowerCase()
                : type.name().toLowerCase();
    }
}
