package io.slotstream.schemas.booking;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BookingDeepLinksTest {

    static final Instant START = Instant.parse("2026-09-30T14:00:00Z");
    static final Instant END = START.plusSeconds(900);
    final BookingDeepLinks links = new BookingDeepLinks("http://127.0.0.1:8084", "0123456789abcdef-test-key");

    static Map<String, String> query(String link) {
        Map<String, String> q = new HashMap<>();
        for (String pair : URI.create(link).getRawQuery().split("&")) {
            q.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
        }
        return q;
    }

    @Test
    void aLinkVerifiesForItsSlotAndVersionOnly() {
        Map<String, String> q = query(links.linkFor("acme.s1", START, END));

        assertThat(q.get("v")).isEqualTo(BookingDeepLinks.version(START, END)).hasSize(16);
        assertThat(links.verify("acme.s1", q.get("v"), q.get("sig"))).isTrue();
        assertThat(links.verify("acme.s2", q.get("v"), q.get("sig"))).isFalse();
        assertThat(links.verify("acme.s1", BookingDeepLinks.version(START, END.plusSeconds(60)), q.get("sig"))).isFalse();
        assertThat(links.verify("acme.s1", q.get("v"), q.get("sig").substring(1) + "A")).isFalse();
        assertThat(links.verify("acme.s1", q.get("v"), null)).isFalse();
    }

    @Test
    void anotherKeyDoesNotVerify() {
        Map<String, String> q = query(links.linkFor("acme.s1", START, END));
        BookingDeepLinks other = new BookingDeepLinks("http://127.0.0.1:8084", "another-key-of-16-chars");

        assertThat(other.verify("acme.s1", q.get("v"), q.get("sig"))).isFalse();
    }

    @Test
    void aShortOrMissingKeyIsRefused() {
        assertThatThrownBy(() -> new BookingDeepLinks("http://x", "short")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("16");
        assertThatThrownBy(() -> new BookingDeepLinks(" ", "0123456789abcdef")).isInstanceOf(IllegalArgumentException.class);
    }
}
