package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.api.Test;

class TableTest {

    @Test
    void alignsColumnsWithoutTrailingSpaces() {
        String printed = print(new Table("NAME", "BROKERS").row("local", "127.0.0.1:9092").row("a", "b:1"), 80);

        assertThat(printed).isEqualTo("""
                NAME   BROKERS
                local  127.0.0.1:9092
                a      b:1
                """);
    }

    @Test
    void cutsTheWidestColumnsToFitAndKeepsTheOnesMarkedToKeep() {
        String id = "sub_1" + "x".repeat(22);
        String printed = print(new Table("ID", "SOURCE", "SINK", "STATE").keep(0)
                .row(id, "kafka://production-cluster/orders-created", "service://OrderProjection/onCreated",
                        "RUNNING"), 80);

        assertThat(printed.lines()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(80));
        assertThat(printed).contains(id + "  kafka://production-\u2026  service://OrderProj\u2026  RUNNING");
    }

    @Test
    void neverLetsAValueMoveTheCursor() {
        String printed = print(new Table("VALUE").row("red\u001b[31m\nnext"), 80);

        assertThat(printed).isEqualTo("VALUE\nred?[31m next\n");
    }

    private static String print(Table table, int width) {
        StringWriter out = new StringWriter();
        table.print(new PrintWriter(out), width, "\u2026");
        return out.toString();
    }
}
