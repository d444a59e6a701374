package io.slotstream.deploy.local;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LocalStackMainTest {

    @Test
    void parsesPortsAndFlags() {
        var options = LocalStackMain.parse(new String[]{"--kafka-port", "29092", "--no-services", "--data-dir", "/x"});
        assertThat(options).containsEntry("kafka-port", "29092").containsEntry("no-services", "true").containsEntry("data-dir", "/x");
    }

    @Test
    void rejectsUnknownOptionsAndMissingValues() {
        assertThatThrownBy(() -> LocalStackMain.parse(new String[]{"--colour", "red"}))
                .hasMessage("unknown option '--colour'");
        assertThatThrownBy(() -> LocalStackMain.parse(new String[]{"--kafka-port"}))
                .hasMessage("option '--kafka-port' needs a value");
        assertThatThrownBy(() -> LocalStackMain.parse(new String[]{"run"}))
                .hasMessageContaining("unexpected argument 'run'");
    }
}
