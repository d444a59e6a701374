package io.slotstream.provisioning;

import io.slotstream.provisioning.cli.ProvisioningCli;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

/** Usage errors need no cluster; the CLI against a real broker and registry is tested in deploy/local. */
class ProvisioningCliTest {

    @Test
    void aMinInsyncReplicasAboveTheReplicationFactorIsAUsageErrorNamingTheRule() {
        StringWriter err = new StringWriter();
        CommandLine cli = ProvisioningCli.commandLine();
        cli.setErr(new PrintWriter(err, true));

        int exit = cli.execute("create", "--bootstrap-servers", "kafka:9092", "--registry-url",
                "http://registry:8080/apis/registry/v3", "--replication-factor", "1", "--min-insync-replicas", "2");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("min.insync.replicas must be between 1 and the replication factor (1), was 2");
    }

    @Test
    void withoutABrokerAddressItSaysWhichOptionOrVariableIsMissing() {
        StringWriter err = new StringWriter();
        CommandLine cli = ProvisioningCli.commandLine();
        cli.setErr(new PrintWriter(err, true));

        int exit = cli.execute("validate", "--registry-url", "http://registry:8080/apis/registry/v3");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("--bootstrap-servers");
    }
}
