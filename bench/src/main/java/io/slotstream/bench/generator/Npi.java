package io.slotstream.bench.generator;

/**
 * US National Provider Identifiers: 10 digits, starting with 1 or 2, the last a Luhn check digit computed over the
 * card-issuer prefix 80840 plus the first 9 digits (CMS NPI check-digit rule).
 */
final class Npi {

    /** {@code http://hl7.org/fhir/sid/us-npi}: the identifier system STU1 requires for NPIs. */
    static final String SYSTEM = "http://hl7.org/fhir/sid/us-npi";

    private Npi() {
    }

    /** A valid, unique NPI for index {@code i} (0 <= i < 10^8): a bijection, so indexes never share an NPI. */
    static String forIndex(int i) {
        long body = Math.floorMod(i * 104_729L, 100_000_000L); // 104729 is prime: multiplication is a bijection mod 10^8
        String nine = "1" + String.format("%08d", body);
        return nine + checkDigit(nine);
    }

    /** @return the Luhn check digit of "80840" + the 9 digits */
    static int checkDigit(String nineDigits) {
        String digits = "80840" + nineDigits;
        int sum = 0;
        boolean dbl = true; // the rightmost payload digit is doubled
        for (int k = digits.length() - 1; k >= 0; k--) {
            int d = digits.charAt(k) - '0';
            if (dbl) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            dbl = !dbl;
        }
        return (10 - sum % 10) % 10;
    }

    /** @return whether the 10-digit string is a valid NPI */
    static boolean isValid(String npi) {
        return npi != null && npi.matches("[12][0-9]{9}") && checkDigit(npi.substring(0, 9)) == npi.charAt(9) - '0';
    }
}
