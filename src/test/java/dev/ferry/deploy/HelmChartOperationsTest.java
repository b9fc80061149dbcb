package dev.ferry.deploy;

import static dev.ferry.deploy.HelmChartTest.at;
import static dev.ferry.deploy.HelmChartTest.list;
import static dev.ferry.deploy.HelmChartTest.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * What the chart offers for running Ferry in production: a values schema that refuses typos, file mounts and
 * init containers, key rotation, pinned images, spreading, a warning about an open admin API, and KEDA scaling
 * on lag.
 */
class HelmChartOperationsTest {

    private static final Path CHART = Path.of("helm", "ferry");

    @Test
    void refusesAMisspelledValueInsteadOfIgnoringIt() {
        assertThatThrownBy(() -> template(command -> command.set("databse.url", "jdbc:postgresql://db/ferry")))
                .hasMessageContaining("databse");
        assertThatThrownBy(() -> template(command -> command.set("database.ulr", "jdbc:postgresql://db/ferry")))
                .hasMessageContaining("ulr");
        assertThatThrownBy(() -> template(command -> command.withValuesFile(valuesFile("databse:\n  url: x\n"))))
                .hasMessageContaining("databse");
        assertThatThrownBy(() -> template(command -> command.set("image.pullPolicy", "Sometimes")))
                .hasMessageContaining("pullPolicy");
    }

    @Test
    void acceptsAnyMonitoringValues() {
        List<Map<String, Object>> objects = template(command -> command.set("monitoring.grafana.enabled", "true")
                .set("monitoring.anything.deep.inside", "x"));

        assertThat(kinds(objects)).contains("Deployment");
    }

    @Test
    void mountsExtraVolumesAndRunsInitContainersAndEnvFrom() {
        Map<String, Object> spec = podSpec(template(command -> command
                .set("extraVolumes[0].name", "kafka-ca").set("extraVolumes[0].secret.secretName", "kafka-ca")
                .set("extraVolumeMounts[0].name", "kafka-ca").set("extraVolumeMounts[0].mountPath", "/etc/kafka-ca")
                .set("extraVolumeMounts[0].readOnly", "true")
                .set("initContainers[0].name", "wait").set("initContainers[0].image", "busybox:1.37")
                .set("envFrom[0].secretRef.name", "ferry-extra")));
        Map<String, Object> container = map(list(spec.get("containers")).get(0));

        assertThat(list(spec.get("volumes"))).extracting(volume -> map(volume).get("name"))
                .containsExactly("config", "tmp", "kafka-ca");
        assertThat(list(container.get("volumeMounts"))).contains(Map.of("name", "kafka-ca",
                "mountPath", "/etc/kafka-ca", "readOnly", true));
        assertThat(list(spec.get("initContainers"))).extracting(init -> map(init).get("image"))
                .containsExactly("busybox:1.37");
        assertThat(list(container.get("envFrom"))).hasSize(2)
                .contains(Map.of("secretRef", Map.of("name", "ferry-extra")));
    }

    @Test
    void passesPreviousEncryptionKeysForRotation() {
        List<Map<String, Object>> objects = template(command -> command
                .set("security.encryptionKey.existingSecret", "keys")
                .set("security.previousEncryptionKeys.existingSecret", "keys"));
        Map<String, Object> container = map(list(podSpec(objects).get("containers")).get(0));

        assertThat(list(container.get("env"))).contains(Map.of("name", "FERRY_SECURITY_PREVIOUS_ENCRYPTION_KEYS",
                "valueFrom", Map.of("secretKeyRef", Map.of("name", "keys", "key", "previous-encryption-keys"))));
    }

    @Test
    void pinsTheImageByDigest() {
        String digest = "sha256:" + "ab".repeat(32);
        Map<String, Object> container = map(list(podSpec(template(command -> command
                .set("image.repository", "registry.example.com/ferry").set("image.digest", digest)))
                .get("containers")).get(0));

        assertThat(container.get("image")).isEqualTo("registry.example.com/ferry@" + digest);
    }

    @Test
    void spreadsThePodsWithTheirOwnSelector() {
        Map<String, Object> spec = podSpec(template(command -> command
                .set("topologySpreadConstraints[0].maxSkew", "1")
                .set("topologySpreadConstraints[0].topologyKey", "topology.kubernetes.io/zone")
                .set("topologySpreadConstraints[0].whenUnsatisfiable", "ScheduleAnyway")));

        Map<String, Object> constraint = map(list(spec.get("topologySpreadConstraints")).get(0));
        assertThat(constraint).containsEntry("topologyKey", "topology.kubernetes.io/zone")
                .containsEntry("maxSkew", 1);
        assertThat(map(at(constraint, "labelSelector", "matchLabels")))
                .containsEntry("app.kubernetes.io/name", "ferry").containsEntry("app.kubernetes.io/instance", "ferry");
    }

