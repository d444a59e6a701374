package io.slotstream.schemas.mapping;

import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.BaseDateTimeType;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.Property;

import java.util.List;
import java.util.Objects;

/**
 * Decides whether a rebuilt element equals the source element: HAPI's {@code equalsDeep} plus the details it
 * ignores: date/time precision and offset (equalsDeep compares only the instant, so "2020-01-01" would equal
 * "2020-01-01T00:00:00Z"). Zero milliseconds (".000") and "+00:00" vs "Z" count as the same. Empty elements count as
 * absent.
 */
final class ElementComparison {

    private ElementComparison() {
    }

    static boolean same(List<? extends Base> source, List<? extends Base> rebuilt) {
        List<? extends Base> a = nonEmpty(source);
        List<? extends Base> b = nonEmpty(rebuilt);
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!a.get(i).equalsDeep(b.get(i)) || !sameDetail(a.get(i), b.get(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean sameDetail(Base a, Base b) {
        if (!a.fhirType().equals(b.fhirType())) {
            return false;
        }
        if (a instanceof BaseDateTimeType && !Objects.equals(temporal(a.primitiveValue()), temporal(b.primitiveValue()))) {
            return false;
        }
        if (a instanceof PrimitiveType<?> primitive && !primitive.hasExtension()) {
            // Hot path: a leaf that equalsDeep already compared; only its extensions could hide a date.
            return true;
        }
        for (Property property : a.children()) {
            List<Base> left = nonEmpty(property.getValues());
            Property other = b.getNamedProperty(property.getName());
            List<Base> right = other == null ? List.of() : nonEmpty(other.getValues());
            if (left.size() != right.size()) {
                return false;
            }
            for (int i = 0; i < left.size(); i++) {
                if (!sameDetail(left.get(i), right.get(i))) {
                    return false;
                }
            }
        }
        return true;
    }

    private static <T extends Base> List<T> nonEmpty(List<T> values) {
        return values.stream().filter(v -> v != null && !v.isEmpty()).toList();
    }

    /** "2021-03-01T14:00:00.000Z" and "2021-03-01T14:00:00+00:00" both become "2021-03-01T14:00:00Z". */
    static String temporal(String value) {
        if (value == null) {
            return null;
        }
        String result = value;
        int dot = result.indexOf('.');
        if (dot > 0) {
            int end = dot + 1;
            while (end < result.length() && Character.isDigit(result.charAt(end))) {
                end++;
            }
            String digits = result.substring(dot + 1, end).replaceFirst("0+$", "");
            result = result.substring(0, dot) + (digits.isEmpty() ? "" : "." + digits) + result.substring(end);
        }
        if (result.endsWith("+00:00") || result.endsWith("-00:00")) {
            result = result.substring(0, result.length() - 6) + "Z";
        }
        return result;
    }
}
