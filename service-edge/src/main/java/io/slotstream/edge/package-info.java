/**
 * The HTTP edge every Slotstream service shares, as one small module instead of four copies: how errors are answered
 * (a FHIR {@code OperationOutcome}, never HTML or a stack trace) and how requests are authenticated and authorized.
 * Services pick it up through Spring Boot auto-configuration
 * ({@code META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports}).
 */
package io.slotstream.edge;