    @Test
    void warnsInTheNotesWhileTheAdminApiIsOpen() {
        assertThat(notes(UnaryOperator.identity())).contains("WARNING: the admin API is open");
        assertThat(notes(command -> command.set("security.adminToken.existingSecret", "ferry-secrets")))
                .doesNotContain("admin API is open");
        assertThat(notes(command -> command.set("security.ingressTokens.existingSecret", "ferry-secrets")))
                .doesNotContain("admin API is open").contains("/actuator/prometheus needs a read-only");
    }

    @Test
    void scalesOnConsumerLagWithKeda() {
        List<Map<String, Object>> objects = template(command -> command.set("keda.enabled", "true")
                .set("keda.maxReplicaCount", "6").set("keda.prometheus.serverAddress", "http://prometheus:9090"));

        Map<String, Object> scaled = objects.stream().filter(o -> "ScaledObject".equals(o.get("kind"))).findFirst()
                .orElseThrow();
        assertThat(at(scaled, "spec", "scaleTargetRef", "name")).isEqualTo("ferry");
        assertThat(at(scaled, "spec", "maxReplicaCount")).isEqualTo(6);
        Map<String, Object> trigger = map(list(at(scaled, "spec", "triggers")).get(0));
        assertThat(trigger.get("type")).isEqualTo("prometheus");
        assertThat((String) at(trigger, "metadata", "query")).contains("ferry_consumer_lag");
        assertThat(at(trigger, "metadata", "threshold")).isEqualTo("1000");
        Map<String, Object> deployment = objects.stream().filter(o -> "Deployment".equals(o.get("kind")))
                .findFirst().orElseThrow();
        assertThat(map(deployment.get("spec"))).doesNotContainKey("replicas");
        assertThat(kinds(template(UnaryOperator.identity()))).doesNotContain("ScaledObject");
        assertThatThrownBy(() -> template(command -> command.set("keda.enabled", "true")))
                .hasMessageContaining("keda.prometheus.serverAddress");
        assertThatThrownBy(() -> template(command -> command.set("keda.enabled", "true")
                .set("keda.prometheus.serverAddress", "http://p:9090").set("autoscaling.enabled", "true")))
                .hasMessageContaining("not both");
    }

    private static Path valuesFile(String content) {
        try {
            Path file = Files.createTempFile("values", ".yaml");
            Files.writeString(file, content);
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The chart's NOTES.txt as Helm renders it after an install. {@code helm template} leaves NOTES out and an
     * install needs a cluster, so a copy of the chart renders the same file through {@code tpl} into a ConfigMap.
     */
    private static String notes(UnaryOperator<TemplateCommand> values) {
        try {
            Path copy = Files.createTempDirectory("ferry-chart");
            try (Stream<Path> files = Files.walk(CHART)) {
                for (Path file : files.toList()) {
                    Path target = copy.resolve(CHART.relativize(file).toString());
                    if (Files.isDirectory(file)) {
                        Files.createDirectories(target);
                    } else {
                        Files.copy(file, target);
                    }
                }
            }
            Files.move(copy.resolve("templates/NOTES.txt"), copy.resolve("notes.txt"));
            Files.writeString(copy.resolve("templates/notes.yaml"), """
                    apiVersion: v1
                    kind: ConfigMap
                    metadata:
                      name: notes
                    data:
                      notes: {{ tpl (.Files.Get "notes.txt") . | quote }}
                    """);
            String manifest = values.apply(new Helm(copy).template().withName("ferry").withNamespace("apps"))
                    .call();
            return parse(manifest).stream().filter(o -> "notes".equals(at(o, "metadata", "name")))
                    .map(o -> (String) at(o, "data", "notes")).findFirst().orElseThrow();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Map<String, Object>> template(UnaryOperator<TemplateCommand> values) {
        return parse(values.apply(new Helm(CHART).template().withName("ferry").withNamespace("apps")).call());
    }

    private static List<Map<String, Object>> parse(String manifest) {
        List<Map<String, Object>> objects = new ArrayList<>();
        for (Object document : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(manifest)) {
            if (document != null) {
                objects.add(map(document));
            }
        }
        return objects;
    }

    private static List<String> kinds(List<Map<String, Object>> objects) {
        return objects.stream().map(o -> (String) o.get("kind")).toList();
    }

    private static Map<String, Object> podSpec(List<Map<String, Object>> objects) {
        Map<String, Object> deployment = objects.stream().filter(o -> "Deployment".equals(o.get("kind")))
                .findFirst().orElseThrow();
        return map(at(deployment, "spec", "template", "spec"));
    }
}
