package dev.ferry.restate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.ferry.restate.AttemptEnding.Failed;
import dev.ferry.restate.AttemptEnding.Kind;
import dev.ferry.restate.AttemptEnding.Output;
import dev.ferry.restate.AttemptEnding.Suspended;
import dev.ferry.restate.AttemptEnding.TerminalFailure;
import dev.ferry.shared.Ids;
import dev.ferry.testsupport.SdkEndpoint;

/**
 * Attempts against the real TypeScript SDK ({@code src/test/node/services/protocol-suite.mjs}), over HTTP/2
 * cleartext and over HTTP/1.1. Between attempts the test does what the dispatcher does: appends the new entries to
 * the journal, applies the state changes, and invokes again at once when a suspension is ready.
 */
class TypeScriptSdkIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private static SdkEndpoint h2;
    private static SdkEndpoint h1;
    private static ServiceProtocolClient client;

    @BeforeAll
    static void start() {
        h2 = SdkEndpoint.start("protocol-suite.mjs", SdkEndpoint.Transport.H2C);
        h1 = SdkEndpoint.start("protocol-suite.mjs", SdkEndpoint.Transport.HTTP1);
        client = new ServiceProtocolClient(RestateProperties.defaults());
    }

    @AfterAll
    static void stop() {
        client.close();
        h2.close();
        h1.close();
    }

    @ParameterizedTest(name = "http11={0}")
    @ValueSource(booleans = {false, true})
    void aServiceHandlerReturnsItsOutputAndSeesTheInputHeaders(boolean http11) {
        Invocation greet = new Invocation(http11, "Greeter", "greet", HandlerKind.STATELESS, "", "\"Ferry\"");

        AttemptResult result = greet.attempt();

        assertThat(text(((Output) result.ending()).value())).isEqualTo("\"Hello Ferry (orders)\"");
        assertThat(result.newEntries()).extracting(JournalEntry::typeName)
                .containsExactly("InputCommand", "OutputCommand");
        assertThat(result.stateChanges()).isEmpty();
    }

    @ParameterizedTest(name = "http11={0}")
    @ValueSource(booleans = {false, true})
    void anExclusiveHandlerReadsRunsOnceWritesAndReturnsAndReplayDoesNotRunAgain(boolean http11) {
        SdkEndpoint endpoint = endpoint(http11);
        int runsBefore = endpoint.runs("receipt");
        Invocation deposit = new Invocation(http11, "Account", "deposit", HandlerKind.EXCLUSIVE, "alice-" + http11,
                "10");
        deposit.state.put("balance", bytes("5"));

        AttemptResult first = deposit.attempt();
        assertThat(first.ending()).isInstanceOfSatisfying(Suspended.class, s -> assertThat(s.readyNow()).isTrue());
        assertThat(first.newEntries()).extracting(JournalEntry::typeName)
                .containsExactly("InputCommand", "GetEagerStateCommand", "RunCommand", "RunCompletionNotification");
        assertThat(first.newEntries().get(2).name()).isEqualTo("receipt");
        List<JournalEntry> beforeSecond = List.copyOf(deposit.journal);

        AttemptResult second = deposit.attempt();
        String output = text(((Output) second.ending()).value());
        assertThat(output).isEqualTo("{\"balance\":15,\"receipt\":\"receipt-%d\"}".formatted(runsBefore + 1));
        assertThat(second.newEntries()).extracting(JournalEntry::typeName)
                .containsExactly("SetStateCommand", "OutputCommand");
        assertThat(second.stateChanges()).singleElement().isInstanceOfSatisfying(StateChange.Set.class, set -> {
            assertThat(set.key()).isEqualTo("balance");
            assertThat(text(set.value())).isEqualTo("15");
        });
        assertThat(text(deposit.state.get("balance"))).isEqualTo("15");

        Invocation replay = new Invocation(http11, "Account", "deposit", HandlerKind.EXCLUSIVE, "alice-" + http11,
                "10");
        replay.journal.addAll(beforeSecond);
        replay.state.put("balance", bytes("5"));
        assertThat(text(((Output) replay.attempt().ending()).value())).isEqualTo(output);
        assertThat(endpoint.runs("receipt")).isEqualTo(runsBefore + 1);

        Invocation balance = new Invocation(http11, "Account", "balance", HandlerKind.SHARED, "alice-" + http11, "");
        balance.state.putAll(deposit.state);
        assertThat(text(((Output) balance.attempt().ending()).value())).isEqualTo("15");
    }

    @ParameterizedTest(name = "http11={0}")
    @ValueSource(booleans = {false, true})
    void aRetryableErrorFailsTheAttemptAndTheNextAttemptSucceeds(boolean http11) {
        Invocation flaky = new Invocation(http11, "Greeter", "failOnce", HandlerKind.STATELESS, "", "\"again\"");

        AttemptResult first = flaky.attempt();
        assertThat(first.ending()).isInstanceOfSatisfying(Failed.class, failed -> {
            assertThat(failed.kind()).isEqualTo(Kind.HANDLER_ERROR);
            assertThat(failed.code()).isEqualTo(500);
            assertThat(failed.message()).contains("the first call always fails");
        });
        assertThat(first.newEntries()).extracting(JournalEntry::typeName).containsExactly("InputCommand");

        flaky.retry = new AttemptRequest.RetryInfo(1, Duration.ofMillis(50));
        assertThat(text(((Output) flaky.attempt().ending()).value())).isEqualTo("\"recovered again\"");
    }

    @ParameterizedTest(name = "http11={0}")
    @ValueSource(booleans = {false, true})
    void aTerminalErrorEndsTheInvocationAsFailed(boolean http11) {
        AttemptResult result = new Invocation(http11, "Greeter", "refuse", HandlerKind.STATELESS, "", "null").attempt();

        assertThat(result.ending()).isEqualTo(new TerminalFailure(404, "no such order"));
        assertThat(result.newEntries()).extracting(JournalEntry::typeName)
                .containsExactly("InputCommand", "OutputCommand");
    }

    @ParameterizedTest(name = "http11={0}")
    @ValueSource(booleans = {false, true})
    void aHandlerThatReplaysDifferentlyIsAJournalMismatch(boolean http11) {
        Invocation drift = new Invocation(http11, "Account", "drift", HandlerKind.EXCLUSIVE, "k-" + http11, "null");

        assertThat(drift.attempt().ending()).isInstanceOf(Suspended.class);
        AttemptResult second = drift.attempt();

        assertThat(second.ending()).isInstanceOfSatisfying(Failed.class, failed -> {
            assertThat(failed.kind()).isEqualTo(Kind.JOURNAL_MISMATCH);
            assertThat(failed.code()).isEqualTo(570);
            assertThat(failed.describe()).startsWith("journal mismatch (570): ");
        });
        assertThat(second.newEntries()).isEmpty();
    }

    @ParameterizedTest(name = "http11={0}")
    @ValueSource(booleans = {false, true})
    void aSleepOwesItsCompletionAtTheWakeUpTimeAndTheHandlerGoesOnOnceItIsInTheJournal(boolean http11) {
        Invocation nap = new Invocation(http11, "Greeter", "nap", HandlerKind.STATELESS, "", "null");
        Instant before = Instant.now();

        AttemptResult asleep = nap.attempt();

        assertThat(asleep.ending()).isInstanceOfSatisfying(Suspended.class, suspended -> {
            assertThat(suspended.readyNow()).isFalse();
            assertThat(suspended.completions()).hasSize(1);
        });
        assertThat(asleep.newEntries()).extracting(JournalEntry::typeName)
                .containsExactly("InputCommand", "SleepCommand");
        assertThat(asleep.completions()).singleElement().satisfies(timer -> {
            assertThat(timer.dueAt()).isBetween(before.plusSeconds(59), Instant.now().plusSeconds(61));
            assertThat(timer.notification().typeName()).isEqualTo("SleepCompletionNotification");
        });

        nap.journal.add(asleep.completions().getFirst().notification());
        AttemptResult awake = nap.attempt();

        assertThat(text(((Output) awake.ending()).value())).isEqualTo("\"woke up\"");
        assertThat(awake.completions()).isEmpty();
    }

    @ParameterizedTest(name = "http11={0}")
    @ValueSource(booleans = {false, true})
    void anAttachIsKeptAndTheHandlerSuspendsUntilItIsAnswered(boolean http11) {
        AttemptResult result = new Invocation(http11, "Greeter", "attachSelf", HandlerKind.STATELESS, "", "null")
                .attempt();

        assertThat(result.ending()).isInstanceOfSatisfying(Suspended.class,
                suspended -> assertThat(suspended.completions()).hasSize(1));
        assertThat(result.newEntries()).extracting(JournalEntry::typeName).containsExactly("InputCommand",
                "AttachInvocationCommand");
    }

    @ParameterizedTest(name = "http11={0}")
    @ValueSource(booleans = {false, true})
    void anUnknownHandlerIsAnHttpStatusFailure(boolean http11) {
        AttemptResult result = new Invocation(http11, "Greeter", "nosuch", HandlerKind.STATELESS, "", "null").attempt();

        assertThat(result.ending()).isInstanceOfSatisfying(Failed.class, failed -> {
            assertThat(failed.kind()).isEqualTo(Kind.HTTP_STATUS);
            assertThat(failed.code()).isEqualTo(404);
        });
    }

    @Test
    void attemptsBeyondTheStreamsOfOneConnectionGoOverMoreConnections() throws Exception {
        RestateProperties defaults = RestateProperties.defaults();
        RestateProperties twoStreams = new RestateProperties(defaults.connectTimeout(), defaults.maxMessageSize(),
                defaults.maxResponseSize(), 2);
        try (ServiceProtocolClient narrow = new ServiceProtocolClient(twoStreams)) {
            // a first attempt opens a connection and learns the endpoint's settings
            assertThat(new Invocation(false, "Greeter", "greet", HandlerKind.STATELESS, "", "\"first\"")
                    .start(narrow).join().ending()).isInstanceOf(Output.class);
            long before = connectionsTo(h2.port());
            List<CompletableFuture<AttemptResult>> attempts = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                attempts.add(new Invocation(false, "Greeter", "slowGreet", HandlerKind.STATELESS, "", "\"n" + i + "\"")
                        .start(narrow));
            }

            for (int i = 0; i < attempts.size(); i++) {
                assertThat(attempts.get(i).join().ending()).isInstanceOfSatisfying(Output.class,
                        output -> assertThat(text(output.value())).startsWith("\"Hello n"));
            }
            // two streams each: the open connection carries two of the twelve, at least five more the others (Jetty
            // may open a few extra while new connections wait for the endpoint's settings)
            assertThat(connectionsTo(h2.port()) - before).as("HTTP/2 connections opened for 12 attempts at once")
                    .isGreaterThanOrEqualTo(5);
        }
    }

    /**
     * Established TCP connections from this machine to {@code port} on 127.0.0.1, from the kernel's tables (a JVM's
     * sockets are IPv6 ones with the IPv4-mapped address, {@code ::ffff:127.0.0.1}).
     */
    private static long connectionsTo(int port) throws IOException {
        String remote = "0100007F:%04X".formatted(port);
        long count = 0;
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            try (Stream<String> lines = Files.lines(Path.of(table))) {
                count += lines.skip(1).map(line -> line.trim().split("\\s+"))
                        .filter(fields -> fields[2].endsWith(remote) && fields[3].equals("01")).count();
            }
        }
        return count;
    }

    private static SdkEndpoint endpoint(boolean http11) {
        return http11 ? h1 : h2;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** One invocation's stored journal and object state, kept the way the dispatcher keeps them. */
    private static final class Invocation {
        final List<JournalEntry> journal = new ArrayList<>();
        final Map<String, byte[]> state = new LinkedHashMap<>();
        final RestateEndpoint endpoint;
        final String service;
        final String handler;
        final HandlerKind kind;
        final String key;
        final byte[] input;
        final InvocationIdentity identity = InvocationIdentity.of(Ids.next("inv_", Instant.now()));
        AttemptRequest.RetryInfo retry = AttemptRequest.RetryInfo.NONE;

        Invocation(boolean http11, String service, String handler, HandlerKind kind, String key, String input) {
            URI uri = URI.create(endpoint(http11).uri());
            this.endpoint = RestateEndpoint.of(uri, http11);
            this.service = service;
            this.handler = handler;
            this.kind = kind;
            this.key = key;
            this.input = bytes(input);
        }

        CompletableFuture<AttemptResult> start(ServiceProtocolClient through) {
            return through.invoke(endpoint, request(), TIMEOUT);
        }

        private AttemptRequest request() {
            return new AttemptRequest(identity, service, handler, kind, key, input,
                    List.of(new AttemptRequest.Header("kafka.topic", "orders")), journal, state, false, retry,
                    identity.randomSeed());
        }

        AttemptResult attempt() {
            AttemptResult result = start(client).join();
            journal.addAll(result.newEntries());
            result.stateChanges().forEach(change -> change.applyTo(state));
            return result;
        }
    }
}
