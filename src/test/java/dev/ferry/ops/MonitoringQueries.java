package dev.ferry.ops;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The PromQL expressions of the shipped Grafana dashboard and Prometheus alert rules, and the metrics they read. */
final class MonitoringQueries {

    static final Path DASHBOARD = Path.of("deploy", "grafana", "ferry-dashboard.json");
    static final Path ALERTS = Path.of("deploy", "prometheus", "ferry-alerts.yml");

    /** Ferry's own metric names; every expression reads at least one of them. */
    private static final Pattern METRIC = Pattern.compile("\\bferry_[a-z0-9_]+\\b");

    private MonitoringQueries() {
    }

    /** Each panel target's expression, with Grafana's variables replaced by values Prometheus accepts. */
    static List<String> dashboardExpressions() {
        List<String> expressions = new ArrayList<>();
        for (JsonNode panel : JsonMapper.builder().build().readTree(read(DASHBOARD)).get("panels")) {
            if (panel.has("targets")) {
                for (JsonNode target : panel.get("targets")) {
                    expressions.add(target.get("expr").asString()
                            .replace("$__rate_interval", "5m").replace("$job", ".*"));
                }
            }
        }
        return expressions;
    }

    /** Each alert rule's expression. */
    @SuppressWarnings("unchecked")
    static List<String> alertExpressions() {
        Map<String, Object> rules = new Yaml(new SafeConstructor(new LoaderOptions())).load(read(ALERTS));
        List<String> expressions = new ArrayList<>();
        for (Object group : (List<Object>) rules.get("groups")) {
            for (Object rule : (List<Object>) ((Map<String, Object>) group).get("rules")) {
                expressions.add((String) ((Map<String, Object>) rule).get("expr"));
            }
        }
        return expressions;
    }

    /** The {@code ferry_*} metric names an expression reads (series names as exported, e.g. {@code _bucket}). */
    static Set<String> metricNames(String expression) {
        Set<String> names = new TreeSet<>();
        Matcher matcher = METRIC.matcher(expression);
        while (matcher.find()) {
            names.add(matcher.group());
        }
        return names;
    }

    private static String read(Path path) {
        try {
            return Files.readString(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
