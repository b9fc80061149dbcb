package dev.ferry.dispatch;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.springframework.stereotype.Component;

import dev.ferry.service.HandlerTarget;
import dev.ferry.service.ServiceProtocol;

/** The handler protocols this instance speaks, by name; a target that names none speaks plain HTTP. */
@Component
class HandlerProtocols {

    private final Map<String, HandlerProtocol> byName = new TreeMap<>();

    HandlerProtocols(List<HandlerProtocol> protocols) {
        for (HandlerProtocol protocol : protocols) {
            if (byName.putIfAbsent(protocol.name(), protocol) != null) {
                throw new IllegalStateException("Two handler protocols are named " + protocol.name());
            }
        }
        if (!byName.containsKey(PlainHttpProtocol.NAME)) {
            throw new IllegalStateException("No handler protocol is named " + PlainHttpProtocol.NAME);
        }
    }

    /** The protocol to call {@code target} with: the one its service names ({@code http} or {@code restate}). */
    HandlerProtocol forTarget(HandlerTarget target) {
        return target.protocol() == ServiceProtocol.HTTP ? byName(PlainHttpProtocol.NAME)
                : byName(target.protocol().wireName());
    }

    /** The protocol named {@code name}, or plain HTTP for null. */
    HandlerProtocol byName(String name) {
        HandlerProtocol protocol = byName.get(name == null ? PlainHttpProtocol.NAME : name);
        if (protocol == null) {
            throw new IllegalArgumentException("Ferry speaks no handler protocol named '%s'; it speaks %s"
                    .formatted(name, byName.keySet()));
        }
        return protocol;
    }
}
