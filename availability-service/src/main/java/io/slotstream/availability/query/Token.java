package io.slotstream.availability.query;

import io.slotstream.avro.CodeableConcept;
import io.slotstream.avro.Coding;

import java.util.List;

/**
 * A token search value: {@code code} (any system), {@code system|code}, {@code |code} (no system) or
 * {@code system|} (any code of the system).
 *
 * @param system     null = any system; "" = the coding must have no system
 * @param code       null = any code
 */
public record Token(String system, String code) {

    /** @throws SearchException when empty */
    public static Token parse(String value, String expression) {
        int bar = value.indexOf('|');
        Token t = bar < 0 ? new Token(null, value) : new Token(value.substring(0, bar),
                bar == value.length() - 1 ? null : value.substring(bar + 1));
        if (t.code == null && (t.system == null || t.system.isEmpty())) {
            throw new SearchException("token '" + value + "' needs a code or a system", expression);
        }
        return t;
    }

    /** @return whether the coding matches */
    public boolean matches(Coding coding) {
        if (code != null && !code.equals(coding.getCode())) {
            return false;
        }
        if (system == null) {
            return true;
        }
        return system.isEmpty() ? coding.getSystem() == null : system.equals(coding.getSystem());
    }

    /** @return whether any of the codings matches any of the tokens (a comma list is an OR) */
    public static boolean anyMatches(List<Token> tokens, List<Coding> codings) {
        return tokens.stream().anyMatch(t -> codings.stream().anyMatch(t::matches));
    }

    /** @return whether any coding of any concept matches any of the tokens */
    public static boolean anyMatchesConcepts(List<Token> tokens, List<CodeableConcept> concepts) {
        return concepts.stream().anyMatch(c -> anyMatches(tokens, c.getCoding()));
    }
}
