package dev.ferry.cli;

import static dev.ferry.cli.AdminClient.segment;

import java.io.PrintWriter;
import java.util.Map;
import java.util.TreeMap;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/** {@code ferry kafka-clusters} ({@code kc}): the Kafka clusters that subscriptions consume from. */
@Command(name = "kafka-clusters", aliases = "kc",
        description = "Manage Kafka clusters: their names and client properties.",
        subcommands = {CreateKafkaCluster.class, KafkaClusterCommands.List.class, KafkaClusterCommands.Describe.class,
                ChangeKafkaCluster.Edit.class, ChangeKafkaCluster.Patch.class, KafkaClusterCommands.Delete.class})
final class KafkaClusterCommands extends CommandGroup {

    static final String PATH = "/kafka-clusters";

    static String path(String name) {
        return PATH + "/" + segment(name);
    }

    /** The brokers of a cluster: {@code bootstrap.servers}, or librdkafka's {@code metadata.broker.list}. */
    static String brokers(JsonNode properties) {
        String servers = Json.text(properties, "bootstrap.servers");
        return servers != null ? servers : Json.text(properties, "metadata.broker.list");
    }

    /** The properties sorted by name, secrets masked. */
    static Table propertiesTable(Map<String, String> properties) {
        Table table = new Table("PROPERTY", "VALUE");
        new TreeMap<>(properties).forEach((name, value) -> table.row(name, SecretProperties.shown(name, value)));
        return table;
    }

    /** The connection in one cell, e.g. {@code failed: No broker answered within 10s...}. */
    static String connection(JsonNode connection) {
        String state = Json.text(connection, "state");
        String error = Json.text(connection, "error");
        return state == null ? null : error == null ? state : state + ": " + error;
    }

    @Command(name = "list", aliases = "ls", description = "List the Kafka clusters and their connection state.")
    static final class List extends ViewCommand {

        @Override
        void show(PrintWriter out) {
            JsonNode clusters = client().get(PATH);
            if (json()) {
                printJson(out, clusters);
                return;
            }
            // the connection comes last, where a long error is cut first on a narrow terminal
            Table table = new Table("NAME", "BROKERS", "PROPERTIES", "CREATED-AT", "CONNECTION").keep(0).keep(1)
                    .keep(3);
            for (JsonNode cluster : clusters.path("clusters")) {
                table.row(Json.text(cluster, "name"), brokers(cluster.path("properties")),
                        cluster.path("properties").size(), Times.shown(Json.text(cluster, "created_at")),
                        connection(cluster.path("connection")));
            }
            if (table.isEmpty()) {
                out.println("No Kafka clusters. Create one with: ferry kafka-clusters create NAME "
                        + "bootstrap.servers=HOST:PORT");
            } else {
                print(out, table);
            }
        }
    }

    @Command(name = "describe", aliases = "get",
            description = "Show a Kafka cluster: its properties (secrets as ***) and the subscriptions using it.")
    static final class Describe extends ViewCommand {

        @Parameters(paramLabel = "NAME", description = "The cluster's name.")
        String name;

        @Override
        void show(PrintWriter out) {
            JsonNode cluster = client().get(path(name));
            if (json()) {
                printJson(out, cluster);
                return;
            }
            print(out, new Fields()
                    .add("Name", Json.text(cluster, "name"))
                    .add("Brokers", brokers(cluster.path("properties")))
                    .add("Connection", Json.text(cluster.path("connection"), "state"))
                    .add("Checked at", Times.shown(Json.text(cluster.path("connection"), "checked_at")))
                    .add("Error", Json.text(cluster.path("connection"), "error"))
                    .add("Created at", Times.shown(Json.text(cluster, "created_at"))));
            out.println();
            out.println("Properties:");
            print(out, propertiesTable(Json.strings(cluster.path("properties"))));
            out.println();
            JsonNode subscriptions = cluster.path("subscriptions");
            if (subscriptions.isEmpty()) {
                out.println("Subscriptions: none");
                return;
            }
            out.println("Subscriptions:");
            Table table = new Table("ID", "SOURCE", "SINK").keep(0);
            for (JsonNode subscription : subscriptions) {
                table.row(Json.text(subscription, "id"), Json.text(subscription, "source"),
                        Json.text(subscription, "sink"));
            }
            print(out, table);
        }
    }

    @Command(name = "delete", aliases = "rm",
            description = "Delete a Kafka cluster. Refused while subscriptions use it, unless --force.")
    static final class Delete extends FerryCommand {

        @Parameters(paramLabel = "NAME", description = "The cluster's name.")
        String name;

        @Option(names = "--force", description = "Delete the subscriptions that use the cluster too.")
        boolean force;

        @Override
        int run() {
            confirm(force ? "Delete Kafka cluster %s and every subscription that uses it?".formatted(name)
                    : "Delete Kafka cluster %s?".formatted(name),
                    "Cancelled: Kafka cluster %s was not deleted.".formatted(name));
            try {
                client().delete(AdminClient.withQuery(path(name), Map.of("force", force)));
            } catch (ApiProblem problem) {
                if (problem.is("kafka-cluster-in-use")) {
                    JsonNode users = problem.body().path("subscriptions");
                    throw new CliException(("Kafka cluster '%s' is used by %d subscription(s) (%s). Delete them first,"
                            + " or add --force to delete them with the cluster.").formatted(name, users.size(),
                            String.join(", ", users.valueStream().map(JsonNode::asString).toList())));
                }
                throw problem;
            }
            if (json()) {
                printJson(Json.object().put("name", name).put("deleted", true));
            } else {
                say("Kafka cluster %s deleted".formatted(name));
            }
            return 0;
        }
    }
}
