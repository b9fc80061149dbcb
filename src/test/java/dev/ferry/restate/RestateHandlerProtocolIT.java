package dev.ferry.restate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

import dev.ferry.dispatch.AttemptResult;
import dev.ferry.dispatch.CallResult;
import dev.ferry.dispatch.DurableEffect;
import dev.ferry.dispatch.OutcomeSuperseded;
import dev.ferry.invocation.ClaimedInvocation;
import dev.ferry.invocation.InvocationStore;
import dev.ferry.invocation.Outcome;
import dev.ferry.service.HandlerTarget;
import dev.ferry.service.HandlerType;
import dev.ferry.service.InputFormat;
import dev.ferry.service.RestateTarget;
import dev.ferry.service.RetrySettings;
import dev.ferry.service.ServiceProtocol;
import dev.ferry.service.ServiceType;
import dev.ferry.shared.Ids;
import dev.ferry.testsupport.EmbeddedDatabase;
import dev.ferry.testsupport.SdkEndpoint;

/**
 * {@link RestateHandlerProtocol} against the real TypeScript SDK and a real PostgreSQL: one dispatcher attempt
 * stores the ready suspension of a {@code ctx.run} itself and goes on, and the effect it hands back applies the
 * rest once, or, when the journal grew meanwhile, stores nothing and supersedes the outcome; a success leaves that
 * fence to the statement that completes its invocation.
 */
class RestateHandlerProtocolIT {

    private static final String OWNER = "protocol-test";

    private static EmbeddedDatabase database;
    private static JdbcTemplate jdbc;
    private static JournalStore journals;
    private static StateStore states;
    private static SdkEndpoint endpoint;
    private static ServiceProtocolClient client;
    private static RestateHandlerProtocol protocol;
    private static InvocationStore store;
    private static TransactionTemplate transactions;
    private static StateReads reads;
    private static int invocations;

    @BeforeAll
    static void start() {
        database = EmbeddedDatabase.forTests();
        String url = database.createDatabase("restate_protocol");
        DriverManagerDataSource dataSource = new DriverManagerDataSource(url, database.username(), database.password());
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
        jdbc = new JdbcTemplate(dataSource);
        transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        store = new InvocationStore(jdbc, transactions, JsonMapper.builder().build(), event -> {
        }, Clock.systemUTC());
        states = new StateStore(jdbc);
        journals = new JournalStore(jdbc, transactions, states, Clock.systemUTC());
        endpoint = SdkEndpoint.start("account-counter.mjs", SdkEndpoint.Transport.H2C);
        client = new ServiceProtocolClient(RestateProperties.defaults());
        reads = new StateReads(jdbc);
        protocol = new RestateHandlerProtocol(client, journals, reads, JsonMapper.builder().build(),
                Clock.systemUTC(), new SimpleMeterRegistry());
    }

    @AfterAll
    static void stop() {
        protocol.close();
        reads.close();
        client.close();
        endpoint.close();
        database.close();
    }

    @Test
    void storesTheRunAtOnceAndTheRestWithTheOutcome() throws Exception {
        String id = newInvocation();

        AttemptResult attempt = deposit(id, "carol");

        assertThat(attempt.call()).isInstanceOfSatisfying(CallResult.Success.class, success -> {
            assertThat(text(success.body())).startsWith("{\"balance\":3,");
            assertThat(success.contentType()).isEqualTo("application/json");
        });
        assertThat(journals.load(id)).extracting(JournalEntry::typeName)
                .containsExactly("InputCommand", "GetEagerStateCommand", "RunCommand", "RunCompletionNotification");
        assertThat(states.load("Account", "carol")).isEmpty();

        attempt.effects().forEach(DurableEffect::write);

        assertThat(journals.load(id)).extracting(JournalEntry::typeName).endsWith("SetStateCommand", "OutputCommand");
        assertThat(text(states.load("Account", "carol").get("balance"))).isEqualTo("3");
    }

    @Test
    void anOutcomeWhoseJournalGrewMeanwhileStoresNothingAndIsSuperseded() throws Exception {
        String id = newInvocation();
        AttemptResult attempt = deposit(id, "dave");
        int stored = journals.position(id).orElseThrow().length();
        staleAttemptWritesFirst(id, "dave", stored);

        DurableEffect effect = attempt.effects().getFirst();

        assertThatThrownBy(effect::write).isInstanceOf(OutcomeSuperseded.class).hasMessageContaining(id);
        assertThat(journals.position(id).orElseThrow().length()).isEqualTo(stored + 1);
        assertThat(text(states.load("Account", "dave").get("balance"))).isEqualTo("40");
    }

    @Test
    void anAttemptWhoseInvocationWasTakenOverMeanwhileStoresNothing() throws Exception {
        String id = newInvocation();
        AttemptResult attempt = deposit(id, "erin");
        int stored = journals.position(id).orElseThrow().length();
        takeOver(id);

        DurableEffect effect = attempt.effects().getFirst();

        assertThatThrownBy(effect::write).isInstanceOf(OutcomeSuperseded.class).hasMessageContaining(id);
        assertThat(journals.position(id).orElseThrow().length()).isEqualTo(stored);
        assertThat(states.load("Account", "erin")).isEmpty();
    }

