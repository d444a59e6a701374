package io.slotstream.edgeprobe;

import io.slotstream.edge.security.SmartAccessManager;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A resource server with the service-edge security and the route rules of ingest-service, booking-bridge and
 * publish-service (set by the test): each endpoint answers what the edge decided (the source a write acts for).
 */
@SpringBootApplication(excludeName = {
        "org.springframework.boot.security.oauth2.server.authorization.autoconfigure.servlet.OAuth2AuthorizationServerAutoConfiguration",
        "org.springframework.boot.security.oauth2.server.authorization.autoconfigure.servlet.OAuth2AuthorizationServerJwtAutoConfiguration"})
public class ProbeApplication {

    @RestController
    static class Probe {
        @PutMapping("/fhir/{type}/{id}")
        String write(@PathVariable String type, @PathVariable String id, HttpServletRequest request) {
            return "source=" + request.getAttribute(SmartAccessManager.SOURCE_ATTRIBUTE) + " " + type + "/" + id;
        }

        @GetMapping("/fhir/Appointment")
        String appointments(HttpServletRequest request) {
            return "appointments of " + request.getParameter("patient");
        }

        @GetMapping("/admin/feeds")
        String feeds() {
            return "feeds";
        }

        @GetMapping("/$bulk-publish")
        String publication() {
            return "manifest";
        }
    }
}
