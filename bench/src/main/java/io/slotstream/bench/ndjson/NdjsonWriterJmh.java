package io.slotstream.bench.ndjson;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import io.slotstream.bench.generator.GeneratedSlot;
import io.slotstream.bench.generator.GeneratorConfig;
import io.slotstream.bench.generator.HealthSystem;
import io.slotstream.bench.generator.SystemSize;
import io.slotstream.avro.SlotAvailability;
import io.slotstream.schemas.slot.PatientTypeDefault;
import io.slotstream.schemas.slot.SlotJsonWriter;
import io.slotstream.schemas.mapping.FhirAvroMapper;
import org.hl7.fhir.r4.model.Slot;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * JMH: writing the same {@value #BATCH} Slots as NDJSON (UTF-8 bytes into a counting sink) with publish-service's
 * hot-path writer ({@link SlotJsonWriter}, Jackson streaming from a {@code SlotAvailability}) vs HAPI's
 * {@code IParser.encodeResourceToWriter} of the same resources. Scores are Slots/s (operations are Slots,
 * {@link OperationsPerInvocation}). Both sides start from their in-memory model, built in setup (not measured): the
 * generated Slots mapped to {@code SlotAvailability} the way availability-service publishes them, and for HAPI the
 * resources parsed back from the writer's lines (the schemas module's {@code SlotJsonWriterEquivalenceTest} proves they
 * encode byte-identically). HAPI's parser is created once, as a service would.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class NdjsonWriterJmh {

    /** Slots per benchmark invocation. */
    public static final int BATCH = 1000;

    private List<SlotAvailability> views;
    private List<Slot> hapiSlots;
    private SlotJsonWriter slotstream;
    private IParser hapi;
    private CountingOutputStream sink;

    @Setup(Level.Trial)
    public void setUp() {
        HealthSystem system = new HealthSystem(new GeneratorConfig(SystemSize.SMALL, GeneratorConfig.DEFAULT_SEED,
                LocalDate.of(2026, 3, 2)));
        List<GeneratedSlot> slots = new ArrayList<>(BATCH);
        system.forEachSlot(s -> {
            if (slots.size() < BATCH) {
                slots.add(s);
            }
        });
        FhirAvroMapper mapper = new FhirAvroMapper();
        views = slots.stream().map(s -> PublishedSlots.view(mapper, HapiSlots.toHapi(s))).toList();
        slotstream = new SlotJsonWriter(new PatientTypeDefault("newpt", "Accepting new and existing patients"));
        hapi = FhirContext.forR4Cached().newJsonParser().setPrettyPrint(false);
        hapiSlots = views.stream()
                .map(v -> hapi.parseResource(Slot.class, new String(slotstream.write(v), StandardCharsets.UTF_8)))
                .toList();
        sink = new CountingOutputStream();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void slotstream(Blackhole bh) throws IOException {
        sink.reset();
        for (SlotAvailability view : views) {
            sink.write(slotstream.write(view));
            sink.write('\n');
        }
        bh.consume(sink.bytes());
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void hapi(Blackhole bh) throws IOException {
        sink.reset();
        Writer writer = new BufferedWriter(new OutputStreamWriter(sink, StandardCharsets.UTF_8), 8192);
        for (Slot slot : hapiSlots) {
            hapi.encodeResourceToWriter(slot, writer);
            writer.write('\n');
        }
        writer.flush();
        bh.consume(sink.bytes());
    }

    /** Bytes per Slot line of each writer for the same batch (to turn Slots/s into bytes/s). */
    public static double[] bytesPerSlot() throws IOException {
        NdjsonWriterJmh b = new NdjsonWriterJmh();
        b.setUp();
        Blackhole bh = new Blackhole("Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");
        b.slotstream(bh);
        double slotstreamBytes = (double) b.sink.bytes() / BATCH;
        b.hapi(bh);
        double hapiBytes = (double) b.sink.bytes() / BATCH;
        return new double[] {slotstreamBytes, hapiBytes};
    }
}
