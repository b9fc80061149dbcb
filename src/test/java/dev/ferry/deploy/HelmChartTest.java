package dev.ferry.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Lints the Helm chart in helm/ferry and checks the objects it renders, with the default values and
 * with values a production install would set.
 */
class HelmChartTest {

    private static final Path CHART = Path.of("helm", "ferry");
    private static final String RELEASE = "ferry";
    private static final String NAMESPACE = "apps";

    @Test
    void passesStrictLint() {
        LintResult result = new Helm(CHART).lint().strict().call();

        assertThat(result.isFailed()).as("lint failed: %s", result.getMessages()).isFalse();
        assertThat(result.getMessages()).noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class WithDefaultValues {

        private Rendered rendered;

        @BeforeAll
        void render() {
            rendered = template(UnaryOperator.identity());
        }

        @Test
        void rendersTheBaseObjectsOnly() {
            assertThat(rendered.kinds())
                    .containsExactlyInAnyOrder("ServiceAccount", "ConfigMap", "ConfigMap", "Service", "Deployment");
        }

        @Test
        void runsOnePodOfTheImageBuiltBySpringBoot() {
            Map<String, Object> deployment = rendered.one("Deployment");
            Map<String, Object> container = container(deployment);

            assertThat(at(deployment, "spec", "replicas")).isEqualTo(1);
            assertThat(container.get("image")).isEqualTo("docker.io/library/ferry:0.1.0-SNAPSHOT");
            assertThat(container.get("imagePullPolicy")).isEqualTo("IfNotPresent");
            assertThat(list(container.get("ports")))
                    .containsExactly(Map.of("name", "http", "containerPort", 8080, "protocol", "TCP"));
            assertThat(at(deployment, "spec", "template", "spec", "serviceAccountName")).isEqualTo(RELEASE);
            assertThat(at(deployment, "spec", "template", "spec", "automountServiceAccountToken")).isEqualTo(false);
        }

        @Test
        void probesTheActuatorHealthGroups() {
            Map<String, Object> container = container(rendered.one("Deployment"));

            assertThat(at(container, "livenessProbe", "httpGet"))
                    .isEqualTo(Map.of("path", "/actuator/health/liveness", "port", "http"));
            assertThat(at(container, "readinessProbe", "httpGet"))
                    .isEqualTo(Map.of("path", "/actuator/health/readiness", "port", "http"));
            assertThat(at(container, "startupProbe", "httpGet"))
                    .isEqualTo(Map.of("path", "/actuator/health/liveness", "port", "http"));
        }

        @Test
        void runsLockedDownWithAWritableTmp() {
            Map<String, Object> deployment = rendered.one("Deployment");
            Map<String, Object> pod = map(at(deployment, "spec", "template", "spec"));
            Map<String, Object> container = container(deployment);

            assertThat(at(pod, "securityContext", "runAsNonRoot")).isEqualTo(true);
            assertThat(at(pod, "securityContext", "seccompProfile", "type")).isEqualTo("RuntimeDefault");
            Map<String, Object> securityContext = map(container.get("securityContext"));
            assertThat(securityContext)
                    .containsEntry("runAsNonRoot", true)
                    .containsEntry("readOnlyRootFilesystem", true)
                    .containsEntry("allowPrivilegeEscalation", false);
            assertThat((int) securityContext.get("runAsUser")).isPositive();
            assertThat(at(securityContext, "capabilities", "drop")).isEqualTo(List.of("ALL"));
            assertThat(at(securityContext, "seccompProfile", "type")).isEqualTo("RuntimeDefault");

            assertThat(list(container.get("volumeMounts")))
                    .contains(Map.of("name", "tmp", "mountPath", "/tmp"))
                    .contains(Map.of("name", "config", "mountPath", "/config", "readOnly", true));
            assertThat(volume(deployment, "tmp")).containsKey("emptyDir");
            assertThat(at(volume(deployment, "config"), "configMap", "name")).isEqualTo(RELEASE);
        }

        @Test
        void feedsSpringFromTheConfigMaps() {
            Map<String, Object> deployment = rendered.one("Deployment");
            Map<String, Object> container = container(deployment);

            assertThat(env(container, "SPRING_CONFIG_ADDITIONAL_LOCATION"))
                    .containsEntry("value", "optional:file:/config/");
            assertThat(list(container.get("envFrom")))
                    .containsExactly(Map.of("configMapRef", Map.of("name", RELEASE + "-env")));

            Map<String, Object> envData = map(rendered.named("ConfigMap", RELEASE + "-env").get("data"));
            assertThat(envData)
                    .containsEntry("SPRING_DATASOURCE_URL", "jdbc:postgresql://postgres:5432/ferry")
                    .containsEntry("SPRING_DATASOURCE_USERNAME", "ferry")
                    .containsEntry("JAVA_TOOL_OPTIONS",
                            "-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError -XX:TieredStopAtLevel=1"
                                    + " -XX:+UseSerialGC");

            Object applicationYaml = at(rendered.named("ConfigMap", RELEASE), "data", "application.yaml");
            assertThat(parse((String) applicationYaml)).isEqualTo(Map.of());
        }

        @Test
        void leavesUnsetSecretsOut() {
            Map<String, Object> container = container(rendered.one("Deployment"));

            assertThat(envNames(container)).doesNotContain(
                    "SPRING_DATASOURCE_PASSWORD", "FERRY_SECURITY_ADMIN_TOKEN", "FERRY_SECURITY_ENCRYPTION_KEY",
                    "FERRY_SECURITY_SIGNING_KEY");
        }

        @Test
        void announcesTheMetricsEndpointAndTheConfigChecksum() {
            Map<String, Object> annotations = podAnnotations(rendered.one("Deployment"));

            assertThat(annotations)
                    .containsEntry("prometheus.io/scrape", "true")
                    .containsEntry("prometheus.io/path", "/actuator/prometheus")
                    .containsEntry("prometheus.io/port", "8080");
            assertThat((String) annotations.get("checksum/config")).matches("[0-9a-f]{64}");
        }

        @Test
        void exposesPort8080InsideTheCluster() {
            Map<String, Object> service = rendered.one("Service");

            assertThat(at(service, "spec", "type")).isEqualTo("ClusterIP");
            assertThat(list(at(service, "spec", "ports")))
                    .containsExactly(Map.of("name", "http", "port", 8080, "targetPort", "http", "protocol", "TCP"));
            Map<String, Object> podLabels = map(at(rendered.one("Deployment"), "spec", "template",
                    "metadata", "labels"));
            assertThat(podLabels).containsAllEntriesOf(map(at(service, "spec", "selector")));
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class WithProductionValues {

        private Rendered rendered;

        @BeforeAll
        void render() {
            rendered = template(command -> command.withValuesFile(resource("helm/custom-values.yaml")));
        }

        @Test
        void rendersTheOptionalObjects() {
            assertThat(rendered.kinds()).containsExactlyInAnyOrder(
                    "ConfigMap", "ConfigMap", "Secret", "Service", "Deployment",
                    "HorizontalPodAutoscaler", "PodDisruptionBudget", "ServiceMonitor");
        }

        @Test
        void leavesTheReplicaCountToTheAutoscaler() {
            Map<String, Object> deployment = rendered.one("Deployment");
            Map<String, Object> hpa = rendered.one("HorizontalPodAutoscaler");

            assertThat(map(deployment.get("spec"))).doesNotContainKey("replicas");
            assertThat(hpa.get("apiVersion")).isEqualTo("autoscaling/v2");
            assertThat(at(hpa, "spec", "scaleTargetRef"))
                    .isEqualTo(Map.of("apiVersion", "apps/v1", "kind", "Deployment", "name", RELEASE));
            assertThat(at(hpa, "spec", "minReplicas")).isEqualTo(3);
            assertThat(at(hpa, "spec", "maxReplicas")).isEqualTo(8);
            assertThat(list(at(hpa, "spec", "metrics")))
                    .extracting(m -> at(m, "resource", "name"), m -> at(m, "resource", "target", "averageUtilization"))
                    .containsExactly(
                            tuple("cpu", 70),
                            tuple("memory", 85));
        }

        @Test
        void keepsOnePodDuringDisruptions() {
            Map<String, Object> pdb = rendered.one("PodDisruptionBudget");

            assertThat(pdb.get("apiVersion")).isEqualTo("policy/v1");
            assertThat(at(pdb, "spec", "minAvailable")).isEqualTo(1);
            assertThat(at(pdb, "spec", "selector", "matchLabels"))
                    .isEqualTo(at(rendered.one("Deployment"), "spec", "selector", "matchLabels"));
        }

        @Test
        void readsSecretsFromExistingSecretsOrTheChartSecret() {
            Map<String, Object> container = container(rendered.one("Deployment"));

            assertThat(at(env(container, "SPRING_DATASOURCE_PASSWORD"), "valueFrom", "secretKeyRef"))
                    .isEqualTo(Map.of("name", "db-credentials", "key", "password"));
            assertThat(at(env(container, "FERRY_SECURITY_ADMIN_TOKEN"), "valueFrom", "secretKeyRef"))
                    .isEqualTo(Map.of("name", "ferry-admin", "key", "token"));
            assertThat(at(env(container, "FERRY_SECURITY_ENCRYPTION_KEY"), "valueFrom", "secretKeyRef"))
                    .isEqualTo(Map.of("name", RELEASE, "key", "encryption-key"));
            assertThat(at(env(container, "FERRY_SECURITY_SIGNING_KEY"), "valueFrom", "secretKeyRef"))
                    .isEqualTo(Map.of("name", "ferry-signing", "key", "hmac"));

            Map<String, Object> secret = rendered.one("Secret");
            assertThat(at(secret, "metadata", "name")).isEqualTo(RELEASE);
            Map<String, Object> data = map(secret.get("data"));
            assertThat(data).containsOnlyKeys("encryption-key");
            assertThat(new String(Base64.getDecoder().decode((String) data.get("encryption-key")),
                    StandardCharsets.UTF_8))
                    .isEqualTo("inline-encryption-key");
        }

        @Test
        void appliesImageResourcesSchedulingAndExtras() {
            Map<String, Object> deployment = rendered.one("Deployment");
            Map<String, Object> pod = map(at(deployment, "spec", "template", "spec"));
            Map<String, Object> container = container(deployment);

            assertThat(container.get("image")).isEqualTo("registry.example.com/platform/ferry:1.2.3");
            assertThat(container.get("imagePullPolicy")).isEqualTo("Always");
            assertThat(container.get("resources")).isEqualTo(Map.of(
                    "requests", Map.of("cpu", "1", "memory", "2Gi"),
                    "limits", Map.of("cpu", "2", "memory", "2Gi")));
            assertThat(env(container, "LOGGING_LEVEL_DEV_FERRY")).containsEntry("value", "DEBUG");
            assertThat(pod.get("serviceAccountName")).isEqualTo("ferry-runner");
            assertThat(pod.get("imagePullSecrets")).isEqualTo(List.of(Map.of("name", "registry-credentials")));
            assertThat(pod.get("nodeSelector")).isEqualTo(Map.of("kubernetes.io/arch", "amd64"));
            assertThat(list(pod.get("tolerations"))).hasSize(1);

            Map<String, Object> envData = map(rendered.named("ConfigMap", RELEASE + "-env").get("data"));
            assertThat(envData)
                    .containsEntry("SPRING_DATASOURCE_URL", "jdbc:postgresql://db.example.com:5432/ferry_prod")
                    .containsEntry("SPRING_DATASOURCE_USERNAME", "ferry_app");
            Object applicationYaml = at(rendered.named("ConfigMap", RELEASE), "data", "application.yaml");
            assertThat(at(parse((String) applicationYaml), "ferry", "consumer", "reconcile-interval")).isEqualTo("30s");
        }

        @Test
        void isScrapedThroughAServiceMonitorInsteadOfAnnotations() {
            Map<String, Object> annotations = podAnnotations(rendered.one("Deployment"));
            assertThat(annotations).doesNotContainKeys("prometheus.io/scrape", "prometheus.io/path",
                    "prometheus.io/port");
            assertThat(annotations)
                    .containsEntry("example.com/team", "integrations")
                    .containsKey("checksum/config");

            Map<String, Object> monitor = rendered.one("ServiceMonitor");
            assertThat(monitor.get("apiVersion")).isEqualTo("monitoring.coreos.com/v1");
            assertThat(map(at(monitor, "metadata", "labels"))).containsEntry("release", "kube-prometheus-stack");
            assertThat(at(monitor, "metadata", "namespace")).isEqualTo(NAMESPACE);
            assertThat(list(at(monitor, "spec", "endpoints"))).singleElement()
                    .satisfies(endpoint -> assertThat(map(endpoint))
                    .containsEntry("port", "http")
                    .containsEntry("path", "/actuator/prometheus")
                    .containsEntry("interval", "15s"));
            Map<String, Object> serviceLabels = map(at(rendered.one("Service"), "metadata", "labels"));
            assertThat(serviceLabels).containsAllEntriesOf(map(at(monitor, "spec", "selector", "matchLabels")));
        }
    }

    @Test
    void keepsAFixedReplicaCountWithoutAutoscaler() {
        Rendered rendered = template(command -> command.set("replicaCount", 3));

        assertThat(at(rendered.one("Deployment"), "spec", "replicas")).isEqualTo(3);
        assertThat(rendered.kinds()).contains("PodDisruptionBudget").doesNotContain("HorizontalPodAutoscaler");
    }

    @Test
    void rollsThePodsWhenTheConfigurationChanges() {
        String before = (String) podAnnotations(template(UnaryOperator.identity()).one("Deployment"))
                .get("checksum/config");
        String after = (String) podAnnotations(template(command ->
                command.set("config.ferry.consumer.reconcile-interval", "1m"))
                .one("Deployment")).get("checksum/config");

        assertThat(after).isNotEqualTo(before);
    }

    // --- rendering ---

    private static Rendered template(UnaryOperator<TemplateCommand> values) {
        TemplateCommand command = new Helm(CHART).template().withName(RELEASE).withNamespace(NAMESPACE);
        String manifest = values.apply(command).call();
        List<Map<String, Object>> objects = new ArrayList<>();
        for (Object document : yaml().loadAll(manifest)) {
            if (document != null) {
                objects.add(map(document));
            }
        }
        return new Rendered(objects);
    }

    private record Rendered(List<Map<String, Object>> objects) {

        List<String> kinds() {
            return objects.stream().map(o -> (String) o.get("kind")).toList();
        }

        Map<String, Object> one(String kind) {
            List<Map<String, Object>> matching = objects.stream().filter(o -> kind.equals(o.get("kind"))).toList();
            assertThat(matching).as("objects of kind %s", kind).hasSize(1);
            return matching.get(0);
        }

        Map<String, Object> named(String kind, String name) {
            return objects.stream()
                    .filter(o -> kind.equals(o.get("kind")) && name.equals(at(o, "metadata", "name")))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no " + kind + " named " + name + " in " + kinds()));
        }
    }

    // --- navigation in parsed YAML ---

    private static Yaml yaml() {
        return new Yaml(new SafeConstructor(new LoaderOptions()));
    }

    private static Object parse(String text) {
        Object parsed = yaml().load(text);
        return parsed == null ? Map.of() : parsed;
    }

    private static Path resource(String name) {
        try {
            return Path.of(Objects.requireNonNull(HelmChartTest.class.getClassLoader().getResource(name),
                    name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value) {
        assertThat(value).isInstanceOf(Map.class);
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object value) {
        assertThat(value).isInstanceOf(List.class);
        return (List<Object>) value;
    }

    /** The value under the given keys, or null when one of them is missing. */
    static Object at(Object root, String... keys) {
        Object current = root;
        for (String key : keys) {
            if (!(current instanceof Map<?, ?> m)) {
                return null;
            }
            current = m.get(key);
        }
        return current;
    }

    private static Map<String, Object> container(Map<String, Object> deployment) {
        List<Object> containers = list(at(deployment, "spec", "template", "spec", "containers"));
        assertThat(containers).hasSize(1);
        return map(containers.get(0));
    }

    private static Map<String, Object> podAnnotations(Map<String, Object> deployment) {
        return map(at(deployment, "spec", "template", "metadata", "annotations"));
    }

    private static Map<String, Object> volume(Map<String, Object> deployment, String name) {
        return list(at(deployment, "spec", "template", "spec", "volumes")).stream()
                .map(HelmChartTest::map)
                .filter(v -> name.equals(v.get("name")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no volume " + name));
    }

    private static List<String> envNames(Map<String, Object> container) {
        return list(container.get("env")).stream().map(e -> (String) map(e).get("name")).toList();
    }

    private static Map<String, Object> env(Map<String, Object> container, String name) {
        return list(container.get("env")).stream()
                .map(HelmChartTest::map)
                .filter(e -> name.equals(e.get("name")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no env var " + name + " in " + envNames(container)));
    }
}
