package dev.ferry.e2e;

import static dev.ferry.testsupport.Api.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.ferry.testsupport.Api;
import dev.ferry.testsupport.EmbeddedDatabase;
import dev.ferry.testsupport.FerryInstance;
import dev.ferry.testsupport.InvocationTable;
import dev.ferry.testsupport.Records;
import dev.ferry.testsupport.RestateServer;
import dev.ferry.testsupport.SdkEndpoint;
import dev.ferry.testsupport.SdkEndpoint.Transport;
import dev.ferry.testsupport.TestInfrastructure;
import dev.ferry.testsupport.Topics;

/**
 * restate-server 1.7.12 as the oracle: the same keyed Kafka records go to restate-server (its own Kafka ingress,
 * subscribed to the test broker) and to Ferry, each running its own copy of the same TypeScript SDK services
 * ({@code differential.mjs}), and both must end with the same object state, row for row, and the same output for
 * every record, byte for byte, including the Kafka coordinates each handler saw in {@code ctx.request().headers}.
 * Every port restate-server opens is bound to 127.0.0.1.
 *
 * <p>{@code -Dferry.oracle.records=N} (a multiple of 20) runs a bigger stream; the suite runs 200 records.
 */
class RestateServerDifferentialIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int KEYS = 20;
    private static final int LEDGER_RECORDS = Integer.getInteger("ferry.oracle.records", 200);
    private static final int ECHO_RECORDS = 20;
    private static final int UNKEYED_RECORDS = 3;
    private static final String LEDGER = "oracle-ledger";
    private static final String ECHO = "oracle-echo";

    @Test
    void endsWithTheStateAndOutputsOfRestateServerForTheSameRecords() throws Exception {
        String brokers = TestInfrastructure.kafka().bootstrapServers();
        String database = TestInfrastructure.freshDatabase("oracle");
        InvocationTable invocations = new InvocationTable(database);
        int total = produceRecords(brokers);
        long started = System.nanoTime();

        try (RestateServer restate = RestateServer.start();
                SdkEndpoint behindRestate = SdkEndpoint.start("differential.mjs", Transport.H2C);
                FerryInstance ferry = FerryInstance.startOn(database, Map.of());
                SdkEndpoint behindFerry = SdkEndpoint.start("differential.mjs", Transport.H2C)) {
            assertThat(restate.listeningAddresses()).as("restate-server's listeners").hasSize(3)
                    .allMatch(address -> address.startsWith("127.0.0.1:"));
            setUp(restate.admin(), behindRestate, brokers, true);
            setUp(ferry.api(), behindFerry, brokers, false);

            await("restate-server completed every record").atMost(Duration.ofMinutes(3))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> count(restate, "status = 'completed'") == total);
            await("Ferry completed every record").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                    .until(() -> invocations.count("subscription_id is not null and status = 'completed'") == total);
            Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
            assertThat(count(restate, "completion_result <> 'success'")).as("restate-server failures").isZero();
            assertThat(invocations.all()).as("Ferry's invocations that did not succeed")
                    .filteredOn(row -> !row.succeeded()).isEmpty();
            assertThat(restate.listeningAddresses()).as("restate-server's listeners, while it ran the stream")
                    .hasSize(3).allMatch(address -> address.startsWith("127.0.0.1:"));

            Map<String, String> oracleState = restateState(restate);
            Map<String, String> ferryState = ferryState(database);
            assertThat(ferryState).as("Ferry's object state against restate-server's")
                    .containsExactlyEntriesOf(oracleState);
            assertThat(ferryState).as("state rows: balance, entries and last for every key").hasSize((KEYS + 1) * 3);
            expectedBalances().forEach((key, balance) -> assertThat(ferryState.get(key + "/balance"))
                    .as("balance of '" + key + "'").isEqualTo(Long.toString(balance)));

            List<String> oracleOutputs = restateOutputs(restate);
            List<String> ferryOutputs = ferryOutputs(ferry.api(), invocations);
            assertThat(ferryOutputs).as("Ferry's outputs against restate-server's").hasSize(total)
                    .containsExactlyInAnyOrderElementsOf(oracleOutputs);
            System.out.printf("RestateServerDifferentialIT: %d records, %d state rows and %d outputs alike, %d ms%n",
                    total, ferryState.size(), ferryOutputs.size(), elapsed.toMillis());
        }
    }

    /**
     * Keyed deposits to the ledger topic, a few without a key (both runtimes run them on the object of the empty
     * key), values to the echo topic.
     */
    private static int produceRecords(String brokers) {
        Topics.create(LEDGER, 4);
        Topics.create(ECHO, 2);
        try (Records records = new Records(brokers)) {
            for (int i = 0; i < LEDGER_RECORDS; i++) {
                records.send(LEDGER, "acct-" + (i % KEYS), Long.toString(amount(i)));
            }
            for (int i = 0; i < UNKEYED_RECORDS; i++) {
                records.send(LEDGER, null, Long.toString(amount(i)));
            }
            for (int i = 0; i < ECHO_RECORDS; i++) {
                records.send(ECHO, "echo-" + i, "{\"n\":" + i + ",\"text\":\"r\\u00e9cord " + i + "\"}");
            }
            records.flush();
        }
        return LEDGER_RECORDS + UNKEYED_RECORDS + ECHO_RECORDS;
    }

    private static long amount(int i) {
        return (i * 7L) % 10 + 1;
    }

    /** The balances the records imply, as {@code differential.mjs} computes them (a fee of 1 on multiples of 3). */
    private static Map<String, Long> expectedBalances() {
        Map<String, Long> balances = new TreeMap<>();
        for (int i = 0; i < LEDGER_RECORDS; i++) {
            long amount = amount(i);
            balances.merge("acct-" + (i % KEYS), amount - (amount % 3 == 0 ? 1 : 0), Long::sum);
        }
        for (int i = 0; i < UNKEYED_RECORDS; i++) {
            long amount = amount(i);
            balances.merge("", amount - (amount % 3 == 0 ? 1 : 0), Long::sum);
        }
        return balances;
    }

    private static void setUp(Api api, SdkEndpoint endpoint, String brokers, boolean restateServer) {
        Api.Reply registered = api.post("/deployments", json("{'uri':'%s'}".formatted(endpoint.uri())));
        assertThat(registered.status()).as(registered.text()).isEqualTo(201);
        if (restateServer) {
            // restate-server keeps a completed invocation (and so its output) only with a journal retention
            for (String service : List.of("Ledger", "Echo")) {
                Api.Reply retained = api.patch("/services/" + service, json("{'journal_retention':'1h'}"));
                assertThat(retained.status()).as(retained.text()).isEqualTo(200);
            }
        }
        Api.Reply cluster = api.post("/kafka-clusters", json("{'name':'local','properties':{'bootstrap.servers':'%s'}}"
                .formatted(brokers)));
        assertThat(cluster.status()).as(cluster.text()).isIn(200, 201);
        for (String sink : List.of(LEDGER + " Ledger/post", ECHO + " Echo/echo")) {
            String[] parts = sink.split(" ");
            Api.Reply subscribed = api.post("/subscriptions", json("""
                    {'source':'kafka://local/%s','sink':'service://%s','options':{'auto.offset.reset':'earliest'}}"""
                    .formatted(parts[0], parts[1])));
            assertThat(subscribed.status()).as(subscribed.text()).isIn(200, 201);
        }
    }

    private static long count(RestateServer restate, String condition) {
        return restate.query("SELECT count(*) AS n FROM sys_invocation WHERE " + condition).getFirst().get("n")
                .asLong();
    }

    private static Map<String, String> restateState(RestateServer restate) {
        Map<String, String> state = new TreeMap<>();
        restate.query("SELECT service_key, key, value_utf8 FROM state WHERE service_name = 'Ledger'").forEach(row ->
                state.put(row.get("service_key").asString() + "/" + row.get("key").asString(),
                        row.get("value_utf8").asString()));
        return state;
    }

    private static Map<String, String> ferryState(String databaseUrl) throws SQLException {
        Map<String, String> state = new TreeMap<>();
        EmbeddedDatabase database = TestInfrastructure.database();
        try (Connection connection = DriverManager.getConnection(databaseUrl, database.username(),
                database.password());
             PreparedStatement query = connection.prepareStatement(
                     "select object_key, state_key, value from object_state where service = 'Ledger'");
             ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                state.put(rows.getString(1) + "/" + rows.getString(2),
                        new String(rows.getBytes(3), StandardCharsets.UTF_8));
            }
        }
        return state;
    }

    private static List<String> restateOutputs(RestateServer restate) {
        List<String> outputs = new ArrayList<>();
        for (JsonNode row : restate.query("SELECT id FROM sys_invocation WHERE status = 'completed'")) {
            outputs.add(canonical(restate.output(row.get("id").asString())));
        }
        return outputs;
    }

    private static List<String> ferryOutputs(Api api, InvocationTable invocations) {
        List<String> outputs = new ArrayList<>();
        invocations.all().stream().filter(row -> row.subscriptionId() != null).forEach(row -> {
            Api.Reply output = api.get("/invocations/" + row.id() + "/output");
            assertThat(output.status()).as(output.text()).isEqualTo(200);
            outputs.add(canonical(output.text()));
        });
        return outputs;
    }

    private static String canonical(String json) {
        return JSON.writeValueAsString(JSON.readTree(json));
    }
}
