package dev.ferry.console;

import java.util.stream.Stream;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import dev.ferry.cluster.KafkaClusterRegistry;
import dev.ferry.cluster.Secrets;
import dev.ferry.service.ServiceDescriptors.ServiceView;
import dev.ferry.service.ServiceRegistry;
import dev.ferry.subscription.SubscriptionRegistry;
import dev.ferry.subscription.SubscriptionView;
import dev.ferry.web.PropertyLimits;

/**
 * Subscriptions: a form that subscribes a handler to a topic, and one subscription's page with its source,
 * sink, options (secrets as {@code ***}), consumer state and error, partitions with lag, dead-letter topic,
 * and pause, resume and delete.
 */
@Controller
class SubscriptionPage {

    private final SubscriptionRegistry registry;
    private final KafkaClusterRegistry clusters;
    private final ServiceRegistry services;
    private final OverviewPage overview;

    SubscriptionPage(SubscriptionRegistry registry, KafkaClusterRegistry clusters, ServiceRegistry services,
            OverviewPage overview) {
        this.registry = registry;
        this.clusters = clusters;
        this.services = services;
        this.overview = overview;
    }

    @GetMapping("/console/subscriptions")
    String list(Model model) {
        model.addAttribute("subscriptions", registry.list(null, null));
        model.addAttribute("clusters", clusters.names());
        model.addAttribute("sinks", services.list().stream().flatMap(SubscriptionPage::sinks).toList());
        return "console/subscriptions";
    }

    @PostMapping("/console/subscriptions")
    String create(@RequestParam String cluster, @RequestParam String topic, @RequestParam String sink,
            @RequestParam(defaultValue = "") String options, RedirectAttributes redirect) {
        var parsed = PropertyLines.parse("options", options);
        PropertyLimits.check("options", parsed);
        SubscriptionView created = registry.create("kafka://" + cluster + "/" + topic.strip(), sink, parsed);
        redirect.addFlashAttribute("message", "Subscribed " + sink + " to " + created.source() + ".");
        return "redirect:/console/subscriptions/" + created.id();
    }

    @GetMapping("/console/subscriptions/{id}")
    String show(@PathVariable String id, Model model) {
        SubscriptionView subscription = registry.get(id);
        model.addAttribute("row", overview.row(subscription));
        model.addAttribute("options", Secrets.mask(subscription.options()));
        return "console/subscription";
    }

    @PostMapping("/console/subscriptions/{id}/{action:pause|resume|delete}")
    String act(@PathVariable String id, @PathVariable String action, RedirectAttributes redirect) {
        switch (action) {
            case "pause" -> registry.pause(id);
            case "resume" -> registry.resume(id);
            default -> {
                registry.delete(id);
                redirect.addFlashAttribute("message", "Deleted subscription " + id + "; its consumer stops shortly.");
                return "redirect:/console/subscriptions";
            }
        }
        redirect.addFlashAttribute("message", (action.equals("pause") ? "Paused " : "Resumed ") + id + ".");
        return "redirect:/console/subscriptions/" + id;
    }

    private static Stream<String> sinks(ServiceView service) {
        return service.handlers().stream().map(handler -> "service://" + service.name() + "/" + handler.name());
    }
}
