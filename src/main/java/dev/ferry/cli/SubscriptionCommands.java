package dev.ferry.cli;

import static dev.ferry.cli.AdminClient.segment;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code ferry subscriptions} ({@code sub}): handlers subscribed to Kafka topics. */
@Command(name = "subscriptions", aliases = "sub",
        description = "Manage subscriptions: a Kafka topic delivered to a service's handler.",
        subcommands = {SubscriptionCommands.Create.class, SubscriptionCommands.List.class,
                SubscriptionCommands.Describe.class, SubscriptionCommands.Delete.class,
                SubscriptionCommands.Pause.class,
                SubscriptionCommands.Resume.class})
final class SubscriptionCommands extends CommandGroup {

    static final String PATH = "/subscriptions";

    private static final Pattern KAFKA_SOURCE = Pattern.compile("kafka://([^/]+)/.*");

    static String path(String id) {
        return PATH + "/" + segment(id);
    }

    static Table optionsTable(Map<String, String> options) {
        Table table = new Table("OPTION", "VALUE");
        new TreeMap<>(options).forEach((name, value) -> table.row(name, SecretProperties.shown(name, value)));
        return table;
    }

    /** The consumer's state on the answering instance, e.g. {@code stalled}; {@code -} when it has none. */
    static String consumerState(JsonNode consumer) {
        String state = Json.text(consumer, "state");
        return state == null ? "-" : state;
    }

    /** The desired state, with the consumer's when it is not what that state means, e.g. {@code RUNNING, stalled}. */
    static String stateCell(JsonNode subscription) {
        String state = Json.text(subscription, "state");
        String consumer = Json.text(subscription.path("consumer"), "state");
        return consumer == null || state == null || consumer.equalsIgnoreCase(state) ? state : state + ", " + consumer;
    }

    private static String partitions(JsonNode consumer) {
        var names = new ArrayList<String>();
        consumer.path("partitions").forEach(partition -> names.add(partition.asString()));
        return consumer.isMissingNode() || consumer.isNull() ? null
                : names.isEmpty() ? "none" : String.join(", ", names);
    }

    @Command(name = "create",
            description = {"Subscribe a handler to a Kafka topic.",
                    "SOURCE is kafka://CLUSTER/TOPIC, SINK is service://SERVICE/HANDLER; options are Kafka consumer"
                            + " properties (auto.offset.reset=earliest, group.id, ...), dead-letter.topic or"
                            + " max-in-flight."})
    static final class Create extends FerryCommand {

        static final String TEMPLATE = """
                # The new subscription, one name=value per line; lines starting with # are ignored.
                # source (kafka://CLUSTER/TOPIC) and sink (service://SERVICE/HANDLER) are required; every other
                # line is an option: a Kafka consumer property (auto.offset.reset, group.id, ...),
                # dead-letter.topic or max-in-flight. Save and close the editor to go on.
                #
                """;

        @Parameters(index = "0", arity = "0..1", paramLabel = "SOURCE", description = "kafka://CLUSTER/TOPIC")
        String source;

        @Parameters(index = "1", arity = "0..1", paramLabel = "SINK", description = "service://SERVICE/HANDLER")
        String sink;

        @Parameters(index = "2..*", paramLabel = "KEY=VALUE", description = "Options, e.g. auto.offset.reset=earliest.")
        ArrayList<String> arguments = new ArrayList<>();

        @Option(names = {"-f", "--from-file"}, paramLabel = "FILE", description = "Read source, sink and options from"
                + " a flat .properties file (keys 'source', 'sink', the rest are options); '-' reads standard input.")
        String file;

        @Option(names = "--edit", description = "Write the subscription in $EDITOR.")
        boolean edit;

        @Override
        int run() {
            Map<String, String> all = subscription();
            String from = all.remove("source");
            String to = all.remove("sink");
            if (from == null || from.isBlank() || to == null || to.isBlank()) {
                throw new CliException("A subscription needs a source (kafka://CLUSTER/TOPIC) and a sink"
                        + " (service://SERVICE/HANDLER); nothing was created.");
            }
            if (!json()) {
                say("Subscription to create:");
                print(new Fields().add("Source", from).add("Sink", to));
                if (!all.isEmpty()) {
                    print(optionsTable(all));
                }
            }
            confirm("Create this subscription?", "Cancelled: the subscription was not created.");
            ObjectNode request = Json.object().put("source", from).put("sink", to);
            request.set("options", Json.object(all));
            JsonNode created = client().post(PATH, request).body();
            if (json()) {
                printJson(created);
            } else {
                say("Subscription %s created".formatted(Json.text(created, "id")));
            }
            return 0;
        }

