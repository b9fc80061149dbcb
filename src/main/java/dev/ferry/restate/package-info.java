/**
 * Speaks the Restate service protocol to SDK deployments and keeps what it produces: one attempt of an
 * invocation in request/response mode ({@link dev.ferry.restate.RestateAttempt}, no I/O), its transport over
 * HTTP/2 cleartext with prior knowledge or HTTP/1.1 ({@link dev.ferry.restate.ServiceProtocolClient}), and the
 * journal and object state in PostgreSQL ({@link dev.ferry.restate.JournalStore}, {@link
 * dev.ferry.restate.StateStore}). {@code RestateHandlerProtocol} is the dispatcher's handler protocol for
 * services of protocol {@code restate}: it runs a dispatcher attempt as one or more exchanges (ready suspensions are
 * stored and resumed at once) and stores the last exchange with the attempt's outcome. The message classes are
 * generated from {@code src/main/proto} into the internal package {@code wire}.
 *
 * <p>Protocol decisions:
 * <ul>
 *   <li>Version 6 unless the deployment's manifest excludes it ({@link dev.ferry.restate.ProtocolVersion#negotiate});
 *       5 and 7 are spoken too. Suspensions are read in both shapes (flat ids up to 6, a future tree in 7).</li>
 *   <li>The request is the start message and the whole stored journal; a first attempt writes the input command
 *       (value and headers) as entry 0 itself and returns it among the new entries. Eager state (the whole map,
 *       {@code partial_state=false}) unless the handler asks for lazy state; then nothing is sent and each lazy
 *       read or key listing is answered by Ferry from the stored state plus the attempt's own changes, stored
 *       as the completion notification after its command.</li>
 *   <li>A {@code ProposeRunCompletion} is stored as the run's {@code RunCompletionNotification} at the place it
 *       arrived, without flags. In request/response mode the SDK then suspends; a suspension is ready to be invoked
 *       again at once when at least one awaited completion was produced by the attempt itself.</li>
 *   <li>Custom commands ({@code 0xFC00} and up) are stored as they are. A command Ferry does not run yet
 *       (an attach or get-output by idempotency key or workflow key, unknown commands) ends the attempt:
 *       what came before it is kept, it and everything after are dropped.</li>
 *   <li>An attach or get-output by invocation id is answered when its command is stored ({@code Attachments}): at
 *       once for a completed target and for every get-output ("not ready" while running); otherwise the attach is
 *       registered and answered in the transaction that records the target's outcome. Named signals are owed to
 *       their target like awakeables.</li>
 *   <li>What the runtime owes a journal (a sleep's completion at its wake-up time, a call's result, an awakeable's
 *       or the cancel signal) is a row of {@code invocation_completions}, stored in the transaction that produced
 *       it; a suspension on completions or signals suspends the invocation until one is due, and the next attempt
 *       appends the due ones before its replay. Calls and sends create their callees in the transaction of their
 *       command ({@code OutgoingCalls}); the callee's id notification is stored right after it.
 *       Awakeable ids ({@code sign_1...}) decode back to the waiting invocation.</li>
 *   <li>Workflow promises are rows of {@code workflow_promises} (service, workflow key, name); a promise command is
 *       applied where its entry is stored ({@code WorkflowPromises}), and its answer (a peek's at once, a get's
 *       once the promise completes, a second completion's 409 failure) is a completion of the journal, so waiters
 *       wake in the transaction that completes the promise.</li>
 *   <li>On an SDK error, a bad status, a timeout or a cut stream, the whole frames received so far are kept, as a
 *       runtime storing entries as they arrive would. A violation Ferry detects itself (a shared or stateless
 *       handler changing state, a notification or input command from the SDK, End without output, an unreadable
 *       message) keeps nothing the SDK sent in that attempt.</li>
 *   <li>Entries and state changes are written in one transaction fenced on {@code invocations.journal_length}
 *       and on the claim that started the attempt ({@code attempts}, status running), so the entries of an
 *       attempt whose invocation was killed or taken over are never stored; the retries since the journal last
 *       grew and its time feed the next start message.</li>
 * </ul>
 */
package dev.ferry.restate;
