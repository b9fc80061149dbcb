package dev.ferry.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/** {@code ferry kafka-clusters create}: from arguments, a properties file, standard input or an editor. */
@Command(name = "create",
        description = {"Register a Kafka cluster.",
                "Properties use librdkafka names, as Confluent Cloud and similar consoles print them"
                        + " (bootstrap.servers, security.protocol, sasl.mechanisms, sasl.username, sasl.password, ...);"
                        + " Java client names work too. Secrets are shown as ***."})
final class CreateKafkaCluster extends FerryCommand {

    static final String TEMPLATE = """
            # Properties of the new Kafka cluster '%s', one name=value per line; lines starting with # are ignored.
            # Names are librdkafka's, as Confluent Cloud and similar consoles print them, or the Java client's.
            # bootstrap.servers is required. Save and close the editor to go on; leave no properties to cancel.
            #
            # bootstrap.servers=broker-1:9092,broker-2:9092
            # security.protocol=SASL_SSL
            # sasl.mechanisms=PLAIN
            # sasl.username=API_KEY
            # sasl.password=API_SECRET

            """;

    @Parameters(index = "0", paramLabel = "NAME", description = "The cluster's name: letters, digits, '-' and '.'.")
    String name;

    @Parameters(index = "1..*", paramLabel = "KEY=VALUE",
            description = "Properties, e.g. bootstrap.servers=broker:9092.")
    List<String> arguments = new ArrayList<>();

    @Option(names = {"-f", "--from-file"}, paramLabel = "FILE",
            description = "Read the properties from a flat .properties file; '-' reads standard input.")
    String file;

    @Option(names = "--edit", description = "Write the properties in $EDITOR, starting from a commented template.")
    boolean edit;

    @Option(names = "--dry-run",
            description = "Only check the cluster with Ferry (POST ?validate=true); create nothing.")
    boolean dryRun;

    @Override
    int run() {
        Map<String, String> properties = properties();
        if (properties.isEmpty()) {
            throw new CliException("No properties given, so Kafka cluster %s was not created. Give at least"
                    .formatted(name)
                    + " bootstrap.servers=HOST:PORT.");
        }
        if (!json()) {
            say((dryRun ? "Checking Kafka cluster %s:" : "Kafka cluster %s to create:").formatted(name));
            print(KafkaClusterCommands.propertiesTable(properties));
        }
        var request = Json.object().put("name", name);
        request.set("properties", Json.object(properties));
        if (dryRun) {
            AdminClient.Reply reply = client().post(KafkaClusterCommands.PATH + "?validate=true", request);
            warnings(reply.body());
            if (reply.status() == 201) {
                warn("this Ferry does not support --dry-run: it created Kafka cluster %s.".formatted(name));
            }
            if (json()) {
                printJson(reply.body());
            }
            JsonNode connection = reply.body().path("connection");
            if ("failed".equals(Json.text(connection, "state"))) {
                throw new CliException("Kafka cluster %s is not usable: Ferry could not connect: %s".formatted(name,
                        Json.text(connection, "error")) + " Nothing was created (--dry-run).");
            }
            if (!json() && reply.status() != 201) {
                say("Kafka cluster %s is valid%s; nothing was created (--dry-run).".formatted(name,
                        "connected".equals(Json.text(connection, "state")) ? " and Ferry connected to it" : ""));
            }
            return 0;
        }
        confirm("Create Kafka cluster %s?".formatted(name),
                "Cancelled: Kafka cluster %s was not created.".formatted(name));
        AdminClient.Reply reply = client().post(KafkaClusterCommands.PATH, request);
        warnings(reply.body());
        if (json()) {
            printJson(reply.body());
        } else {
            say("Kafka cluster %s created".formatted(name));
        }
        return 0;
    }

    private Map<String, String> properties() {
        if (edit && file != null) {
            throw usage("Give --edit or --from-file, not both.");
        }
        if ((edit || file != null) && !arguments.isEmpty()) {
            throw usage("Give the properties as KEY=VALUE arguments or with %s, not both."
                    .formatted(edit ? "--edit" : "--from-file"));
        }
        if (file != null) {
            return PropertyText.parseFile(readFile(file), "-".equals(file) ? "standard input" : "'" + file + "'");
        }
        if (edit) {
            return PropertyText.parseFile(Editor.edit(env(), "kafka-cluster.properties", TEMPLATE.formatted(name)),
                    "the edited properties");
        }
        try {
            return PropertyText.parseArguments(arguments);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
    }
}
