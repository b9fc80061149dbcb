package dev.ferry.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * A training run for the JVM's class data sharing: {@code bin/ferry} runs this once after each build with
 * {@code -XX:ArchiveClassesAtExit}, and every later run maps the archived classes instead of loading and
 * verifying them from the jar, which cuts start-up by about a third. It runs typical commands, offline,
 * against a stand-in for Ferry's API on a loopback port, so the archive holds what real commands load:
 * picocli's model, Jackson, the JDK's HTTP client and the client's own classes.
 */
final class ClassDataTraining {

    private static final String CLUSTER = """
            {"name":"local","properties":{"bootstrap.servers":"127.0.0.1:9092","sasl.password":"***"},
             "created_at":"2026-01-01T00:00:00.123456Z","subscriptions":[%s]}""";
    private static final String SUBSCRIPTION = """
            {"id":"sub_10000000000000000000000","source":"kafka://local/orders","sink":"service://Orders/process",
             "options":{"group.id":"orders"},"state":"RUNNING","created_at":"2026-01-01T00:00:00Z"}""";

    private static final List<List<String>> COMMANDS = List.of(
            List.of("--help"),
            List.of("kc", "list"),
            List.of("kc", "list", "--json"),
            List.of("kc", "describe", "local"),
            List.of("kc", "create", "local", "bootstrap.servers=127.0.0.1:9092", "-y"),
            List.of("kc", "describe", "missing"),
            List.of("sub", "list"),
            List.of("sub", "describe", "sub_10000000000000000000000"),
            List.of("services", "list"),
            List.of("inv", "list"));

    private ClassDataTraining() {
    }

    public static void main(String[] args) throws IOException {
        try (ServerSocket server = new ServerSocket(0, 16, InetAddress.getLoopbackAddress())) {
            Thread api = new Thread(() -> serve(server), "ferry-training-api");
            api.setDaemon(true);
            api.start();
            PrintWriter discard = new PrintWriter(Writer.nullWriter());
            CliEnvironment environment = new CliEnvironment(
                    Map.of(CliEnvironment.ADMIN_URL, "http://127.0.0.1:" + server.getLocalPort()),
                    InputStream.nullInputStream(), new Offline(), Clock.systemUTC(), new CountDownLatch(0), true);
            for (List<String> command : COMMANDS) {
                FerryCli.commandLine(environment, discard, discard).execute(command.toArray(String[]::new));
            }
        }
    }

    private static void serve(ServerSocket server) {
        while (!server.isClosed()) {
            try (Socket socket = server.accept()) {
                answer(socket);
            } catch (IOException e) {
                // the server socket closed at the end of the training, or a request was cut short
            }
        }
    }

    private static void answer(Socket socket) throws IOException {
        BufferedReader request = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                StandardCharsets.UTF_8));
        String[] requestLine = String.valueOf(request.readLine()).split(" ");
        int length = 0;
        for (String header = request.readLine(); header != null && !header.isEmpty(); header = request.readLine()) {
            if (header.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(header.substring(15).strip());
            }
        }
        request.skip(length);
        String method = requestLine[0];
        String path = requestLine.length > 1 ? requestLine[1] : "/";
        int status = 200;
        String body = switch (path) {
            case "/kafka-clusters" -> method.equals("POST") ? CLUSTER.formatted("")
                    : "{\"clusters\":[" + CLUSTER.formatted("") + "]}";
            case "/kafka-clusters/local" -> CLUSTER.formatted(SUBSCRIPTION);
            case "/subscriptions" -> "{\"subscriptions\":[" + SUBSCRIPTION + "]}";
            case "/subscriptions/sub_10000000000000000000000" -> SUBSCRIPTION;
            case "/services" ->
                    "{\"services\":[{\"name\":\"Orders\",\"type\":\"SERVICE\",\"endpoint\":\"http://127.0.0.1:9080\","
                    + "\"handlers\":[{\"name\":\"process\",\"input\":\"json\"}]}]}";
            case "/invocations?limit=50" -> "{\"invocations\":[{\"id\":\"inv_1\",\"target\":\"Orders/process\","
                    + "\"status\":\"completed\",\"completion\":\"success\",\"attempts\":1}]}";
            default -> {
                status = 404;
                yield "{\"type\":\"https://ferry.dev/problems/not-found\",\"title\":\"Not found\",\"status\":404,"
                        + "\"detail\":\"Nothing here.\"}";
            }
        };
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        OutputStream response = socket.getOutputStream();
        String head = ("HTTP/1.1 %d %s\r\ncontent-type: application/%s\r\ncontent-length: %d\r\n"
                + "connection: close\r\n\r\n")
                .formatted(status, status == 200 ? "OK" : "Not Found", status == 200 ? "json" : "problem+json",
                        bytes.length);
        response.write(head.getBytes(StandardCharsets.US_ASCII));
        response.write(bytes);
        response.flush();
    }

    /** Nobody at the terminal. */
    private static final class Offline implements CliEnvironment.Terminal {

        @Override
        public boolean interactive() {
            return false;
        }

        @Override
        public String readLine(String prompt) {
            return null;
        }
    }
}