    @Test
    void aSuccessGrowsItsJournalInTheStatementThatCompletesItAndStoresTheRestAfterIt() throws Exception {
        String id = newInvocation();
        AttemptResult attempt = deposit(id, "frank");
        int stored = journals.position(id).orElseThrow().length();

        InvocationStore.Recorded recorded = recordFenced(id, attempt);

        assertThat(recorded.superseded()).isEmpty();
        assertThat(jdbc.queryForMap("select status, journal_length, retries_since_last_entry from invocations"
                + " where id = ?", id)).containsEntry("status", "completed").containsEntry("journal_length", stored + 2)
                .containsEntry("retries_since_last_entry", 0);
        assertThat(journals.load(id)).extracting(JournalEntry::typeName).endsWith("SetStateCommand", "OutputCommand");
        assertThat(text(states.load("Account", "frank").get("balance"))).isEqualTo("3");
    }

    @Test
    void aFencedSuccessWhoseJournalGrewMeanwhileCompletesNothingAndRunsAgainAtOnce() throws Exception {
        String id = newInvocation();
        AttemptResult attempt = deposit(id, "grace");
        int stored = journals.position(id).orElseThrow().length();
        staleAttemptWritesFirst(id, "grace", stored);

        InvocationStore.Recorded recorded = recordFenced(id, attempt);

        assertThat(recorded.superseded()).containsExactly(id);
        assertThat(jdbc.queryForMap("select status, journal_length, last_failure, lease_owner from invocations"
                + " where id = ?", id)).containsEntry("status", "backing-off").containsEntry("journal_length",
                        stored + 1).containsEntry("lease_owner", null)
                .hasEntrySatisfying("last_failure", failure -> assertThat((String) failure).contains(id, "grew"));
        assertThat(journals.load(id)).hasSize(stored + 1);
        assertThat(text(states.load("Account", "grace").get("balance"))).isEqualTo("40");
    }

    @Test
    void aFencedSuccessWhoseInvocationWasTakenOverMeanwhileWritesNothing() throws Exception {
        String id = newInvocation();
        AttemptResult attempt = deposit(id, "heidi");
        int stored = journals.position(id).orElseThrow().length();
        takeOver(id);

        InvocationStore.Recorded recorded = recordFenced(id, attempt);

        assertThat(recorded.superseded()).containsExactly(id);
        assertThat(journals.position(id).orElseThrow().length()).isEqualTo(stored);
        assertThat(states.load("Account", "heidi")).isEmpty();
    }

    /** A stale attempt of the same invocation stores its append first: the first entry again, and a balance of 40. */
    private static void staleAttemptWritesFirst(String id, String key, int stored) {
        journals.append(new JournalAppend(id, stored, List.of(journals.load(id).getFirst()), "Account", key,
                List.of(new StateChange.Set("balance", "40".getBytes(StandardCharsets.UTF_8))), false));
    }

    /** The lease ran out and another claim started a second attempt. */
    private static void takeOver(String id) {
        jdbc.update("update invocations set attempts = attempts + 1 where id = ?", id);
    }

    /** What the dispatcher's outcome recorder does with a success whose effect leaves its fence to the outcome. */
    private static InvocationStore.Recorded recordFenced(String id, AttemptResult attempt) {
        DurableEffect effect = attempt.effects().getFirst();
        Outcome.JournalFence fence = effect.successFence();
        assertThat(fence).isNotNull();
        CallResult.Success success = (CallResult.Success) attempt.call();
        return transactions.execute(status -> {
            InvocationStore.Recorded recorded = store.recordOutcomes(OWNER, List.of(new Outcome.Succeeded(id,
                    success.body(), success.contentType(), fence)), Set.of(), null, 0);
            if (!recorded.superseded().contains(id)) {
                effect.batch().writeFenced(List.of(effect));
            }
            return recorded;
        });
    }

    private static AttemptResult deposit(String id, String key) throws Exception {
        HandlerTarget target = new HandlerTarget("Account", "deposit", ServiceType.VIRTUAL_OBJECT,
                HandlerType.EXCLUSIVE, URI.create(endpoint.uri()), InputFormat.JSON, null, RetrySettings.inherit(),
                ServiceProtocol.RESTATE, new RestateTarget("dp_test", false, 5, 7, false, null, 1));
        ClaimedInvocation invocation = new ClaimedInvocation(id, "Account", "deposit", key, true,
                "3".getBytes(StandardCharsets.UTF_8), List.of(), null, 1, 0);
        return protocol.call(target, invocation, Duration.ofSeconds(20)).get(30, TimeUnit.SECONDS);
    }

    private static String newInvocation() {
        String id = Ids.next("inv_", Instant.now()) + (++invocations);
        Timestamp now = Timestamp.from(Instant.now());
        jdbc.update("""
                insert into invocations (id, service, handler, status, attempts, lease_owner, lease_until,
                                         created_at, modified_at)
                values (?, 'Account', 'deposit', 'running', 1, ?, ?, ?, ?)""", id, OWNER,
                Timestamp.from(Instant.now().plusSeconds(60)), now, now);
        return id;
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
