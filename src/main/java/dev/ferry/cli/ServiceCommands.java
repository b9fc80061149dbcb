package dev.ferry.cli;

import static dev.ferry.cli.AdminClient.segment;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Locale;
import java.util.Set;
import java.util.StringJoiner;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/** {@code ferry services}: the services whose HTTP handlers Ferry calls. */
@Command(name = "services", aliases = "svc",
        description = "Manage services: HTTP endpoints and the handlers Ferry calls on them.",
        subcommands = {ServiceCommands.Register.class, ServiceCommands.List.class, ServiceCommands.Describe.class,
                UpdateService.class, ServiceCommands.Delete.class})
final class ServiceCommands extends CommandGroup {

    static final String PATH = "/services";

    private static final Set<String> SERVICE_TYPES = Set.of("SERVICE", "VIRTUAL_OBJECT", "WORKFLOW");
    private static final Set<String> HANDLER_TYPES = Set.of("EXCLUSIVE", "SHARED", "WORKFLOW");

    static String path(String name) {
        return PATH + "/" + segment(name);
    }

    /** A retry policy in one cell, e.g. {@code initial 100ms, x2.0, max 30s, 5 attempts, then kill}. */
    static String retry(JsonNode policy) {
        if (policy.isMissingNode() || policy.isNull()) {
            return null;
        }
        StringJoiner parts = new StringJoiner(", ");
        if (Json.text(policy, "initial_interval") != null) {
            parts.add("initial " + Json.text(policy, "initial_interval"));
        }
        if (Json.text(policy, "factor") != null) {
            parts.add("x" + Json.text(policy, "factor"));
        }
        if (Json.text(policy, "max_interval") != null) {
            parts.add("max " + Json.text(policy, "max_interval"));
        }
        if (Json.text(policy, "max_attempts") != null) {
            int attempts = policy.path("max_attempts").asInt();
            parts.add(attempts == 0 ? "unlimited attempts" : attempts + " attempts");
        }
        if (Json.text(policy, "on_max_attempts") != null) {
            parts.add("then " + Json.text(policy, "on_max_attempts"));
        }
        return parts.toString();
    }

    @Command(name = "register",
            description = {"Register a service, from flags or from a JSON or YAML file shaped like POST /services:",
                    "{name, type, endpoint, timeout, retry_policy, handlers: [{name, type, input, "
                    + "timeout, retry_policy}]}."})
    static final class Register extends FerryCommand {

        @Option(names = "--name", paramLabel = "NAME", description = "The service's name.")
        String name;

        @Option(names = "--type", paramLabel = "TYPE", defaultValue = "SERVICE",
                description = "SERVICE (default), VIRTUAL_OBJECT or WORKFLOW.")
        String type;

        @Option(names = "--endpoint", paramLabel = "URL", description = "Where the handlers are served, e.g."
                + " http://orders:9080; Ferry calls POST {endpoint}/{service}/{handler}.")
        String endpoint;

        @Option(names = "--handler", paramLabel = "NAME[:TYPE[:raw]]", description = "A handler: its name, its type"
                + " (EXCLUSIVE, SHARED or WORKFLOW) and 'raw' for bytes instead of JSON input. Repeatable.")
        ArrayList<String> handlers = new ArrayList<>();

        @Option(names = {"-f", "--from-file"}, paramLabel = "FILE",
                description = "Read the service from a JSON or YAML file; '-' reads standard input.")
        String file;

        @Override
        int run() {
            ObjectNode service = file != null ? fromFile() : fromFlags();
            String serviceName = Json.text(service, "name");
            if (!json()) {
                say("Service to register:");
                print(new Fields().add("Name", serviceName).add("Type", Json.text(service, "type"))
                        .add("Endpoint", Json.text(service, "endpoint")));
                print(handlerTable(service.path("handlers")));
            }
            confirm("Register service %s?".formatted(serviceName),
                    "Cancelled: service %s was not registered.".formatted(serviceName));
            JsonNode registered = client().post(PATH, service).body();
            if (json()) {
                printJson(registered);
            } else {
                say("Service %s registered".formatted(Json.text(registered, "name")));
            }
            return 0;
        }

        private ObjectNode fromFlags() {
            if (name == null || endpoint == null || handlers.isEmpty()) {
                throw usage("Give --name, --endpoint and at least one --handler, or a file with -f.");
            }
            String serviceType = type.toUpperCase(Locale.ROOT);
            if (!SERVICE_TYPES.contains(serviceType)) {
                throw usage("--type '%s' is not SERVICE, VIRTUAL_OBJECT or WORKFLOW.".formatted(type));
            }
            ObjectNode service = Json.object().put("name", name).put("type", serviceType).put("endpoint", endpoint);
            ArrayNode list = service.putArray("handlers");
            for (String handler : handlers) {
                list.add(handler(handler));
            }
            return service;
        }

        private ObjectNode handler(String spec) {
            return ServiceCommands.handler(this, spec);
        }

