package dev.ferry.web;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import org.springframework.http.ProblemDetail;

/**
 * What the OpenAPI document says per operation beyond the controllers' annotations: each {@code /v4/...} alias
 * of a resource Ferry also serves without the prefix is listed once, under the plain path; an operation served at
 * a path with and one without {@code {key}} gets an id of its own for each; and every operation names its 404
 * (an unknown resource in the path) and 409 (a clash with the current state) problems.
 */
final class OperationDocs {

    private static final String V4 = "/v4";
    private static final Pattern COPY_SUFFIX = Pattern.compile("_\\d+$");

    private OperationDocs() {
    }

    static void apply(OpenAPI openApi) {
        removeAliases(openApi);
        Map<String, Integer> seen = new HashMap<>();
        openApi.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, operation) -> {
            distinctId(path, operation, seen);
            if (path.contains("{")) {
                addProblem(operation, "404", "Nothing of that name or id is registered; the problem's detail"
                        + " names what is missing");
            }
            if (method != PathItem.HttpMethod.GET && !path.equals(V4 + "/query")) {
                addProblem(operation, "409", "The request clashes with the current state (in use, exists"
                        + " already, not in a state that allows it); the problem's detail says what to do first");
            }
        }));
    }

    /**
     * {@code /v4/kafka-clusters} and the like are the same operations as the paths without the prefix;
     * {@code /v4/services} is not (it is Restate's shape of the deployments' services), so it stays.
     */
    private static void removeAliases(OpenAPI openApi) {
        List<String> aliases = openApi.getPaths().keySet().stream()
                .filter(path -> path.startsWith(V4 + "/"))
                .filter(path -> sameOperations(openApi.getPaths().get(path), openApi.getPaths().get(path.substring(3))))
                .toList();
        aliases.forEach(openApi.getPaths()::remove);
        for (String alias : aliases) {
            openApi.getPaths().get(alias.substring(3)).readOperations().forEach(operation -> {
                String note = "Also served at " + alias + ", in the shape of Restate's admin API.";
                operation.setDescription(operation.getDescription() == null ? note
                        : operation.getDescription() + " " + note);
            });
        }
    }

    private static boolean sameOperations(PathItem alias, PathItem plain) {
        if (plain == null) {
            return false;
        }
        Map<PathItem.HttpMethod, Operation> plainOperations = plain.readOperationsMap();
        return alias.readOperationsMap().entrySet().stream().allMatch(entry -> {
            Operation other = plainOperations.get(entry.getKey());
            return other != null && baseId(other).equals(baseId(entry.getValue()));
        });
    }

    private static String baseId(Operation operation) {
        return operation.getOperationId() == null ? ""
                : COPY_SUFFIX.matcher(operation.getOperationId()).replaceFirst("");
    }

    private static void distinctId(String path, Operation operation, Map<String, Integer> seen) {
        if (operation.getOperationId() == null) {
            return;
        }
        String id = baseId(operation);
        if (path.contains("{key}")) {
            id = id + "_with_key";
        }
        int copies = seen.merge(id, 1, Integer::sum);
        operation.setOperationId(copies == 1 ? id : id + "_" + copies);
    }

    private static void addProblem(Operation operation, String status, String description) {
        if (operation.getResponses() == null || operation.getResponses().containsKey(status)) {
            return;
        }
        operation.getResponses().addApiResponse(status, new ApiResponse().description(description)
                .content(new Content().addMediaType("application/problem+json", new MediaType()
                        .schema(new Schema<>().$ref("#/components/schemas/" + ProblemDetail.class.getSimpleName())))));
    }
}
