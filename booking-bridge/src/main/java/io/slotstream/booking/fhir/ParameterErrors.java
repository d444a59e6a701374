package io.slotstream.booking.fhir;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import io.slotstream.edge.outcome.OperationOutcomes;
import org.hl7.fhir.instance.model.api.IBaseOperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Makes HAPI's own answers to a URL parameter it cannot convert (a {@code start=notadate} of {@code $find}, a
 * {@code date} search value that is no date) name the parameter, as every Slotstream error does: HAPI's 400 says only
 * "Invalid date/time format", and a number it cannot parse ({@code _count=abc}) escapes its binding as a 500. Such
 * failures are recognized by where they were thrown (in HAPI's parameter binding, before any Slotstream code ran) and
 * the parameter by its value, which HAPI's message quotes. Everything else is left as HAPI answers it.
 */
@Interceptor
public class ParameterErrors {

    private static final Pattern QUOTED = Pattern.compile("\"([^\"]+)\"");

    /**
     * @return a 400 OperationOutcome naming the parameter in {@code expression}, or null to keep HAPI's answer
     */
    @Hook(Pointcut.SERVER_PRE_PROCESS_OUTGOING_EXCEPTION)
    public BaseServerResponseException nameTheParameter(RequestDetails request, Throwable failure) {
        boolean answered = failure instanceof BaseServerResponseException;
        if (answered) {
            BaseServerResponseException e = (BaseServerResponseException) failure;
            if (e.getStatusCode() != 400 || namesSomething(e.getOperationOutcome())) {
                return null;
            }
        } else if (!thrownByBinding(failure)) {
            return null;
        }
        String parameter = parameterQuoted(request, messages(failure));
        if (parameter == null) {
            return null;
        }
        String text = answered ? failure.getMessage() + " (parameter '" + parameter + "')"
                : "Parameter '" + parameter + "' has a value of the wrong type";
        InvalidRequestException named = new InvalidRequestException(text);
        named.setOperationOutcome(OperationOutcomes.error(OperationOutcome.IssueType.INVALID, text, parameter));
        return named;
    }

    private static boolean namesSomething(IBaseOperationOutcome outcome) {
        return outcome instanceof OperationOutcome oo
                && oo.getIssue().stream().anyMatch(i -> i.hasExpression() || i.hasLocation());
    }

    /** A failure whose origin is HAPI's argument binding: a HAPI method frame comes before any Slotstream frame. */
    static boolean thrownByBinding(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (!(root instanceof IllegalArgumentException || root instanceof DataFormatException)) {
            return false;
        }
        for (StackTraceElement frame : root.getStackTrace()) {
            if (frame.getClassName().startsWith("io.slotstream.")) {
                return false;
            }
            if (frame.getClassName().startsWith("ca.uhn.fhir.rest.server.method.")) {
                return true;
            }
        }
        return false;
    }

    private static List<String> messages(Throwable failure) {
        List<String> messages = new ArrayList<>();
        for (Throwable t = failure; t != null && messages.size() < 10; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null) {
                messages.add(t.getMessage());
            }
        }
        return messages;
    }

    /** @return the request parameter whose value a message quotes (the longest such value wins), or null */
    static String parameterQuoted(RequestDetails request, List<String> messages) {
        Map<String, String[]> parameters = request.getParameters();
        if (parameters == null) {
            return null;
        }
        String best = null;
        int bestLength = 0;
        for (Map.Entry<String, String[]> parameter : parameters.entrySet()) {
            for (String value : parameter.getValue()) {
                if (value == null || value.length() <= bestLength) {
                    continue;
                }
                for (String message : messages) {
                    if (message.contains("\"" + value + "\"") || message.contains("'" + value + "'")
                            || message.contains(": " + value)) {
                        best = parameter.getKey();
                        bestLength = value.length();
                        break;
                    }
                }
            }
        }
        return best != null ? best : parameterContaining(parameters, messages);
    }

    /** HAPI sometimes quotes only a part of the value (e.g. a bad date prefix), re-encoded: that part must be unique. */
    private static String parameterContaining(Map<String, String[]> parameters, List<String> messages) {
        Set<String> found = new LinkedHashSet<>();
        for (String message : messages) {
            Matcher quoted = QUOTED.matcher(message);
            while (quoted.find()) {
                String part = quoted.group(1).replace('+', ' ');
                if (part.isBlank()) {
                    continue;
                }
                parameters.forEach((name, values) -> {
                    for (String value : values) {
                        if (value != null && value.contains(part)) {
                            found.add(name);
                        }
                    }
                });
            }
        }
        return found.size() == 1 ? found.iterator().next() : null;
    }
}
