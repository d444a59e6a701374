/**
 * The client side of SMART Backend Services: access tokens by {@code client_credentials} with a signed client
 * assertion ({@code private_key_jwt}, RS384/ES384), for Slotstream components that call a protected API themselves.
 * Plain Java (Nimbus JOSE + Jackson), usable without Spring.
 */
package io.slotstream.edge.security.client;
