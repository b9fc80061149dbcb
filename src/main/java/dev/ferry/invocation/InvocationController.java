package dev.ferry.invocation;

import java.util.List;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The {@code /invocations} resource. */
@RestController
@RequestMapping("/invocations")
@Tag(name = "invocations", description = "Durable requests to run handlers")
class InvocationController {

    private final InvocationReader reader;

    InvocationController(InvocationReader reader) {
        this.reader = reader;
    }

    record InvocationList(List<InvocationView> invocations) {
    }

    @GetMapping
    @Operation(summary = "List invocations", description = "Newest first, filtered by subscription, service,"
            + " handler, key and status.")
    InvocationList list(@RequestParam(required = false) String subscription,
            @RequestParam(required = false) String service, @RequestParam(required = false) String handler,
            @RequestParam(required = false) String key, @RequestParam(required = false) String status,
            @RequestParam(defaultValue = "50") int limit) {
        return new InvocationList(reader.list(new InvocationQuery(subscription, service, handler, key, status, limit)));
    }

    @GetMapping("/{id}")
    @Operation(summary = "Describe an invocation")
    InvocationView get(@PathVariable String id) {
        return reader.get(id);
    }
}
