package io.slotstream.bench.http;

import io.slotstream.bench.core.BenchOptions;

/**
 * Where the local stack listens ({@code ./slotstream run} defaults), overridable per option: {@code --ingest-url}
 * (http://127.0.0.1:8081), {@code --availability-url} (:8082), {@code --publish-url} (:8083), {@code --bootstrap}
 * (127.0.0.1:19092), {@code --registry-url} (the Apicurio v3 API, http://127.0.0.1:18080/apis/registry/v3).
 */
public record Services(String ingest, String availability, String publish, String bootstrap, String registry) {

    public static Services from(BenchOptions o) {
        return new Services(o.string("ingest-url", "http://127.0.0.1:8081"),
                o.string("availability-url", "http://127.0.0.1:8082"),
                o.string("publish-url", "http://127.0.0.1:8083"),
                o.string("bootstrap", "127.0.0.1:19092"),
                o.string("registry-url", "http://127.0.0.1:18080/apis/registry/v3"));
    }
}
