package io.slotstream.availability;

import io.slotstream.availability.store.StoreNames;
import io.slotstream.schemas.topic.Topics;
import org.junit.jupiter.api.Test;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ClassPathResource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The binder bindings in application.yml name the catalogue topics and the store names the code reads. */
class ApplicationYamlCatalogueTest {

    @Test
    void bindingsMatchTheTopicCatalogueAndStoreNames() throws Exception {
        PropertySource<?> yml = new YamlPropertySourceLoader()
                .load("application", new ClassPathResource("application.yml")).get(0);
        List<String> inputs = List.of(Topics.SLOT.name(), Topics.BOOKING_EVENTS.name(), Topics.SCHEDULE.name(),
                Topics.LOCATION.name(), Topics.PRACTITIONER_ROLE.name(), Topics.HEALTHCARE_SERVICE.name(),
                Topics.PRACTITIONER.name());
        for (int i = 0; i < inputs.size(); i++) {
            assertThat(yml.getProperty("spring.cloud.stream.bindings.availability-in-" + i + ".destination"))
                    .hasToString(inputs.get(i));
        }
        assertThat(yml.getProperty("spring.cloud.stream.bindings.availability-out-0.destination"))
                .hasToString(Topics.SLOT_AVAILABILITY.name());
        List<String> stores = List.of(StoreNames.SCHEDULES, StoreNames.LOCATIONS, StoreNames.PRACTITIONER_ROLES,
                StoreNames.HEALTHCARE_SERVICES, StoreNames.PRACTITIONERS);
        for (int i = 0; i < stores.size(); i++) {
            assertThat(yml.getProperty("spring.cloud.stream.kafka.streams.bindings.availability-in-" + (i + 2)
                    + ".consumer.materialized-as")).hasToString(stores.get(i));
        }
        assertThat(yml.getProperty("spring.cloud.stream.kafka.streams.binder.configuration.processing.guarantee"))
                .hasToString("exactly_once_v2");
    }

    @Test
    void slotDiscoveryIsOpenUnderSlotstreamSecurity() throws Exception {
        PropertySource<?> yml = new YamlPropertySourceLoader()
                .load("application", new ClassPathResource("application.yml")).get(0);
        // under slotstream.security (service-edge reads nothing elsewhere): without these routes every search needs a token
        assertThat(yml.getProperty("slotstream.security.search-access")).hasToString("open");
        assertThat(yml.getProperty("slotstream.security.routes[1].paths[0]")).hasToString("/fhir/{type}");
        assertThat(yml.getProperty("slotstream.security.routes[1].access")).hasToString("search");
        assertThat(yml.containsProperty("spring.cloud.security.search-access")).isFalse();
    }
}
