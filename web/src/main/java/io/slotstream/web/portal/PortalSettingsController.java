package io.slotstream.web.portal;

import io.slotstream.web.WebProperties;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/portal-settings}: {@code {"patientFields": [...], "holdSeconds": n}}: the patient form the portal
 * shows (all required) and the hold time it counts down from.
 */
@RestController
public class PortalSettingsController {

    private final List<String> patientFields;
    private final long holdSeconds;

    public PortalSettingsController(WebProperties properties) {
        this.patientFields = List.copyOf(properties.patientFields());
        this.holdSeconds = properties.holdDuration().toSeconds();
    }

    @GetMapping(path = "/api/portal-settings", produces = "application/json")
    public Map<String, Object> settings() {
        return Map.of("patientFields", patientFields, "holdSeconds", holdSeconds);
    }
}
