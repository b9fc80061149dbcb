package dev.ferry.restate;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Component;

import dev.ferry.dispatch.ObjectStates;

/**
 * The object state of plain HTTP handlers with the state envelope, kept in the table of SDK services' state
 * ({@link StateStore}): an object's state reads the same to both.
 */
@Component
class EnvelopeStates implements ObjectStates {

    private final StateStore store;
    private final Clock clock;

    EnvelopeStates(StateStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    @Override
    public Map<String, byte[]> load(String service, String objectKey) {
        return store.load(service, objectKey);
    }

    @Override
    public void apply(String service, String objectKey, Changes changes) {
        List<StateChange> list = new ArrayList<>();
        if (changes.clearAll()) {
            list.add(new StateChange.ClearAll());
        }
        changes.clear().forEach(name -> list.add(new StateChange.Clear(name)));
        changes.set().forEach((name, value) -> list.add(new StateChange.Set(name, value)));
        store.apply(service, objectKey, list, clock.instant());
    }
}
