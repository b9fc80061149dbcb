package dev.ferry.restate;

import java.time.Clock;
import java.util.List;

import org.springframework.stereotype.Component;

import dev.ferry.invocation.CancelSignals;
import dev.ferry.service.ServiceProtocol;
import dev.ferry.service.ServiceRegistry;

/**
 * Cancels SDK invocations as Restate does: the cancel signal (signal 1) is owed to the invocation and wakes it if
 * suspended; the handler gets a terminal error at its next await, may compensate, and the SDK cancels the calls it
 * waits for, with the same signal.
 */
@Component
class RestateCancelSignals implements CancelSignals {

    private final ServiceRegistry services;
    private final JournalStore journals;
    private final Clock clock;

    RestateCancelSignals(ServiceRegistry services, JournalStore journals, Clock clock) {
        this.services = services;
        this.journals = journals;
        this.clock = clock;
    }

    @Override
    public boolean signal(String invocationId, String service, String handler) {
        boolean sdk = services.findTarget(service, handler)
                .filter(target -> target.protocol() == ServiceProtocol.RESTATE).isPresent();
        // one that never ran has no handler to tell yet: it is ended at once
        boolean started = journals.position(invocationId).filter(position -> position.length() > 0).isPresent();
        return sdk && started && journals.owe(invocationId, List.of(new PendingCompletion(clock.instant(),
                Awakeables.cancellation(), invocationId)), clock.instant()) > 0;
    }
}
