package dev.ferry.restate;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import com.google.protobuf.InvalidProtocolBufferException;

import dev.ferry.restate.wire.ServiceProtocol.Future;
import dev.ferry.restate.wire.ServiceProtocol.SuspensionMessage;

/**
 * Reads what a suspended handler awaits: versions 5 and 6 list the ids flat, version 7 sends a tree of futures
 * whose leaves are gathered here. Whatever the combinator, one newly produced awaited completion may unblock the
 * handler, so one is enough to invoke again at once (the SDK suspends again if it still waits for more).
 */
final class Suspensions {

    private Suspensions() {
    }

    static AttemptEnding.Suspended of(byte[] body, Set<Integer> produced) throws InvalidProtocolBufferException {
        SuspensionMessage suspension = SuspensionMessage.parseFrom(body);
        List<Integer> completions = new ArrayList<>(suspension.getWaitingCompletionsList());
        List<Integer> signals = new ArrayList<>(suspension.getWaitingSignalsList());
        List<String> named = new ArrayList<>(suspension.getWaitingNamedSignalsList());
        if (suspension.hasAwaitingOn()) {
            gather(suspension.getAwaitingOn(), completions, signals, named);
        }
        boolean readyNow = completions.stream().anyMatch(produced::contains);
        return new AttemptEnding.Suspended(completions, signals, named, readyNow);
    }

    private static void gather(Future future, List<Integer> completions, List<Integer> signals, List<String> named) {
        completions.addAll(future.getWaitingCompletionsList());
        signals.addAll(future.getWaitingSignalsList());
        named.addAll(future.getWaitingNamedSignalsList());
        for (Future nested : future.getNestedFuturesList()) {
            gather(nested, completions, signals, named);
        }
    }
}
