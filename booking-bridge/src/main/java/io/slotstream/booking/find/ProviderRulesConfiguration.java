package io.slotstream.booking.find;

import io.slotstream.schemas.booking.BookingRulebook;
import io.slotstream.schemas.booking.BookingRules;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

import java.util.Map;

/**
 * The provider rules {@code $find} pre-filters by: the same {@link BookingRulebook} the decision point enforces, bound
 * from the same settings ({@code slotstream.booking.rules.*}, {@code slotstream.booking.sources.<source-id>.*}; keys
 * of other per-source settings, such as {@code portal-url-template}, are ignored here).
 */
@Configuration(proxyBeanMethods = false)
public class ProviderRulesConfiguration {

    @Bean
    BookingRulebook bookingRulebook(Environment environment) {
        Binder binder = Binder.get(environment);
        BookingRules defaults = binder.bind("slotstream.booking.rules", BookingRules.class).orElse(BookingRules.DEFAULT);
        Map<String, BookingRules> bySource = binder.bind("slotstream.booking.sources",
                Bindable.mapOf(String.class, BookingRules.class)).orElse(Map.of());
        return new BookingRulebook(defaults, bySource);
    }
}
