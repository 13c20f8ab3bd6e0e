package io.jcri.image.registry;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RegistryHostsTest {
    private static List<String> urls(RegistryHosts hosts, String domain) {
        return hosts.endpoints(domain).stream().map(e -> e.base() + (e.mirror() ? " m" : "")
                + (e.skipVerify() ? " insecure" : "")).toList();
    }

    @Test
    void httpsToTheHostByDefaultAndDockerHubByItsApiHost() {
        RegistryHosts hosts = new RegistryHosts(Map.of());
        assertThat(urls(hosts, "quay.io")).containsExactly("https://quay.io");
        assertThat(urls(hosts, "localhost:5000")).containsExactly("https://localhost:5000");
        assertThat(urls(hosts, "docker.io")).containsExactly("https://registry-1.docker.io");
    }

    @Test
    void mirrorsFirstThenTheHostUnlessNoFallback() {
        RegistryHosts hosts = new RegistryHosts(Map.of(
                "docker.io", RegistryHostConfig.mirroredBy("http://127.0.0.1:5000/", "mirror.example"),
                "registry.k8s.io", RegistryHostConfig.mirroredBy("http://127.0.0.1:5000").withNoFallback(),
                "10.0.0.1:5000", new RegistryHostConfig(List.of(), true, false, false),
                "self.signed", new RegistryHostConfig(List.of(), false, true, false)));
        assertThat(urls(hosts, "docker.io")).containsExactly("http://127.0.0.1:5000 m", "https://mirror.example m",
                "https://registry-1.docker.io");
        assertThat(urls(hosts, "registry.k8s.io")).containsExactly("http://127.0.0.1:5000 m");
        assertThat(urls(hosts, "10.0.0.1:5000")).containsExactly("http://10.0.0.1:5000");
        assertThat(urls(hosts, "self.signed")).containsExactly("https://self.signed insecure");
    }

    @Test
    void wildcardConfiguresEveryOtherHost() {
        RegistryHosts hosts = new RegistryHosts(Map.of(
                RegistryHosts.ANY_HOST, RegistryHostConfig.mirroredBy("http://127.0.0.1:5000").withNoFallback(),
                "quay.io", RegistryHostConfig.DEFAULT));
        assertThat(urls(hosts, "gcr.io")).containsExactly("http://127.0.0.1:5000 m");
        assertThat(urls(hosts, "docker.io")).containsExactly("http://127.0.0.1:5000 m");
        assertThat(urls(hosts, "quay.io")).containsExactly("https://quay.io");
    }
}
