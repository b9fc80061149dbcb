package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;

import dev.ferry.cli.Cli.Result;

/** The client without a Ferry: help, usage mistakes, and what it sends. */
class FerryCliTest {

    @Test
    void everyCommandHasHelp() {
        for (String command : List.of("", "kc", "kc create", "kc list", "kc describe", "kc edit", "kc patch",
                "kc delete", "sub", "sub create", "sub list", "sub describe", "sub delete", "sub pause", "sub resume",
                "services", "services register", "services list", "services describe", "services update",
                "services delete", "inv",
                "inv list", "inv describe", "inv cancel", "inv kill", "inv pause", "inv resume", "inv restart",
                "inv purge")) {
            String[] args = (command + " --help").strip().split(" ");
            Result help = new Cli("http://127.0.0.1:9").run(args);
            assertThat(help.status()).as(String.join(" ", args)).isZero();
            assertThat(help.out()).as(String.join(" ", args)).startsWith("Usage: ferry");
            assertThat(help.out().lines()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(80));
        }
    }

    @Test
    void printsAShellCompletionScriptForEveryCommand() {
        Result script = new Cli("http://127.0.0.1:9").run("generate-completion");

        assertThat(script.status()).as(script.err()).isZero();
        assertThat(script.out()).contains("complete -F _complete_ferry", "_picocli_ferry_services_update",
                "_picocli_ferry_invocations_list", "--created-after", "--remove-handler");
    }

    @Test
    void saysInOneLineWhatIsMissing() {
        Result group = new Cli("http://127.0.0.1:9").run("kc");
        assertThat(group.status()).isEqualTo(2);
        assertThat(group.err()).isEqualTo("error: Missing command: give one of create, list, describe, "
                + "edit, patch, delete."
                + " (see 'ferry kafka-clusters --help')\n");

        Result unknown = new Cli("http://127.0.0.1:9").run("kc", "lst");
        assertThat(unknown.status()).isEqualTo(2);
        assertThat(unknown.err()).hasLineCount(1).contains("lst");

        Result badUrl = new Cli("127.0.0.1:8080").run("kc", "list");
        assertThat(badUrl.status()).isEqualTo(1);
        assertThat(badUrl.err()).isEqualTo("error: '127.0.0.1:8080' is not the URL of Ferry's API; give one like"
                + " http://127.0.0.1:8080.\n");
    }

    @Test
    void sendsTheTokenAsABearerAndTakesTheUrlFromTheOptionFirst() throws IOException {
        List<String> authorizations = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/kafka-clusters", exchange -> {
            authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("authorization")));
            byte[] body = "{\"clusters\":[]}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("content-type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort();
            Result listed = new Cli("http://127.0.0.1:9").env("FERRY_TOKEN", "t0ken").run("--url", url, "kc", "list");
            assertThat(listed.status()).as(listed.err()).isZero();
            assertThat(listed.out()).startsWith("No Kafka clusters.");
            assertThat(new Cli(url).run("kc", "list", "--json").out()).isEqualTo("{\n  \"clusters\" : [ ]\n}\n");
            assertThat(authorizations).containsExactly("Bearer t0ken", "null");
        } finally {
            server.stop(0);
        }
    }
}
