package dev.ferry.console;

import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.springframework.web.servlet.support.RequestContextUtils;

import dev.ferry.cluster.KafkaClusterRegistry;
import dev.ferry.web.FerryException;
import dev.ferry.web.PropertyLimits;

/**
 * Kafka clusters: the list with connection state and masked properties, a form that checks properties
 * ({@code ?validate=true}) before registering them, and delete. The form posts through htmx, so a refused
 * registration shows its reason without the page sending the typed secrets back.
 */
@Controller
class ClustersPage {

    private final KafkaClusterRegistry registry;

    ClustersPage(KafkaClusterRegistry registry) {
        this.registry = registry;
    }

    @GetMapping("/console/clusters")
    String list(Model model) {
        model.addAttribute("clusters", registry.list());
        return "console/clusters";
    }

    @PostMapping("/console/clusters/validate")
    String validate(@RequestParam String name, @RequestParam String properties, Model model) {
        try {
            KafkaClusterRegistry.Validation validation = registry.validate(name, parsed(properties));
            model.addAttribute("validation", validation);
            model.addAttribute("lines", PropertyLines.masked(validation.properties()));
        } catch (FerryException refused) {
            model.addAttribute("error", refused.detail());
        }
        return "console/clusters :: outcome";
    }

    @PostMapping("/console/clusters")
    Object register(@RequestParam String name, @RequestParam String properties,
            @RequestHeader(name = "HX-Request", required = false) String htmx, Model model,
            RedirectAttributes redirect, HttpServletRequest request, HttpServletResponse response) {
        KafkaClusterRegistry.Saved saved;
        try {
            saved = registry.create(name, parsed(properties));
        } catch (FerryException refused) {
            if (htmx == null) {
                throw refused;
            }
            model.addAttribute("error", refused.detail());
            return "console/clusters :: outcome";
        }
        String message = "Registered cluster " + saved.cluster().name() + "."
                + (saved.warnings().isEmpty() ? "" : " " + String.join(" ", saved.warnings()));
        if (htmx != null) {
            // htmx loads the page itself (HX-Redirect), so the message goes into the flash map by hand
            RequestContextUtils.getOutputFlashMap(request).put("message", message);
            RequestContextUtils.saveOutputFlashMap("/console/clusters", request, response);
            return ResponseEntity.noContent().header("HX-Redirect", "/console/clusters").build();
        }
        redirect.addFlashAttribute("message", message);
        return "redirect:/console/clusters";
    }

    @PostMapping("/console/clusters/{name}/delete")
    String delete(@PathVariable String name, @RequestParam(defaultValue = "false") boolean force,
            RedirectAttributes redirect) {
        registry.delete(name, force, null);
        redirect.addFlashAttribute("message", "Deleted cluster " + name + ".");
        return "redirect:/console/clusters";
    }

    private static Map<String, String> parsed(String text) {
        Map<String, String> properties = PropertyLines.parse("properties", text);
        PropertyLimits.check("properties", properties);
        return properties;
    }
}
