package io.jcri.e2e.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jcri.cri.v1.ContainerStatusRequest;
import io.jcri.cri.v1.VersionRequest;
import io.jcri.e2e.harness.JcriDaemon;
import io.jcri.e2e.harness.PrometheusScrape;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Prometheus endpoint of a real daemon: it parses, the series exist, counters follow the work done. */
class MetricsE2eTest {
    @TempDir
    Path base;

    @Test
    void countersMoveWithTheRpcsServedAndTheJvmIsDescribed() throws Exception {
        try (JcriDaemon daemon = JcriDaemon.start(base)) {
            PrometheusScrape before = PrometheusScrape.fetch(daemon.metricsPort());
            for (int i = 0; i < 5; i++) {
                daemon.endpoint().runtime().version(VersionRequest.getDefaultInstance());
            }
            assertThatThrownBy(() -> daemon.endpoint().runtime().containerStatus(ContainerStatusRequest.newBuilder()
                    .setContainerId("abcdef").build()));
            PrometheusScrape after = PrometheusScrape.fetch(daemon.metricsPort());

            String ok = "jcri_grpc_requests_total{method=\"Version\",code=\"OK\",}";
            String okPlain = "jcri_grpc_requests_total{method=\"Version\",code=\"OK\"}";
            double delta = (after.value(ok) + after.value(okPlain)) - (before.value(ok) + before.value(okPlain));
            assertThat(delta).as(after.text()).isEqualTo(5.0);
            assertThat(after.text()).contains("jcri_grpc_requests_total{method=\"ContainerStatus\",code=\"NOT_FOUND\"");
            assertThat(after.hasMetric("jcri_grpc_request_duration_seconds_bucket")).isTrue();
            assertThat(after.text()).contains("jcri_pod_sandboxes{state=\"ready\"");
            assertThat(after.text()).contains("jcri_containers{state=\"running\"");
            assertThat(after.value("jcri_image_pulls_in_flight")).isZero();
            assertThat(after.has("jcri_container_starts_total")).isTrue();
            assertThat(after.text()).contains("jcri_container_exits_total{reason=\"OOMKilled\"")
                    .contains("jcri_cni_operation_failures_total{operation=\"DEL\"");
            assertThat(after.has("jcri_image_pull_in_flight_bytes_done")).isTrue();
            assertThat(after.hasMetric("jvm_memory_bytes_used")).isTrue();
            assertThat(after.hasMetric("jvm_threads_current")).isTrue();
            assertThat(after.hasMetric("jvm_gc_collection_seconds_count")).isTrue();
            // bounded label sets: no container or sandbox id ever becomes a label value
            assertThat(after.text()).doesNotContain("abcdef");
        }
    }

    @Test
    void theEndpointCanBeSwitchedOff() throws Exception {
        try (JcriDaemon daemon = JcriDaemon.start(base, "--metrics-address", "off")) {
            assertThat(daemon.log()).doesNotContain("serving metrics");
        }
    }
}
