package io.slotstream.deploy.local;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LogLeakScanTest {

    @TempDir
    Path dir;

    @Test
    void namesFileLineAndNeedleOfEveryHitWithoutTheLine() throws Exception {
        Files.writeString(dir.resolve("a.log"), "ok\nAuthorization: Bearer eyJhbGciOiJSUzM4NCJ9.x.y\nok\n");
        Files.writeString(dir.resolve("b.log"), "booked for Pat Example\n");
        // state directories and other files are data, not logs
        Files.createDirectories(dir.resolve("svc-state"));
        Files.writeString(dir.resolve("svc-state/000004.log"), "Pat Example");
        Files.writeString(dir.resolve("notes.txt"), "Pat Example");

        List<String> hits = LogLeakScan.find(dir, List.of("eyJ", "Bearer ", "Pat Example", "1980-04-02"));

        assertThat(hits).containsExactly("a.log:2: eyJ", "a.log:2: Bearer ", "b.log:1: Pat Example");
        assertThat(LogLeakScan.find(dir, List.of("1980-04-02"))).isEmpty();
        assertThat(LogLeakScan.find(dir.resolve("missing"), LogLeakScan.TOKENS)).isEmpty();
    }
}
