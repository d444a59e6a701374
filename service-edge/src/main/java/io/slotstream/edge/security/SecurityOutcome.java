package io.slotstream.edge.security;

/**
 * A one-issue FHIR R4 {@code OperationOutcome} as JSON. Interim: replace with the shared builder of
 * {@code io.slotstream.edge.outcome} once it is on main (one OperationOutcome builder per project).
 */
final class SecurityOutcome {

    private SecurityOutcome() {
    }

    static String json(String code, String diagnostics) {
        return "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\"" + code
                + "\",\"diagnostics\":\"" + escape(diagnostics) + "\"}]}";
    }

    private static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }
}