        private ObjectNode fromFile() {
            if (name != null || endpoint != null || !handlers.isEmpty()) {
                throw usage("Give the service with flags or with -f, not both.");
            }
            String text = readFile(file);
            String lower = file.toLowerCase(Locale.ROOT);
            boolean yaml = lower.endsWith(".yaml") || lower.endsWith(".yml")
                    || !lower.endsWith(".json") && !text.stripLeading().startsWith("{");
            JsonNode node;
            try {
                node = yaml ? YAMLMapper.builder().build().readTree(text) : Json.MAPPER.readTree(text);
            } catch (JacksonException e) {
                throw new CliException("Cannot read %s as %s: %s"
                        .formatted("-".equals(file) ? "standard input" : "'" + file + "'",
                        yaml ? "YAML" : "JSON", firstLine(e.getOriginalMessage())));
            }
            if (!(node instanceof ObjectNode service)) {
                throw new CliException("%s does not describe a service: expected an object with name, type,"
                        .formatted("-".equals(file) ? "Standard input" : "'" + file + "'")
                        + " endpoint and handlers.");
            }
            return service;
        }

        private static String firstLine(String message) {
            String line = message == null ? "unreadable" : message.strip().lines().findFirst().orElse("unreadable");
            return line.endsWith(".") ? line : line + ".";
        }
    }

    /** A handler from {@code NAME[:TYPE[:raw]]}, as {@code --handler} takes it. */
    static ObjectNode handler(FerryCommand command, String spec) {
        String[] parts = spec.split(":", -1);
        if (parts.length > 3 || parts[0].isBlank()) {
            throw command.usage("--handler '%s' is not NAME[:TYPE[:raw]], e.g. greet, add:EXCLUSIVE or"
                    .formatted(spec) + " ingest:SHARED:raw.");
        }
        ObjectNode handler = Json.object().put("name", parts[0].strip());
        if (parts.length > 1 && !parts[1].isBlank()) {
            String handlerType = parts[1].strip().toUpperCase(Locale.ROOT);
            if (!HANDLER_TYPES.contains(handlerType)) {
                throw command.usage("--handler '%s': the type '%s' is not EXCLUSIVE, SHARED or WORKFLOW."
                        .formatted(spec, parts[1]));
            }
            handler.put("type", handlerType);
        }
        if (parts.length > 2) {
            String input = parts[2].strip().toLowerCase(Locale.ROOT);
            if (!input.equals("raw") && !input.equals("json")) {
                throw command.usage("--handler '%s': the input '%s' is not raw or json.".formatted(spec, parts[2]));
            }
            handler.put("input", input);
        }
        return handler;
    }

    static Table handlerTable(JsonNode handlers) {
        Table table = new Table("HANDLER", "TYPE", "INPUT", "TIMEOUT", "RETRY").keep(0);
        for (JsonNode handler : handlers) {
            table.row(Json.text(handler, "name"), Json.text(handler, "type"),
                    Json.text(handler, "input") == null ? "json" : Json.text(handler, "input"),
                    Json.text(handler, "timeout"), retry(handler.path("retry_policy")));
        }
        return table;
    }

    @Command(name = "list", aliases = "ls", description = "List the services.")
    static final class List extends ViewCommand {

        @Override
        void show(PrintWriter out) {
            JsonNode services = client().get(PATH);
            if (json()) {
                printJson(out, services);
                return;
            }
            Table table = new Table("NAME", "TYPE", "ENDPOINT", "HANDLERS").keep(0);
            for (JsonNode service : services.path("services")) {
                table.row(Json.text(service, "name"), Json.text(service, "type"), Json.text(service, "endpoint"),
                        service.path("handlers").size());
            }
            if (table.isEmpty()) {
                out.println("No services. Register one with: ferry services register --name NAME "
                        + "--endpoint URL --handler NAME");
            } else {
                print(out, table);
            }
        }
    }

    @Command(name = "describe", aliases = "get",
            description = "Show a service: type, endpoint, timeout, retry policy and handlers.")
    static final class Describe extends ViewCommand {

        @Parameters(paramLabel = "NAME", description = "The service's name.")
        String name;

        @Override
        void show(PrintWriter out) {
            JsonNode service = client().get(path(name));
            if (json()) {
                printJson(out, service);
                return;
            }
            print(out, new Fields()
                    .add("Name", Json.text(service, "name"))
                    .add("Type", Json.text(service, "type"))
                    .add("Endpoint", Json.text(service, "endpoint"))
                    .add("Timeout", Json.text(service, "timeout"))
                    .add("Retry", retry(service.path("retry_policy")))
                    .add("Created at", Times.shown(Json.text(service, "created_at"))));
            out.println();
            out.println("Handlers:");
            print(out, handlerTable(service.path("handlers")));
        }
    }

    @Command(name = "delete", aliases = "rm",
            description = "Delete a service. Refused while a subscription uses it.")
    static final class Delete extends FerryCommand {

        @Parameters(paramLabel = "NAME", description = "The service's name.")
        String name;

        @Override
        int run() {
            confirm("Delete service %s?".formatted(name), "Cancelled: service %s was not deleted.".formatted(name));
            client().delete(path(name));
            if (json()) {
                printJson(Json.object().put("name", name).put("deleted", true));
            } else {
                say("Service %s deleted".formatted(name));
            }
            return 0;
        }
    }
}
