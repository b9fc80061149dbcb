package dev.ferry.console;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

import dev.ferry.invocation.InvocationReader;
import dev.ferry.invocation.InvocationSteering;
import dev.ferry.invocation.SteeringAction;
import dev.ferry.web.FerryException;
import dev.ferry.web.InvalidRequest;

/**
 * An action on the invocations an operator ticked on the list: a confirmation first that names them with their
 * status now, then the action on each through {@link InvocationSteering#apply}, as
 * {@code POST /invocations/{id}/{action}} does, and what happened to each, a refusal with the API's reason.
 */
@Controller
class SelectionPage {

    /** As many ids as one selection takes. */
    static final int SELECTION_LIMIT = InvocationsPage.BULK_LIMIT;

    /** One ticked invocation: its status before (preview) or after the action, or why it was refused. */
    record Outcome(String id, String status, boolean refused) {
    }

    private final InvocationReader reader;
    private final InvocationSteering steering;

    SelectionPage(InvocationReader reader, InvocationSteering steering) {
        this.reader = reader;
        this.steering = steering;
    }

    @PostMapping("/console/invocations/selection/preview")
    String preview(@ModelAttribute("filter") InvocationFilter filter, @RequestParam String action,
            @RequestParam(name = "id", required = false) @Nullable List<String> ids, Model model) {
        SteeringAction parsed = InvocationsPage.action(action);
        List<String> selected = selected(ids);
        List<Outcome> now = new ArrayList<>();
        for (String id : selected) {
            try {
                now.add(new Outcome(id, reader.get(id).status(), false));
            } catch (FerryException refused) {
                now.add(new Outcome(id, refused.detail(), true));
            }
        }
        model.addAttribute("action", parsed.wire());
        model.addAttribute("selected", now);
        model.addAttribute("summary", "This will %s %s".formatted(parsed.wire(), invocations(selected.size())));
        model.addAttribute("confirm", InvocationsPage.capitalised(parsed.wire()) + " " + invocations(selected.size()));
        model.addAttribute("back", InvocationsPage.link(filter, null));
        return "console/selection";
    }

    @PostMapping("/console/invocations/selection")
    String apply(@ModelAttribute("filter") InvocationFilter filter, @RequestParam String action,
            @RequestParam(name = "id", required = false) @Nullable List<String> ids, Model model) {
        SteeringAction parsed = InvocationsPage.action(action);
        List<String> selected = selected(ids);
        List<Outcome> outcomes = new ArrayList<>();
        for (String id : selected) {
            outcomes.add(applied(id, parsed));
        }
        long refused = outcomes.stream().filter(Outcome::refused).count();
        model.addAttribute("action", parsed.wire());
        model.addAttribute("outcomes", outcomes);
        model.addAttribute("summary", "%s: %d of %s%s.".formatted(InvocationsPage.capitalised(parsed.wire()),
                selected.size() - refused, invocations(selected.size()), refused == 0 ? "" : "; %d refused"
                        .formatted(refused)));
        model.addAttribute("back", InvocationsPage.link(filter, null));
        return "console/selection-done";
    }

    private Outcome applied(String id, SteeringAction action) {
        try {
            String result = steering.apply(id, action);
            if (action == SteeringAction.PURGE) {
                return new Outcome(id, "purged", false);
            }
            String status = reader.get(result).status();
            return new Outcome(id, action == SteeringAction.RESTART ? "restarted as " + result + ", " + status
                    : status, false);
        } catch (FerryException refused) {
            return new Outcome(id, refused.detail(), true);
        }
    }

    /** The ticked ids, each once, in the order of the page. */
    static List<String> selected(@Nullable List<String> ids) {
        LinkedHashSet<String> unique = new LinkedHashSet<>();
        if (ids != null) {
            ids.stream().map(String::strip).filter(id -> !id.isEmpty()).forEach(unique::add);
        }
        if (unique.isEmpty()) {
            throw InvalidRequest.of("id", "No invocation is ticked: tick one or more on the list, then choose"
                    + " the action.");
        }
        if (unique.size() > SELECTION_LIMIT) {
            throw InvalidRequest.of("id", "%d invocations are ticked; one selection takes at most %d: act on a"
                    .formatted(unique.size(), SELECTION_LIMIT) + " filter instead.");
        }
        return List.copyOf(unique);
    }

    private static String invocations(int count) {
        return count + (count == 1 ? " invocation" : " invocations");
    }
}
