package dev.ferry.invocation;

import java.util.List;

import dev.ferry.service.HandlerTarget;

/** Builds the invocation a caller asks for, by the kind of target it names. */
public final class Submissions {

    private Submissions() {
    }

    public static NewInvocation of(HandlerTarget target, String id, String key, byte[] input) {
        if (target.exclusive()) {
            return NewInvocation.exclusive(id, target.service(), target.handler(), key, input, List.of(), null);
        }
        if (target.workflowRun()) {
            return NewInvocation.workflowRun(id, target.service(), target.handler(), key, input, List.of(), null);
        }
        return NewInvocation.runnable(id, target.service(), target.handler(), key, input, List.of(), null);
    }
}
