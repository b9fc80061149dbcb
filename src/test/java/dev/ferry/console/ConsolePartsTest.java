package dev.ferry.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import dev.ferry.invocation.SteeringAction;
import dev.ferry.web.InvalidRequest;

class ConsolePartsTest {

    @Test
    void readsPropertiesAsNameValueLinesAndMasksSecretsWhenShowingThem() {
        Map<String, String> properties = PropertyLines.parse("properties",
                "# the broker\nbootstrap.servers = b:9092\n\nsasl.jaas.config=a=b c=d\r\nsasl.password=hunter2\n");

        assertThat(properties).containsExactly(Map.entry("bootstrap.servers", "b:9092"),
                Map.entry("sasl.jaas.config", "a=b c=d"), Map.entry("sasl.password", "hunter2"));
        assertThat(PropertyLines.masked(properties))
                .isEqualTo("bootstrap.servers=b:9092\nsasl.jaas.config=***\nsasl.password=***");
    }

    @Test
    void saysWhichLineIsNotNameValue() {
        assertThatThrownBy(() -> PropertyLines.parse("properties", "bootstrap.servers=b:9092\nclient.id"))
                .isInstanceOf(InvalidRequest.class).hasMessageContaining("Line 2 of properties is not name=value");
        assertThatThrownBy(() -> PropertyLines.parse("options", "a=1\na=2"))
                .isInstanceOf(InvalidRequest.class).hasMessageContaining("'a' is given twice");
    }

    @Test
    void offersTheActionsEachStatusAllows() {
        assertThat(InvocationPage.allowed("backing-off")).containsExactly(SteeringAction.PAUSE,
                SteeringAction.RESUME, SteeringAction.CANCEL, SteeringAction.KILL);
        assertThat(InvocationPage.allowed("paused")).containsExactly(SteeringAction.RESUME, SteeringAction.CANCEL,
                SteeringAction.KILL);
        assertThat(InvocationPage.allowed("running")).containsExactly(SteeringAction.CANCEL, SteeringAction.KILL);
        assertThat(InvocationPage.allowed("completed")).containsExactly(SteeringAction.RESTART,
                SteeringAction.PURGE);
    }

    @Test
    void takesEachTickedIdOnceAndRefusesAnEmptyOrOversizedSelection() {
        assertThat(SelectionPage.selected(List.of("inv_b", " inv_a ", "inv_b", ""))).containsExactly("inv_b", "inv_a");
        assertThatThrownBy(() -> SelectionPage.selected(null)).isInstanceOf(InvalidRequest.class)
                .hasMessageContaining("No invocation is ticked");
        assertThatThrownBy(() -> SelectionPage.selected(List.of(" "))).isInstanceOf(InvalidRequest.class);
        List<String> many = IntStream.rangeClosed(0, SelectionPage.SELECTION_LIMIT).mapToObj(i -> "inv_" + i).toList();
        assertThatThrownBy(() -> SelectionPage.selected(many)).isInstanceOf(InvalidRequest.class)
                .hasMessageContaining("at most 1000");
        assertThat(SelectionPage.selected(many.subList(0, SelectionPage.SELECTION_LIMIT)))
                .hasSize(SelectionPage.SELECTION_LIMIT);
    }

    @Test
    void takesPercentilesFromCumulativeBucketsWithinTheBucket() {
        // 100 calls: 50 up to 10 ms, 40 more up to 20 ms, the last 10 up to 100 ms
        Map<Double, Double> buckets = new TreeMap<>(Map.of(10.0, 50.0, 20.0, 90.0, 100.0, 100.0));

        ConsoleMeters.LatencyPoint point = Quantiles.point(Instant.EPOCH, buckets);

        assertThat(point.p50()).isEqualTo(10.0);
        assertThat(point.p99()).isEqualTo(92.0);
        assertThat(point.calls()).isEqualTo(100);
        assertThat(Quantiles.point(Instant.EPOCH, new TreeMap<>(Map.of(10.0, 0.0)))).isNull();
    }

    @Test
    void scalesLagBarsToTheLargestLag() {
        List<Charts.Bar> bars = Charts.lagBars(List.of(new ConsoleMeters.Lag("t-0", 0),
                new ConsoleMeters.Lag("t-1", 50), new ConsoleMeters.Lag("t-2", 200)));

        assertThat(bars).extracting(Charts.Bar::width).containsExactly(0, Charts.BAR_WIDTH / 4, Charts.BAR_WIDTH);
    }

    @Test
    void drawsTheLatencyLinesAgainstTheSlowestP99() {
        Charts.LatencyChart chart = Charts.latency(List.of(
                new ConsoleMeters.LatencyPoint(Instant.EPOCH, 5, 40, 3),
                new ConsoleMeters.LatencyPoint(Instant.EPOCH.plusSeconds(10), 10, 80, 3)));

        assertThat(chart.p99()).endsWith(Charts.LATENCY_WIDTH + ".0,0.0");
        assertThat(chart.p50()).endsWith(",70.0");
        assertThat(chart.summary()).isEqualTo("p50 10.0 ms, p99 80.0 ms (scale up to 80 ms, 2 samples)");
    }

    @Test
    void dumpsBytesAsHexRows() {
        assertThat(Hex.dump(new byte[] {0, 1, (byte) 0xff}, 1024)).isEqualTo("00000000  00 01 ff\n");
        assertThat(Hex.dump(new byte[40], 16)).endsWith("… 24 more bytes");
    }
}
