package dev.ferry.console;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import tools.jackson.databind.json.JsonMapper;

import dev.ferry.restate.StateStore;
import dev.ferry.service.ServiceDescriptors.ServiceView;
import dev.ferry.service.ServiceNotFound;
import dev.ferry.service.ServiceRegistry;
import dev.ferry.shared.JsonValues;

/**
 * The state a virtual object or workflow keeps under one key, as {@code GET /services/{service}/state/{key}}
 * reads it: by state key, JSON values pretty-printed and other bytes in hex.
 */
@Controller
class StatePage {

    record Entry(String key, int size, String value) {
    }

    private final StateStore states;
    private final ServiceRegistry services;
    private final JsonMapper json;

    StatePage(StateStore states, ServiceRegistry services, JsonMapper json) {
        this.states = states;
        this.services = services;
        this.json = json;
    }

    @GetMapping("/console/state")
    String show(@RequestParam(required = false) @Nullable String service,
            @RequestParam(required = false) @Nullable String key, Model model) {
        model.addAttribute("keyed", services.list().stream().filter(view -> view.type().keyed())
                .map(ServiceView::name).toList());
        model.addAttribute("service", service);
        model.addAttribute("key", key);
        if (service != null && !service.isBlank() && key != null && !key.isEmpty()) {
            if (!services.exists(service)) {
                throw ServiceNotFound.of(service);
            }
            List<Entry> entries = new ArrayList<>();
            for (Map.Entry<String, byte[]> entry : states.load(service, key).entrySet()) {
                byte[] value = entry.getValue();
                entries.add(new Entry(entry.getKey(), value.length, value.length > 0
                        && JsonValues.isSingleValue(json, value)
                        ? json.writerWithDefaultPrettyPrinter().writeValueAsString(json.readTree(value))
                        : Hex.dump(value, InvocationPage.HEX_BYTES)));
            }
            model.addAttribute("entries", entries);
        }
        return "console/state";
    }
}
