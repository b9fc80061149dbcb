package dev.ferry.deployment;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import dev.ferry.invocation.InvocationQuery;
import dev.ferry.invocation.InvocationReader;
import dev.ferry.invocation.InvocationStatus;
import dev.ferry.service.RestateServiceRegistry;
import dev.ferry.service.ServiceRevision;
import dev.ferry.web.InvalidRequest;

/**
 * {@code POST /v4/query}, only as far as Restate's CLI needs it for {@code deployments describe|remove}: the count
 * of unfinished invocations per handler of a deployment. Ferry has no SQL engine; any other query is refused.
 */
@RestController
@Tag(name = "deployments")
class ActiveInvocationsQuery {

    private static final Pattern BY_HANDLER = Pattern.compile("(?s)select\\s+target_service_name\\s+as\\s+service\\s*,"
            + "\\s*target_handler_name\\s+as\\s+handler\\s*,\\s*count\\(1\\)\\s+as\\s+inv_count\\s+from\\s+"
            + "sys_invocation_status\\s+where\\s+pinned_deployment_id\\s*=\\s*'(dp_[0-9A-Za-z]+)'\\s+and\\s+status\\s*"
            + "!=\\s*'completed'\\s+group\\s+by.*", Pattern.CASE_INSENSITIVE);

    private final DeploymentRegistry deployments;
    private final RestateServiceRegistry services;
    private final InvocationReader invocations;

    ActiveInvocationsQuery(DeploymentRegistry deployments, RestateServiceRegistry services,
            InvocationReader invocations) {
        this.deployments = deployments;
        this.services = services;
        this.invocations = invocations;
    }

    record SqlQuery(String query) {
    }

    record HandlerUsage(String service, String handler, long invCount) {
    }

    record Rows(List<HandlerUsage> rows) {
    }

    @PostMapping("/v4/query")
    @Operation(operationId = "query_active_invocations",
            summary = "Unfinished invocations per handler of a deployment (the one query Restate's CLI sends)")
    ResponseEntity<Rows> query(@RequestBody SqlQuery request) {
        Matcher matcher = BY_HANDLER.matcher(request.query() == null ? "" : request.query().strip());
        if (!matcher.matches()) {
            throw InvalidRequest.of("query", "Ferry answers only the query Restate's CLI sends to count a deployment's"
                    + " unfinished invocations; use GET /invocations and GET /invocations/counts instead.");
        }
        String deploymentId = matcher.group(1);
        List<HandlerUsage> rows = new ArrayList<>();
        for (String name : deployments.serviceNames(deploymentId)) {
            ServiceRevision service = services.find(name).orElseThrow();
            for (var handler : service.definition().handlers()) {
                Map<String, Long> counts = invocations.countByStatus(new InvocationQuery(null, name, handler.name(),
                        null, null, null, null, null, null, false, 0));
                long unfinished = counts.entrySet().stream()
                        .filter(entry -> !entry.getKey().equals(InvocationStatus.COMPLETED.wire()))
                        .mapToLong(Map.Entry::getValue).sum();
                if (unfinished > 0) {
                    rows.add(new HandlerUsage(name, handler.name(), unfinished));
                }
            }
        }
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(new Rows(rows));
    }
}
