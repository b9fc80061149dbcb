package dev.ferry.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Changes some of a cluster's properties: {@code edit} in an editor, {@code patch} from flags. Both show a
 * PROPERTY/OLD/NEW diff (secrets masked), confirm, and send only the changes ({@code PATCH ?merge=true}), so
 * the secrets the API never shows are kept without being resent.
 */
abstract class ChangeKafkaCluster extends FerryCommand {

    @Parameters(index = "0", paramLabel = "NAME", description = "The cluster's name.")
    String name;

    /** The changes to make to the current properties, or an exception explaining what is wrong. */
    abstract Changes changes(Map<String, String> current);

    record Changes(Map<String, String> set, Set<String> unset) {
    }

    @Override
    final int run() {
        // the change is sent with the ETag of what was shown, so a change made in between is not overwritten
        AdminClient.Reply read = client().read(KafkaClusterCommands.path(name));
        Map<String, String> current = Json.strings(read.body().path("properties"));
        Changes changes = changes(current);
        changes.set().forEach((key, value) -> {
            if (SecretProperties.MASK.equals(value)) {
                throw new CliException(("Property '%s' has the masked value ***: give its real value, or leave it out"
                        + " to keep the current one.").formatted(key));
            }
        });
        Map<String, String> set = new LinkedHashMap<>(changes.set());
        set.entrySet().removeIf(entry -> !isSecret(entry.getKey(), current)
                && entry.getValue().equals(current.get(entry.getKey())));
        Set<String> unset = new LinkedHashSet<>(changes.unset());
        if (set.isEmpty() && unset.isEmpty()) {
            if (json()) {
                printJson(client().get(KafkaClusterCommands.path(name)));
            } else {
                say("No changes; Kafka cluster %s was not updated.".formatted(name));
            }
            return 0;
        }
        if (!json()) {
            print(diff(current, set, unset));
        }
        confirm("Apply these changes to Kafka cluster %s?".formatted(name),
                "Cancelled: Kafka cluster %s was not updated.".formatted(name));
        ObjectNode request = Json.object();
        request.set("properties", Json.object(set));
        if (!unset.isEmpty()) {
            ArrayNode names = request.putArray("unset");
            unset.forEach(names::add);
        }
        AdminClient.Reply reply = client().patch(KafkaClusterCommands.path(name) + "?merge=true", request,
                read.etag());
        warnings(reply.body());
        if (json()) {
            printJson(reply.body());
        } else {
            say("Kafka cluster %s updated".formatted(name));
        }
        return 0;
    }

    /** A secret: by name, or because the server masked it by a rule of its own. */
    static boolean isSecret(String key, Map<String, String> current) {
        return SecretProperties.isSecret(key) || SecretProperties.MASK.equals(current.get(key));
    }

    private static Table diff(Map<String, String> current, Map<String, String> set, Set<String> unset) {
        Table table = new Table("PROPERTY", "OLD", "NEW");
        Set<String> keys = new TreeSet<>(set.keySet());
        keys.addAll(unset);
        for (String key : keys) {
            String old = current.containsKey(key) ? SecretProperties.shown(key, current.get(key)) : "(unset)";
            String now = set.containsKey(key)
                    ? (isSecret(key, current) ? SecretProperties.MASK : set.get(key)) : "(removed)";
            table.row(key, old, now);
        }
        return table;
    }

    @Command(name = "patch",
            description = {"Change some of a Kafka cluster's properties; the others, secrets "
                    + "included, stay as they are.",
                    "Restarts the cluster's consumers."})
    static final class Patch extends ChangeKafkaCluster {

        @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Set or replace a property. Repeatable.")
        List<String> set = new ArrayList<>();

        @Option(names = "--unset", paramLabel = "KEY", description = "Remove a property. Repeatable.")
        List<String> unset = new ArrayList<>();

        @Override
        Changes changes(Map<String, String> current) {
            if (set.isEmpty() && unset.isEmpty()) {
                throw usage("Nothing to change: give --set KEY=VALUE or --unset KEY.");
            }
            Map<String, String> values;
            try {
                values = PropertyText.parseArguments(set);
            } catch (IllegalArgumentException e) {
                throw usage(e.getMessage());
            }
            Set<String> removed = new LinkedHashSet<>();
            for (String key : unset) {
                if (values.containsKey(key)) {
                    throw usage("'%s' is both set and unset; do one or the other.".formatted(key));
                }
                if (current.containsKey(key)) {
                    removed.add(key);
                } else {
                    warn("Kafka cluster %s has no property '%s'; nothing to unset.".formatted(name, key));
                }
            }
            return new Changes(values, removed);
        }
    }

    @Command(name = "edit",
            description = {"Edit a Kafka cluster's properties in $EDITOR.",
                    "Secret properties are not written to the file and keep their values unless you add them back"
                            + " with a new value. Restarts the cluster's consumers."})
    static final class Edit extends ChangeKafkaCluster {

        @Override
        Changes changes(Map<String, String> current) {
            String edited = Editor.edit(env(), name + ".properties", template(current));
            Map<String, String> properties = PropertyText.parseFile(edited, "the edited properties");
            Set<String> removed = new LinkedHashSet<>();
            current.keySet().stream()
                    .filter(key -> !isSecret(key, current) && !properties.containsKey(key))
                    .forEach(removed::add);
            return new Changes(properties, removed);
        }

        private String template(Map<String, String> current) {
            StringBuilder text = new StringBuilder("""
                    # Properties of Kafka cluster '%s', one name=value per line; lines starting with # are ignored.
                    # Save and close the editor to apply your changes; deleting a line removes that property.
                    """.formatted(name));
            List<String> secrets = new TreeSet<>(current.keySet()).stream()
                    .filter(key -> isSecret(key, current)).toList();
            if (!secrets.isEmpty()) {
                text.append("""
                        #
                        # Secret properties are not shown and keep their values. To change one, add a line with its
                        # new value; to remove one, run: ferry kafka-clusters patch %s --unset NAME
                        """.formatted(name));
                secrets.forEach(secret -> text.append("#   ").append(secret).append(" (secret, kept)\n"));
            }
            text.append("\n");
            new TreeSet<>(current.keySet()).stream().filter(key -> !isSecret(key, current))
                    .forEach(key -> text.append(key).append('=').append(current.get(key)).append('\n'));
            return text.toString();
        }
    }
}
