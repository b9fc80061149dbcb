package dev.ferry.console;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import dev.ferry.invocation.InvocationDetails;
import dev.ferry.invocation.InvocationReader;
import dev.ferry.invocation.InvocationSteering;
import dev.ferry.invocation.InvocationView;
import dev.ferry.invocation.SteeringAction;

/**
 * One invocation: target, origin, the times it went through, attempts and last failure, input and result
 * (pretty JSON, text, or hex), headers, the journal of an SDK invocation, and the actions its status allows.
 */
@Controller
class InvocationPage {

    /** How many bytes of a binary payload are shown in hex. */
    static final int HEX_BYTES = 1024;

    /** A point of the invocation's history, as its timestamps tell it. */
    record Step(String what, Object at) {
    }

    private final InvocationReader reader;
    private final InvocationSteering steering;
    private final JsonMapper json;

    InvocationPage(InvocationReader reader, InvocationSteering steering, JsonMapper json) {
        this.reader = reader;
        this.steering = steering;
        this.json = json;
    }

    @GetMapping("/console/invocations/{id}")
    String show(@PathVariable String id, Model model) {
        InvocationDetails details = reader.details(id);
        InvocationView invocation = details.invocation();
        model.addAttribute("invocation", invocation);
        model.addAttribute("details", details);
        model.addAttribute("history", history(invocation));
        model.addAttribute("input", shown(details.input()));
        model.addAttribute("result", shown(details.result()));
        model.addAttribute("allowed", allowed(invocation.status()));
        return "console/invocation";
    }

    @PostMapping("/console/invocations/{id}/{action}")
    String act(@PathVariable String id, @PathVariable String action, RedirectAttributes redirect) {
        SteeringAction parsed = InvocationsPage.action(action);
        String result = steering.apply(id, parsed);
        if (parsed == SteeringAction.PURGE) {
            redirect.addFlashAttribute("message", "Purged " + id + ".");
            return "redirect:/console/invocations";
        }
        redirect.addFlashAttribute("message", parsed == SteeringAction.RESTART
                ? "Restarted as " + result + "." : "%s: now %s.".formatted(InvocationsPage.capitalised(parsed.wire()),
                        reader.get(result).status()));
        return "redirect:/console/invocations/" + result;
    }

    /** The actions {@code InvocationSteering} accepts in this status. */
    static List<SteeringAction> allowed(String status) {
        List<SteeringAction> actions = new ArrayList<>();
        if (status.equals("completed")) {
            return List.of(SteeringAction.RESTART, SteeringAction.PURGE);
        }
        if (status.equals("ready") || status.equals("backing-off")) {
            actions.add(SteeringAction.PAUSE);
        }
        if (status.equals("paused") || status.equals("backing-off")) {
            actions.add(SteeringAction.RESUME);
        }
        actions.add(SteeringAction.CANCEL);
        actions.add(SteeringAction.KILL);
        return actions;
    }

    private static List<Step> history(InvocationView invocation) {
        List<Step> steps = new ArrayList<>();
        steps.add(new Step("created", invocation.createdAt()));
        if (invocation.firstRunningAt() != null) {
            steps.add(new Step("first running", invocation.firstRunningAt()));
        }
        if (invocation.nextAttemptAt() != null && !invocation.status().equals("completed")) {
            steps.add(new Step("next attempt", invocation.nextAttemptAt()));
        }
        if (invocation.completedAt() != null) {
            steps.add(new Step("completed" + (invocation.completion() == null ? "" : " (" + invocation.completion()
                    + (invocation.failureReason() == null ? "" : ", " + invocation.failureReason()) + ")"),
                    invocation.completedAt()));
        }
        steps.add(new Step("last change, now " + invocation.status(), invocation.modifiedAt()));
        return steps;
    }

    /** A payload as the page shows it: pretty JSON, text, or a hex dump; null when there is none. */
    @Nullable String shown(InvocationDetails.@Nullable Payload payload) {
        if (payload == null) {
            return null;
        }
        String suffix = payload.truncated() ? "\n… (cut, %d bytes in all)".formatted(payload.size()) : "";
        if (payload.text() != null) {
            try {
                return json.writerWithDefaultPrettyPrinter().writeValueAsString(json.readTree(payload.text()))
                        + suffix;
            } catch (JacksonException notJson) {
                return payload.text() + suffix;
            }
        }
        if (payload.base64() != null) {
            return Hex.dump(Base64.getDecoder().decode(payload.base64()), HEX_BYTES) + suffix;
        }
        return "";
    }
}
