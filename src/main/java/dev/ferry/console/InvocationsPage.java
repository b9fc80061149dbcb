package dev.ferry.console;

import java.util.List;
import java.util.Locale;

import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.springframework.web.util.UriComponentsBuilder;

import dev.ferry.invocation.InvocationQuery;
import dev.ferry.invocation.InvocationReader;
import dev.ferry.invocation.InvocationSteering;
import dev.ferry.invocation.QueryChecks;
import dev.ferry.invocation.SteeringAction;
import dev.ferry.web.InvalidRequest;

/**
 * The invocation list with the filters of {@code GET /invocations}, paging by cursor and counts by status, and
 * bulk actions on every invocation a filter matches: a dry run first ("this will kill 312 invocations"), then
 * the action itself, both through {@link InvocationSteering#applyAll} as {@code POST /invocations/bulk} does.
 */
@Controller
class InvocationsPage {

    static final int PAGE_SIZE = 50;
    /** As many as {@code POST /invocations/bulk} takes without a limit. */
    static final int BULK_LIMIT = 1000;
    /** How many of the matched ids the dry run lists. */
    static final int PREVIEW_IDS = 20;

    private final InvocationReader reader;
    private final InvocationSteering steering;

    InvocationsPage(InvocationReader reader, InvocationSteering steering) {
        this.reader = reader;
        this.steering = steering;
    }

    @GetMapping("/console/invocations")
    String list(@ModelAttribute("filter") InvocationFilter filter, @RequestParam(required = false) String cursor,
            Model model) {
        InvocationReader.Page page = reader.list(filter.query(cursor, false, PAGE_SIZE));
        model.addAttribute("invocations", page.invocations());
        model.addAttribute("counts", StatusCounts.of(reader, filter.countQuery()));
        model.addAttribute("statuses", StatusCounts.STATUSES);
        model.addAttribute("actions", List.of(SteeringAction.values()));
        model.addAttribute("cursor", cursor);
        model.addAttribute("next", page.nextCursor() == null ? null : link(filter, page.nextCursor()));
        model.addAttribute("first", cursor == null ? null : link(filter, null));
        return "console/invocations";
    }

    @PostMapping("/console/invocations/bulk/preview")
    String preview(@ModelAttribute("filter") InvocationFilter filter, @RequestParam String action,
            @RequestParam(defaultValue = "false") boolean all, Model model) {
        SteeringAction parsed = action(action);
        InvocationSteering.BulkResult dryRun = steering.applyAll(bulkQuery(filter, all), parsed, true);
        model.addAttribute("action", parsed.wire());
        model.addAttribute("all", all);
        model.addAttribute("matched", dryRun.matched());
        model.addAttribute("ids", dryRun.ids().stream().limit(PREVIEW_IDS).toList());
        model.addAttribute("summary", "This will %s %d invocation%s".formatted(parsed.wire(), dryRun.matched(),
                dryRun.matched() == 1 ? "" : "s"));
        model.addAttribute("back", link(filter, null));
        return "console/bulk";
    }

    @PostMapping("/console/invocations/bulk")
    String apply(@ModelAttribute("filter") InvocationFilter filter, @RequestParam String action,
            @RequestParam(defaultValue = "false") boolean all, RedirectAttributes redirect) {
        SteeringAction parsed = action(action);
        InvocationSteering.BulkResult result = steering.applyAll(bulkQuery(filter, all), parsed, false);
        String message = "%s: %d of %d invocations".formatted(capitalised(parsed.wire()), result.succeeded().size(),
                result.matched());
        if (!result.failed().isEmpty()) {
            message += "; %d refused (%s)".formatted(result.failed().size(), result.failed().getFirst().reason());
        }
        redirect.addFlashAttribute("message", message + ".");
        return "redirect:" + link(filter, null);
    }

    private static InvocationQuery bulkQuery(InvocationFilter filter, boolean all) {
        InvocationQuery query = filter.query(null, true, BULK_LIMIT);
        if (!QueryChecks.filtersAnything(query) && !all) {
            throw InvalidRequest.of("all", "The filter is empty, so the action would apply to every invocation:"
                    + " give a filter (service, status, ...), or tick \"every invocation\".");
        }
        return query;
    }

    static SteeringAction action(String action) {
        return SteeringAction.fromWire(action).orElseThrow(() -> InvalidRequest.of("action",
                "Action '%s' is not known: use cancel, kill, pause, resume, restart or purge.".formatted(action)));
    }

    static String capitalised(String word) {
        return word.substring(0, 1).toUpperCase(Locale.ROOT) + word.substring(1);
    }

    static String link(InvocationFilter filter, @Nullable String cursor) {
        UriComponentsBuilder link = UriComponentsBuilder.fromPath("/console/invocations");
        filter.parameters().forEach(link::queryParam);
        if (cursor != null) {
            link.queryParam("cursor", cursor);
        }
        return link.encode().build().toUriString();
    }
}
