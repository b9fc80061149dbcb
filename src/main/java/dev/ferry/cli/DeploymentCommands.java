package dev.ferry.cli;

import static dev.ferry.cli.AdminClient.segment;

import java.io.PrintWriter;
import java.util.Map;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/** {@code ferry deployments}: Restate SDK endpoints whose services Ferry runs. */
@Command(name = "deployments", aliases = "dp",
        description = "Manage deployments: Restate SDK endpoints whose services Ferry discovers and runs.",
        subcommands = {DeploymentCommands.Register.class, DeploymentCommands.List.class,
                DeploymentCommands.Describe.class, DeploymentCommands.Remove.class})
final class DeploymentCommands extends CommandGroup {

    static final String PATH = "/deployments";

    static String path(String id) {
        return PATH + "/" + segment(id);
    }

    static String services(JsonNode services) {
        StringBuilder text = new StringBuilder();
        for (JsonNode service : services) {
            text.append(text.isEmpty() ? "" : ", ").append(Json.text(service, "name"))
                    .append(" [").append(Json.text(service, "revision")).append(']');
        }
        return text.toString();
    }

    @Command(name = "register", aliases = "add",
            description = "Discover a Restate SDK endpoint (GET URI/discover) and register its services.")
    static final class Register extends FerryCommand {

        @Parameters(paramLabel = "URI", description = "The endpoint's base URL, e.g. http://127.0.0.1:9080.")
        String uri;

        @Option(names = "--force", description = "Update the services of an endpoint already registered, in place;"
                + " their subscriptions stay.")
        boolean force;

        @Option(names = "--use-http-11", description = "Call the endpoint over HTTP/1.1 instead of HTTP/2 cleartext.")
        boolean useHttp11;

        @Override
        int run() {
            confirm("Register the deployment at %s?".formatted(uri),
                    "Cancelled: the deployment at %s was not registered.".formatted(uri));
            JsonNode registered = client().post(PATH, Json.object().put("uri", uri).put("force", force)
                    .put("use_http_11", useHttp11)).body();
            if (json()) {
                printJson(registered);
                return 0;
            }
            say("Deployment %s registered with service(s) %s".formatted(Json.text(registered, "id"),
                    services(registered.path("services"))));
            return 0;
        }
    }

    @Command(name = "list", aliases = "ls", description = "List the deployments.")
    static final class List extends ViewCommand {

        @Override
        void show(PrintWriter out) {
            JsonNode deployments = client().get(PATH);
            if (json()) {
                printJson(out, deployments);
                return;
            }
            Table table = new Table("ID", "URI", "HTTP", "PROTOCOL", "SERVICES").keep(0).keep(1);
            for (JsonNode deployment : deployments.path("deployments")) {
                table.row(Json.text(deployment, "id"), Json.text(deployment, "uri"),
                        Json.text(deployment, "http_version"), versions(deployment),
                        services(deployment.path("services")));
            }
            if (table.isEmpty()) {
                out.println("No deployments. Register one with: ferry deployments register URI");
            } else {
                print(out, table);
            }
        }
    }

    @Command(name = "describe", aliases = "get", description = "Show a deployment and its services.")
    static final class Describe extends ViewCommand {

        @Parameters(paramLabel = "ID", description = "The deployment's id (dp_...).")
        String id;

        @Override
        void show(PrintWriter out) {
            JsonNode deployment = client().get(path(id));
            if (json()) {
                printJson(out, deployment);
                return;
            }
            print(out, new Fields().add("ID", Json.text(deployment, "id")).add("URI", Json.text(deployment, "uri"))
                    .add("HTTP", Json.text(deployment, "http_version"))
                    .add("Protocol versions", versions(deployment))
                    .add("SDK", Json.text(deployment, "sdk_version"))
                    .add("Created at", Times.shown(Json.text(deployment, "created_at"))));
            Table table = new Table("SERVICE", "TYPE", "REVISION", "HANDLER", "HANDLER TYPE", "LAZY STATE")
                    .keep(0).keep(3);
            for (JsonNode service : deployment.path("services")) {
                for (JsonNode handler : service.path("handlers")) {
                    table.row(Json.text(service, "name"), Json.text(service, "ty"), Json.text(service, "revision"),
                            Json.text(handler, "name"), Json.text(handler, "ty"),
                            Json.text(handler, "enable_lazy_state"));
                }
            }
            out.println();
            out.println("Services:");
            print(out, table);
        }
    }

    @Command(name = "remove", aliases = "rm",
            description = "Remove a deployment and its services. Refused while subscribed, unless --force.")
    static final class Remove extends FerryCommand {

        @Parameters(paramLabel = "ID", description = "The deployment's id (dp_...).")
        String id;

        @Option(names = "--force", description = "Remove it even while subscriptions target its services;"
                + " deletes those subscriptions too.")
        boolean force;

        @Override
        int run() {
            confirm("Remove deployment %s%s?".formatted(id, force ? " and the subscriptions on its services" : ""),
                    "Cancelled: deployment %s was not removed.".formatted(id));
            client().delete(AdminClient.withQuery(path(id), Map.of("force", force)));
            if (json()) {
                printJson(Json.object().put("id", id).put("removed", true));
            } else {
                say("Deployment %s removed".formatted(id));
            }
            return 0;
        }
    }

    private static String versions(JsonNode deployment) {
        return Json.text(deployment, "min_protocol_version") + ".." + Json.text(deployment, "max_protocol_version");
    }
}
