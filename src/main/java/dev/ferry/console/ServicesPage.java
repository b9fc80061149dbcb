package dev.ferry.console;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import dev.ferry.service.HandlerType;
import dev.ferry.service.ServiceDescriptors.HandlerDescriptor;
import dev.ferry.service.ServiceDescriptors.RegisterServiceRequest;
import dev.ferry.service.ServiceDescriptors.RetryPolicyDescriptor;
import dev.ferry.service.ServiceRegistry;
import dev.ferry.service.ServiceType;
import dev.ferry.web.InvalidRequest;

/** Services: the list with handlers, a form that registers a plain-HTTP service, and delete. */
@Controller
class ServicesPage {

    private final ServiceRegistry registry;

    ServicesPage(ServiceRegistry registry) {
        this.registry = registry;
    }

    @GetMapping("/console/services")
    String list(Model model) {
        model.addAttribute("services", registry.list());
        model.addAttribute("types", ServiceType.values());
        return "console/services";
    }

    @PostMapping("/console/services")
    String register(@RequestParam String name, @RequestParam ServiceType type, @RequestParam String endpoint,
            @RequestParam(required = false) String timeout, @RequestParam(required = false) String initialInterval,
            @RequestParam(required = false) String maxInterval, @RequestParam(required = false) Integer maxAttempts,
            @RequestParam String handlers, RedirectAttributes redirect) {
        RetryPolicyDescriptor retry = blank(initialInterval) && blank(maxInterval) && maxAttempts == null ? null
                : new RetryPolicyDescriptor(blank(initialInterval) ? null : initialInterval.strip(), null,
                        blank(maxInterval) ? null : maxInterval.strip(), maxAttempts, null);
        registry.register(new RegisterServiceRequest(name.strip(), type, endpoint.strip(),
                blank(timeout) ? null : timeout.strip(), retry, null, handlers(handlers), null));
        redirect.addFlashAttribute("message", "Registered service " + name.strip() + ".");
        return "redirect:/console/services";
    }

    @PostMapping("/console/services/{name}/delete")
    String delete(@PathVariable String name, RedirectAttributes redirect) {
        registry.delete(name);
        redirect.addFlashAttribute("message", "Deleted service " + name + ".");
        return "redirect:/console/services";
    }

    /** One handler per line: its name, optionally followed by exclusive, shared or workflow. */
    static List<HandlerDescriptor> handlers(String text) {
        List<HandlerDescriptor> handlers = new ArrayList<>();
        for (String line : text.split("\\R")) {
            String[] words = line.strip().split("\\s+");
            if (words[0].isEmpty()) {
                continue;
            }
            if (words.length > 2) {
                throw InvalidRequest.of("handlers", "Write one handler per line as its name, optionally followed by"
                        + " exclusive, shared or workflow; '%s' has more.".formatted(line.strip()));
            }
            handlers.add(new HandlerDescriptor(words[0], words.length == 1 ? null : type(words[1]), null, null,
                    null));
        }
        return handlers;
    }

    private static HandlerType type(String word) {
        try {
            return HandlerType.valueOf(word.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw InvalidRequest.of("handlers", "Handler type '%s' is not known: use exclusive, shared or workflow."
                    .formatted(word));
        }
    }

    private static boolean blank(@Nullable String value) {
        return value == null || value.isBlank();
    }
}
