package dev.ferry.restate;

import java.time.Duration;
import java.util.List;

/** How an attempt ended. */
public sealed interface AttemptEnding {

    /** The handler returned: the invocation completes with this value. */
    record Output(byte[] value) implements AttemptEnding {
        public Output {
            value = value.clone();
        }

        @Override
        public byte[] value() {
            return value.clone();
        }
    }

    /** The handler failed terminally ({@code TerminalError}): the invocation completes as failed. */
    record TerminalFailure(int code, String message) implements AttemptEnding {
    }

    /**
     * The handler waits for notifications. {@code readyNow} is true when at least one awaited completion was
     * produced by this attempt itself (a {@code ctx.run} result or a lazy state read, now among the new entries):
     * the caller invokes again at once, which is not a retry. Otherwise the awaited notifications are of a
     * kind Ferry does not produce yet (an awakeable, a signal), and the invocation cannot go on by itself.
     *
     * @param completions      the awaited completion ids
     * @param signals          the awaited signal indexes (1 is cancellation)
     * @param namedSignals     the awaited named signals
     * @param readyNow         whether to invoke again at once
     */
    record Suspended(List<Integer> completions, List<Integer> signals, List<String> namedSignals, boolean readyNow)
            implements AttemptEnding {
        public Suspended {
            completions = List.copyOf(completions);
            signals = List.copyOf(signals);
            namedSignals = List.copyOf(namedSignals);
        }
    }

    /**
     * The attempt failed and may be retried.
     *
     * @param kind           what failed
     * @param code           the SDK's error code (570 journal mismatch, 571 protocol violation), an HTTP status,
     *                       or 0 when no answer came
     * @param message        what happened, for {@code last_failure}
     * @param nextRetryDelay the SDK's delay for the next attempt only, or null to follow the retry policy
     * @param behavior       what the SDK asks for (version 7 only; always {@link Behavior#RETRY} before)
     */
    record Failed(Kind kind, int code, String message, Duration nextRetryDelay, Behavior behavior)
            implements AttemptEnding {

        /** The text for an invocation's {@code last_failure}, such as "journal mismatch (570): ...". */
        public String describe() {
            return switch (kind) {
                case JOURNAL_MISMATCH -> "journal mismatch (570): " + message;
                case PROTOCOL_VIOLATION -> "protocol violation (571): " + message;
                case HANDLER_ERROR -> "handler error (" + code + "): " + message;
                case HTTP_STATUS -> "the deployment answered HTTP " + code + ": " + message;
                case STREAM_CUT, TRANSPORT, TOO_LARGE -> message;
            };
        }
    }

    /** What kind of failure ended an attempt. */
    enum Kind {
        /** The SDK reported an error (a retryable exception in the handler). */
        HANDLER_ERROR,
        /** 570: the handler did not replay its journal the same way. */
        JOURNAL_MISMATCH,
        /** 571, from the SDK or found by Ferry (a shared handler writing state, an unexpected message). */
        PROTOCOL_VIOLATION,
        /** The deployment answered something other than 200 with a protocol content type. */
        HTTP_STATUS,
        /** The response ended without End, Suspension or Error. */
        STREAM_CUT,
        /** No answer: connection refused or reset, timeout. */
        TRANSPORT,
        /** A message or the response exceeded Ferry's limit. */
        TOO_LARGE
    }

    /** What an SDK asks the runtime to do after an error (protocol version 7). */
    enum Behavior {
        RETRY, PAUSE, FAIL
    }

    /**
     * The handler used a command Ferry does not run yet. Nothing from that command on is kept; the caller
     * pauses the invocation with {@link #message()} as its last failure.
     *
     * @param command the command's protocol name, such as {@code SleepCommand}
     * @param message what to tell the operator: "ctx.sleep is not supported yet (SleepCommand)"
     */
    record Unsupported(String command, String message) implements AttemptEnding {
    }
}