        /** Source, sink and options in one map, as a file would hold them. */
        private Map<String, String> subscription() {
            if (edit && file != null) {
                throw usage("Give --edit or --from-file, not both.");
            }
            if (file != null) {
                if (source != null) {
                    throw usage("Give SOURCE, SINK and options as arguments or with --from-file, not both.");
                }
                return PropertyText.parseFile(readFile(file), "-".equals(file) ? "standard input" : "'" + file + "'");
            }
            Map<String, String> given = new LinkedHashMap<>();
            if (source != null && source.contains("=") || sink != null && sink.contains("=")) {
                throw usage("Give SOURCE and SINK before the KEY=VALUE options.");
            }
            try {
                given.putAll(PropertyText.parseArguments(arguments));
            } catch (IllegalArgumentException e) {
                throw usage(e.getMessage());
            }
            if (edit) {
                StringBuilder text = new StringBuilder(TEMPLATE);
                text.append(source == null ? "# source=kafka://CLUSTER/TOPIC\n" : "source=" + source + "\n");
                text.append(sink == null ? "# sink=service://SERVICE/HANDLER\n" : "sink=" + sink + "\n");
                text.append(given.isEmpty() ? "# auto.offset.reset=earliest\n" : "");
                given.forEach((key, value) -> text.append(key).append('=').append(value).append('\n'));
                return PropertyText.parseFile(Editor.edit(env(), "subscription.properties", text.toString()),
                        "the edited subscription");
            }
            if (source == null || sink == null) {
                throw usage("Give SOURCE and SINK, e.g. kafka://local/orders service://Orders/process.");
            }
            if (given.containsKey("source") || given.containsKey("sink")) {
                throw usage("Give the source and sink once, as SOURCE and SINK.");
            }
            Map<String, String> all = new LinkedHashMap<>();
            all.put("source", source);
            all.put("sink", sink);
            all.putAll(given);
            return all;
        }
    }

    @Command(name = "list", aliases = "ls", description = "List the subscriptions.")
    static final class List extends ViewCommand {

        @Option(names = "--source", paramLabel = "SOURCE", description = "Only this source, e.g. kafka://local/orders.")
        String source;

        @Option(names = "--sink", paramLabel = "SINK", description = "Only this sink, e.g. service://Orders/process.")
        String sink;

        @Override
        void show(PrintWriter out) {
            Map<String, String> filters = new LinkedHashMap<>();
            filters.put("source", source);
            filters.put("sink", sink);
            JsonNode subscriptions = client().get(AdminClient.withQuery(PATH, filters));
            if (json()) {
                printJson(out, subscriptions);
                return;
            }
            Table table = new Table("ID", "SOURCE", "SINK", "OPTIONS", "STATE").keep(0);
            for (JsonNode subscription : subscriptions.path("subscriptions")) {
                table.row(Json.text(subscription, "id"), Json.text(subscription, "source"),
                        Json.text(subscription, "sink"), subscription.path("options").size(), stateCell(subscription));
            }
            if (table.isEmpty()) {
                out.println(source == null && sink == null ? "No subscriptions." : "No subscriptions match.");
            } else {
                print(out, table);
            }
        }
    }

    @Command(name = "describe", aliases = "get",
            description = "Show a subscription: source, sink, the brokers of its cluster, state and options.")
    static final class Describe extends ViewCommand {

        @Parameters(paramLabel = "ID", description = "The subscription's id (sub_...).")
        String id;

        @Override
        void show(PrintWriter out) {
            JsonNode subscription = client().get(path(id));
            if (json()) {
                printJson(out, subscription);
                return;
            }
            String source = Json.text(subscription, "source");
            print(out, new Fields()
                    .add("ID", Json.text(subscription, "id"))
                    .add("Source", source)
                    .add("Sink", Json.text(subscription, "sink"))
                    .add("Brokers", brokers(source))
                    .add("State", Json.text(subscription, "state"))
                    .add("Consumer", consumerState(subscription.path("consumer")))
                    .add("Consumer since", Times.shown(Json.text(subscription.path("consumer"), "since")))
                    .add("Consumer error", Json.text(subscription.path("consumer"), "error"))
                    .add("Partitions", partitions(subscription.path("consumer")))
                    .add("Created at", Times.shown(Json.text(subscription, "created_at"))));
            out.println();
            out.println("Options:");
            print(out, optionsTable(Json.strings(subscription.path("options"))));
        }

        private String brokers(String source) {
            Matcher matcher = source == null ? null : KAFKA_SOURCE.matcher(source);
            if (matcher == null || !matcher.matches()) {
                return null;
            }
            try {
                return KafkaClusterCommands.brokers(client().get(KafkaClusterCommands.path(matcher.group(1)))
                        .path("properties"));
            } catch (ApiProblem problem) {
                return "(cluster %s: %s)".formatted(matcher.group(1), problem.getMessage());
            }
        }
    }

    @Command(name = "delete", aliases = "rm",
            description = "Delete a subscription: its consumer group stops; invocations already enqueued still run.")
    static final class Delete extends FerryCommand {

        @Parameters(paramLabel = "ID", description = "The subscription's id (sub_...).")
        String id;

        @Override
        int run() {
            confirm("Delete subscription %s?".formatted(id),
                    "Cancelled: subscription %s was not deleted.".formatted(id));
            client().delete(path(id));
            if (json()) {
                printJson(Json.object().put("id", id).put("deleted", true));
            } else {
                say("Subscription %s deleted".formatted(id));
            }
            return 0;
        }
    }

    /** Pauses or resumes a subscription. */
    abstract static class StateChange extends FerryCommand {

        @Parameters(paramLabel = "ID", description = "The subscription's id (sub_...).")
        String id;

        abstract String action();

        @Override
        int run() {
            JsonNode subscription = client().post(path(id) + "/" + action(), null).body();
            if (json()) {
                printJson(subscription);
            } else {
                say("Subscription %s %sd".formatted(id, action()));
            }
            return 0;
        }
    }

    @Command(name = "pause",
            description = "Stop consuming; the consumer group keeps its offsets.")
    static final class Pause extends StateChange {

        @Override
        String action() {
            return "pause";
        }
    }

    @Command(name = "resume", description = "Continue from the committed offsets.")
    static final class Resume extends StateChange {

        @Override
        String action() {
            return "resume";
        }
    }
}
