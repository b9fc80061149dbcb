package dev.ferry.e2e;

import static dev.ferry.testsupport.Api.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.ferry.testsupport.Api;
import dev.ferry.testsupport.FerryInstance;
import dev.ferry.testsupport.HandlerServer;
import dev.ferry.testsupport.Records;
import dev.ferry.testsupport.TestInfrastructure;

/** One property turns Ferry's console log into JSON, with the subscription and invocation ids as fields. */
@ExtendWith(OutputCaptureExtension.class)
class StructuredLoggingIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** Where Spring Boot passes the format to Logback; a system property, so it would outlive this test. */
    private static final String FORMAT_PROPERTY = "CONSOLE_LOG_STRUCTURED_FORMAT";

    @AfterEach
    void backToPlainLogs() {
        System.clearProperty(FORMAT_PROPERTY);
    }

    @Test
    void logsLifecycleAndRecordLinesAsJsonWithTheirIds(CapturedOutput output) {
        String brokers = TestInfrastructure.kafka().bootstrapServers();
        try (FerryInstance ferry = FerryInstance.start("structured_logging", Map.of(
                "logging.structured.format.console", "logstash",
                "logging.level.dev.ferry.consumer.IngestListener", "DEBUG",
                "logging.level.dev.ferry.dispatch.Attempts", "DEBUG"));
                HandlerServer handler = HandlerServer.start();
                Records records = new Records(brokers)) {
            Api api = ferry.api();
            api.post("/kafka-clusters", json("{'name':'json-logs','properties':{'bootstrap.servers':'%s'}}"
                    .formatted(brokers)));
            api.post("/services", json("{'name':'Logged','type':'SERVICE','endpoint':'%s','handlers':[{'name':'run'}]}"
                    .formatted(handler.endpoint())));
            String subscription = api.post("/subscriptions", json("""
                    {'source':'kafka://json-logs/logged','sink':'service://Logged/run',
                     'options':{'auto.offset.reset':'earliest'}}""")).body().get("id").asString();
            records.send("logged", "k", "{}");
            records.flush();

            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                List<JsonNode> lines = jsonLines(output);
                assertThat(lines).anySatisfy(line -> {
                    assertThat(line.path("message").asString())
                            .isEqualTo("Kafka cluster json-logs created with 1 properties");
                    assertThat(line.path("level").asString()).isEqualTo("INFO");
                    assertThat(line.path("logger_name").asString()).isEqualTo("dev.ferry.cluster.KafkaClusterRegistry");
                });
                assertThat(lines).anySatisfy(line -> {
                    assertThat(line.path("message").asString()).startsWith("Stored 1 record(s)");
                    assertThat(line.path("subscriptionId").asString()).isEqualTo(subscription);
                });
                assertThat(lines).anySatisfy(line -> {
                    assertThat(line.path("message").asString()).contains("succeeded");
                    assertThat(line.path("invocationId").asString()).startsWith("inv_");
                });
            });
        }
    }

    /** The captured lines that are JSON objects; Ferry's lines are, the test JVM's own may not be. */
    private static List<JsonNode> jsonLines(CapturedOutput output) {
        return output.getOut().lines().filter(line -> line.startsWith("{")).map(line -> {
            try {
                return JSON.readTree(line);
            } catch (JacksonException notJson) {
                return JSON.missingNode();
            }
        }).filter(JsonNode::isObject).toList();
    }
}
