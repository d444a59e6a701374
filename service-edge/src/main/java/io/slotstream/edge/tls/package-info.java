/**
 * TLS of the HTTP clients every service uses to call another Slotstream service or the authorization server: one
 * trust decision ({@link io.slotstream.edge.tls.ServiceTls}), configured once with a Spring Boot SSL bundle
 * ({@code slotstream.tls.client-bundle}). The listeners' own TLS is Spring Boot's ({@code server.ssl.bundle}).
 */
package io.slotstream.edge.tls;
