package dev.ferry.deploy;

import static dev.ferry.deploy.HelmChartTest.at;
import static dev.ferry.deploy.HelmChartTest.list;
import static dev.ferry.deploy.HelmChartTest.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** The chart hands the ingress and read-only tokens to Ferry as Secrets, and scrapes metrics with a token. */
class HelmChartCredentialsTest {

    private static final Path CHART = Path.of("helm", "ferry");

    @Test
    void passesTheIngressAndReadOnlyTokensFromSecrets() {
        List<Map<String, Object>> objects = template(command -> command
                .set("security.ingressTokens.value", "caller-token")
                .set("security.readOnlyTokens.existingSecret", "ferry-readers"));

        assertThat(env(objects)).contains(
                Map.of("name", "FERRY_SECURITY_TOKENS_INGRESS",
                        "valueFrom", Map.of("secretKeyRef", Map.of("name", "ferry", "key", "ingress-tokens"))),
                Map.of("name", "FERRY_SECURITY_TOKENS_READONLY", "valueFrom",
                        Map.of("secretKeyRef", Map.of("name", "ferry-readers", "key", "read-only-tokens"))));
        Map<String, Object> secret = objects.stream().filter(o -> "Secret".equals(o.get("kind"))).findFirst()
                .orElseThrow();
        assertThat(new String(Base64.getDecoder().decode((String) at(secret, "data", "ingress-tokens")),
                StandardCharsets.UTF_8)).isEqualTo("caller-token");
        assertThat(map(secret.get("data"))).doesNotContainKey("read-only-tokens");
    }

    @Test
    void scrapesTheMetricsWithAReadOnlyTokenBeforeTheAdminToken() {
        UnaryOperator<TemplateCommand> monitored = command -> command.set("metrics.serviceMonitor.enabled", "true");

        assertThat(scrapeAuthorization(command -> monitored.apply(command)
                .set("security.adminToken.value", "admin").set("security.readOnlyTokens.existingSecret", "readers")))
                .isEqualTo(Map.of("type", "Bearer", "credentials", Map.of("name", "readers", "key",
                        "read-only-tokens")));
        assertThat(scrapeAuthorization(command -> monitored.apply(command).set("security.adminToken.value", "admin")))
                .isEqualTo(Map.of("type", "Bearer", "credentials", Map.of("name", "ferry", "key", "admin-token")));
        assertThat(scrapeAuthorization(command -> monitored.apply(command).set("security.adminToken.value", "admin")
                .set("metrics.serviceMonitor.authorization.existingSecret", "scraper")))
                .isEqualTo(Map.of("type", "Bearer", "credentials", Map.of("name", "scraper", "key",
                        "read-only-token")));
        assertThat(scrapeAuthorization(monitored)).isNull();
    }

    private static Object scrapeAuthorization(UnaryOperator<TemplateCommand> values) {
        Map<String, Object> monitor = template(values).stream().filter(o -> "ServiceMonitor".equals(o.get("kind")))
                .findFirst().orElseThrow();
        return map(list(at(monitor, "spec", "endpoints")).get(0)).get("authorization");
    }

    private static List<Object> env(List<Map<String, Object>> objects) {
        Map<String, Object> deployment = objects.stream().filter(o -> "Deployment".equals(o.get("kind")))
                .findFirst().orElseThrow();
        Map<String, Object> spec = map(at(deployment, "spec", "template", "spec"));
        return list(map(list(spec.get("containers")).get(0)).get("env"));
    }

    private static List<Map<String, Object>> template(UnaryOperator<TemplateCommand> values) {
        String manifest = values.apply(new Helm(CHART).template().withName("ferry").withNamespace("apps")).call();
        List<Map<String, Object>> objects = new ArrayList<>();
        for (Object document : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(manifest)) {
            if (document != null) {
                objects.add(map(document));
            }
        }
        return objects;
    }
}
