package io.slotstream.publish.http;

import io.slotstream.publish.config.PublishProperties;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * The base URL the manifest's {@code request} and {@code output[].url} start with: {@code slotstream.publish.base-url}
 * when set (deployments behind a proxy), else the scheme, host and port of the request (honouring
 * {@code X-Forwarded-*} when {@code server.forward-headers-strategy} is set). File URLs start with
 * {@code slotstream.publish.files-base-url} when set (a CDN or the bucket), else with {@code <base>/data}. Never end
 * with a slash.
 */
@Component
class BaseUrls {

    private final String configured;
    private final String files;

    BaseUrls(PublishProperties properties) {
        String base = properties.baseUrl();
        this.configured = base == null || base.isBlank() ? null : stripSlash(base.trim());
        String filesBase = properties.filesBaseUrl();
        this.files = filesBase == null || filesBase.isBlank() ? null : stripSlash(filesBase.trim());
    }

    String files(String baseUrl) {
        return files != null ? files : baseUrl + "/data";
    }

    String of(HttpServletRequest request) {
        if (configured != null) {
            return configured;
        }
        return stripSlash(ServletUriComponentsBuilder.fromContextPath(request).replaceQuery(null).build().toUriString());
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
