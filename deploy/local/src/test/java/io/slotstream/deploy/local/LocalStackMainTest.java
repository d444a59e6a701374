package io.slotstream.deploy.local;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LocalStackMainTest {

    @Test
    void parsesPortsAndFlags() {
        var options = LocalStackMain.parse(new String[]{"--kafka-port", "29092", "--no-services", "--tls", "--data-dir", "/x"});
        assertThat(options).containsEntry("kafka-port", "29092").containsEntry("no-services", "true").containsEntry("tls", "true")
                .containsEntry("data-dir", "/x");
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

    @Test
    void readyTimeoutTakesSecondsAndHelpIsAFlag() {
        assertThat(LocalStackMain.parse(new String[]{"--ready-timeout", "600", "--help"}))
                .containsEntry("ready-timeout", "600").containsEntry("help", "true");
        assertThatThrownBy(() -> LocalStackMain.parse(new String[]{"--ready-timeout", "10m"}))
                .hasMessageContaining("--ready-timeout needs a number of seconds");
        assertThat(LocalStackMain.USAGE).contains("--ready-timeout SECONDS").contains("--tls").contains("--security token|off");
    }

    @Test
    void subscribeRepeatsAndSplitsAtTheLastEquals() {
        var options = LocalStackMain.parse(new String[]{"--subscribe", "https://a.example/$bulk-publish?k=v=SRC-a",
                "--subscribe", "http://127.0.0.1:9/$bulk-publish=b"});
        assertThat(LocalStackMain.subscriptions(options)).containsExactly(
                org.assertj.core.api.Assertions.entry("https://a.example/$bulk-publish?k=v", "SRC-a"),
                org.assertj.core.api.Assertions.entry("http://127.0.0.1:9/$bulk-publish", "b"));
        assertThatThrownBy(() -> LocalStackMain.parse(new String[]{"--subscribe", "ftp://x=y"}))
                .hasMessageContaining("--subscribe needs URL=SOURCE");
        assertThatThrownBy(() -> LocalStackMain.parse(new String[]{"--subscribe", "https://x/$bulk-publish=bad.source"}))
                .hasMessageContaining("--subscribe needs URL=SOURCE");
    }
}
