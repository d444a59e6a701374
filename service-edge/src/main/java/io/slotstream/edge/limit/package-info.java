/**
 * Request limits on a service's write APIs (issue 16, deliverable 5): per-client rate limits answered with 429,
 * {@code Retry-After} and an OperationOutcome ({@link io.slotstream.edge.limit.RateLimitFilter}, Bucket4j token
 * buckets), and request body size limits answered with 413 ({@link io.slotstream.edge.limit.BodySizeLimitFilter}).
 */
package io.slotstream.edge.limit;
