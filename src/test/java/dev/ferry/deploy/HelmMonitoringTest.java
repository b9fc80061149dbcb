package dev.ferry.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The chart's monitoring objects: Ferry's Grafana dashboard as a ConfigMap for the Grafana sidecar, and its alert
 * rules as a PrometheusRule, both from the chart's copies of deploy/grafana and deploy/prometheus.
 */
class HelmMonitoringTest {

    private static final Path CHART = Path.of("helm", "ferry");

    @Test
    void keepsTheChartsCopiesOfTheDashboardAndRulesEqualToDeploy() throws IOException {
        assertThat(Files.readString(CHART.resolve("files/ferry-dashboard.json")))
                .isEqualTo(Files.readString(Path.of("deploy/grafana/ferry-dashboard.json")));
        assertThat(Files.readString(CHART.resolve("files/ferry-alerts.yml")))
                .isEqualTo(Files.readString(Path.of("deploy/prometheus/ferry-alerts.yml")));
    }

    @Test
    void rendersNeitherByDefaultWhereThePrometheusOperatorIsNotServed() {
        List<Map<String, Object>> objects = template(UnaryOperator.identity());
        assertThat(kinds(objects)).doesNotContain("PrometheusRule");
        assertThat(objects).noneMatch(o -> "ferry-dashboard".equals(name(o)));
    }

    @Test
    void rendersTheDashboardForTheGrafanaSidecar() throws IOException {
        List<Map<String, Object>> objects = template(command -> command
                .set("monitoring.grafanaDashboard.enabled", "true")
                .set("monitoring.grafanaDashboard.namespace", "grafana")
                .set("monitoring.grafanaDashboard.annotations.grafana_folder", "Ferry"));

        Map<String, Object> dashboard = objects.stream().filter(o -> "ferry-dashboard".equals(name(o))).findFirst()
                .orElseThrow();
        assertThat(dashboard.get("kind")).isEqualTo("ConfigMap");
        assertThat(map(at(dashboard, "metadata"))).containsEntry("namespace", "grafana");
        assertThat(map(at(dashboard, "metadata", "labels"))).containsEntry("grafana_dashboard", "1")
                .containsEntry("app.kubernetes.io/name", "ferry");
        assertThat(map(at(dashboard, "metadata", "annotations"))).containsEntry("grafana_folder", "Ferry");
        assertThat(at(dashboard, "data", "ferry-dashboard.json"))
                .isEqualTo(Files.readString(Path.of("deploy/grafana/ferry-dashboard.json")).stripTrailing());
    }

    @Test
    void rendersTheAlertRulesAsAPrometheusRule() throws IOException {
        List<Map<String, Object>> objects = template(command -> command
                .set("monitoring.prometheusRule.enabled", "true")
                .set("monitoring.prometheusRule.labels.release", "prometheus")
                .set("monitoring.prometheusRule.additionalLabels.team", "payments")
                .set("monitoring.prometheusRule.disabled[0]", "FerryDeadLettersFailing"));

        Map<String, Object> rule = objects.stream().filter(o -> "PrometheusRule".equals(o.get("kind"))).findFirst()
                .orElseThrow();
        assertThat(rule.get("apiVersion")).isEqualTo("monitoring.coreos.com/v1");
        assertThat(map(at(rule, "metadata"))).containsEntry("name", "ferry").containsEntry("namespace", "apps");
        assertThat(map(at(rule, "metadata", "labels"))).containsEntry("release", "prometheus");

        List<Map<String, Object>> rendered = rules(rule);
        List<Map<String, Object>> shipped = rules(yaml().load(Files.readString(Path.of(
                "deploy/prometheus/ferry-alerts.yml"))));
        assertThat(rendered).extracting(r -> r.get("alert"))
                .containsExactlyElementsOf(shipped.stream().map(r -> r.get("alert"))
                        .filter(name -> !"FerryDeadLettersFailing".equals(name)).toList());
        for (Map<String, Object> alert : rendered) {
            Map<String, Object> original = shipped.stream().filter(r -> r.get("alert").equals(alert.get("alert")))
                    .findFirst().orElseThrow();
            assertThat(alert.get("expr")).isEqualTo(original.get("expr"));
            assertThat(alert.get("for")).isEqualTo(original.get("for"));
            assertThat(alert.get("annotations")).isEqualTo(original.get("annotations"));
            assertThat(map(alert.get("labels"))).containsEntry("team", "payments")
                    .containsAllEntriesOf(map(original.get("labels")));
        }
    }

    @Test
    void leavesThePrometheusRuleOutWhenDisabled() {
        assertThat(kinds(template(command -> command.set("monitoring.prometheusRule.enabled", "false"))))
                .doesNotContain("PrometheusRule");
    }

    private static List<Map<String, Object>> rules(Object root) {
        List<Map<String, Object>> rules = new ArrayList<>();
        Object groups = at(root, "spec") != null ? at(root, "spec", "groups") : at(root, "groups");
        for (Object group : (List<?>) groups) {
            for (Object rule : (List<?>) at(group, "rules")) {
                rules.add(map(rule));
            }
        }
        return rules;
    }

    private static List<Map<String, Object>> template(UnaryOperator<TemplateCommand> values) {
        String manifest = values.apply(new Helm(CHART).template().withName("ferry").withNamespace("apps")).call();
        List<Map<String, Object>> objects = new ArrayList<>();
        for (Object document : yaml().loadAll(manifest)) {
            if (document != null) {
                objects.add(map(document));
            }
        }
        return objects;
    }

    private static List<Object> kinds(List<Map<String, Object>> objects) {
        return objects.stream().map(o -> o.get("kind")).toList();
    }

    private static String name(Map<String, Object> object) {
        return (String) at(object, "metadata", "name");
    }

    private static Yaml yaml() {
        return new Yaml(new SafeConstructor(new LoaderOptions()));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        assertThat(value).isInstanceOf(Map.class);
        return (Map<String, Object>) value;
    }

    private static Object at(Object root, String... keys) {
        Object current = root;
        for (String key : keys) {
            if (!(current instanceof Map<?, ?> m)) {
                return null;
            }
            current = m.get(key);
        }
        return current;
    }
}
