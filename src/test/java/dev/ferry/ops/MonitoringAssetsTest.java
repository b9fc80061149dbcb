package dev.ferry.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The shipped Grafana dashboard and Prometheus alert rules: the rules pass {@code promtool check rules} and their
 * unit tests ({@code promtool test rules}), the dashboard fits the schema of what Grafana needs, and every
 * dashboard query is valid PromQL that reads Ferry's metrics.
 */
class MonitoringAssetsTest {

    private static final Path PROMTOOL = Path.of("/usr/bin/promtool");

    @Test
    void alertRulesPassPromtoolsCheck() throws Exception {
        assertThat(promtool("check", "rules", MonitoringQueries.ALERTS.toString())).contains("SUCCESS: 6 rules found");
    }

    @Test
    void alertsFireOnTheSeriesTheirUnitTestsFeedThem() throws Exception {
        assertThat(promtool("test", "rules", "deploy/prometheus/ferry-alerts.test.yml")).contains("SUCCESS");
    }

    @Test
    void dashboardFitsTheSchemaGrafanaNeeds() throws IOException {
        Schema schema;
        try (InputStream in = getClass().getResourceAsStream("/grafana/dashboard.schema.json")) {
            schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(in);
        }
        String dashboard = Files.readString(MonitoringQueries.DASHBOARD);

        List<Error> errors = schema.validate(dashboard, InputFormat.JSON);

        assertThat(errors).isEmpty();
        List<Integer> ids = new ArrayList<>();
        JsonMapper.builder().build().readTree(dashboard).get("panels").forEach(p -> ids.add(p.get("id").asInt()));
        assertThat(ids).doesNotHaveDuplicates();
    }

    @Test
    void schemaRefusesADashboardGrafanaCouldNotDraw() {
        Schema schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                .getSchema(getClass().getResourceAsStream("/grafana/dashboard.schema.json"));

        List<Error> errors = schema.validate("""
                {"uid":"x","title":"x","schemaVersion":39,"time":{"from":"now-1h","to":"now"},
                 "templating":{"list":[]},
                 "panels":[{"id":1,"type":"timeseries","title":"t","gridPos":{"h":8,"w":30,"x":0,"y":0},
                            "datasource":{"type":"prometheus","uid":"p"},"fieldConfig":{"defaults":{}},
                            "targets":[{"refId":"A","datasource":{"type":"prometheus","uid":"p"}}]}]}""",
                InputFormat.JSON);

        assertThat(errors).extracting(Error::toString)
                .anyMatch(e -> e.contains("gridPos") && e.contains("24"))
                .anyMatch(e -> e.contains("expr"));
    }

    @Test
    void everyDashboardQueryIsPromqlReadingFerrysMetrics(@TempDir Path dir) throws Exception {
        List<String> expressions = MonitoringQueries.dashboardExpressions();
        assertThat(expressions).hasSizeGreaterThan(10)
                .allSatisfy(e -> assertThat(MonitoringQueries.metricNames(e)).as(e).isNotEmpty());
        StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
        for (int i = 0; i < expressions.size(); i++) {
            JsonNode quoted = JsonMapper.builder().build().valueToTree(expressions.get(i));
            rules.append("      - record: ferry:dashboard:query").append(i).append("\n        expr: ")
                    .append(quoted.toString()).append('\n');
        }
        Path file = dir.resolve("dashboard-queries.yml");
        Files.writeString(file, rules);

        assertThat(promtool("check", "rules", file.toString()))
                .contains("SUCCESS: " + expressions.size() + " rules found");
    }

    private static String promtool(String... arguments) throws IOException, InterruptedException {
        Assumptions.assumeTrue(Files.isExecutable(PROMTOOL),
                "promtool is not installed (Debian package prometheus); skipping the check");
        List<String> command = new ArrayList<>(List.of(PROMTOOL.toString()));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }
}
