package dev.ferry.restate;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import org.springframework.stereotype.Component;

import dev.ferry.dispatch.ObjectStates;
import dev.ferry.invocation.AttemptFence;

/**
 * The object state of plain HTTP handlers with the state envelope, kept in the table of SDK services' state
 * ({@link StateStore}): an object's state reads the same to both.
 */
@Component
class EnvelopeStates implements ObjectStates {

    private final StateStore store;
    private final StateReads reads;
    private final AttemptFence fence;
    private final Clock clock;

    EnvelopeStates(StateStore store, StateReads reads, AttemptFence fence, Clock clock) {
        this.store = store;
        this.reads = reads;
        this.fence = fence;
        this.clock = clock;
    }

    @Override
    public CompletableFuture<Map<String, byte[]>> load(String service, String objectKey) {
        return reads.load(service, objectKey);
    }

    @Override
    public void apply(String service, String objectKey, Changes changes) {
        store.apply(service, objectKey, list(changes), clock.instant());
    }

    @Override
    public Set<String> applyFenced(List<Fenced> changes) {
        Set<String> held = fence.holding(changes.stream().map(Fenced::invocationId).toList(),
                changes.stream().map(Fenced::attempt).toList());
        Set<String> superseded = new HashSet<>();
        List<StateStore.ObjectChanges> applied = new ArrayList<>();
        for (Fenced fenced : changes) {
            if (held.contains(fenced.invocationId())) {
                applied.add(new StateStore.ObjectChanges(fenced.service(), fenced.objectKey(), list(fenced.changes())));
            } else {
                superseded.add(fenced.invocationId());
            }
        }
        store.applyAll(applied, clock.instant());
        return superseded;
    }

    private static List<StateChange> list(Changes changes) {
        List<StateChange> list = new ArrayList<>();
        if (changes.clearAll()) {
            list.add(new StateChange.ClearAll());
        }
        changes.clear().forEach(name -> list.add(new StateChange.Clear(name)));
        changes.set().forEach((name, value) -> list.add(new StateChange.Set(name, value)));
        return list;
    }
}
