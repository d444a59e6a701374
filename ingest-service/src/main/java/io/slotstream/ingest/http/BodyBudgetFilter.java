package io.slotstream.ingest.http;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.util.concurrent.Semaphore;

/**
 * Bounds the request bodies the intake holds at once, in bytes, across all requests: a request with a body takes its
 * {@code Content-Length} (the body limit when the length is not declared) from the budget before it is read and gives
 * it back when it is answered; a request that does not fit waits (back-pressure to the sender). So the heap is bounded
 * by bytes, not by Tomcat's thread pool, and the pool can be large enough that requests waiting for their Kafka
 * transaction (tens of milliseconds each) do not cap the intake rate. Fair: requests are let in in arrival order, so
 * a small body waits behind a big one that waits (no big body starves).
 */
public final class BodyBudgetFilter extends OncePerRequestFilter {

    private static final int KIB = 1024;

    private final Semaphore budget;
    private final int budgetKib;
    private final long maxBodyBytes;

    /**
     * @param budgetBytes  bytes of bodies held at once, &gt;= 1 KiB
     * @param maxBodyBytes the body limit ({@code slotstream.ingest.max-body-bytes}): what a body of undeclared length
     *                     takes; a body bigger than the budget takes the whole budget
     * @throws IllegalArgumentException when the budget is below 1 KiB
     */
    public BodyBudgetFilter(long budgetBytes, long maxBodyBytes) {
        if (budgetBytes < KIB) {
            throw new IllegalArgumentException("slotstream.ingest.body-budget must be at least 1KB, was " + budgetBytes + " bytes");
        }
        this.budgetKib = (int) Math.min(Integer.MAX_VALUE, budgetBytes / KIB);
        this.budget = new Semaphore(budgetKib, true);
        this.maxBodyBytes = maxBodyBytes;
    }

    /** @return the budget not taken now, in KiB */
    public int availableKib() {
        return budget.availablePermits();
    }

    /** @return how many requests wait for the budget now (an estimate, as {@link Semaphore#getQueueLength()}) */
    public int waiting() {
        return budget.getQueueLength();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long declared = request.getContentLengthLong();
        boolean hasBody = declared > 0 || (declared < 0 && request.getHeader("Transfer-Encoding") != null);
        if (!hasBody) {
            chain.doFilter(request, response);
            return;
        }
        // a declared length over the body limit is refused (413) before reading: it holds no more than the limit
        long bytes = declared > 0 ? Math.min(declared, maxBodyBytes) : maxBodyBytes;
        int kib = (int) Math.min(budgetKib, Math.max(1, (bytes + KIB - 1) / KIB));
        try {
            budget.acquire(kib);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            response.sendError(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
            return;
        }
        try {
            chain.doFilter(request, response);
        } finally {
            budget.release(kib);
        }
    }
}
