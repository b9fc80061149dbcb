package dev.ferry.cli;

import static dev.ferry.testsupport.Api.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.ferry.cli.Cli.Result;
import dev.ferry.testsupport.Api;
import dev.ferry.testsupport.FerryInstance;
import dev.ferry.testsupport.SdkEndpoint;

/** {@code ferry state get} and the journal in {@code ferry inv describe}, against a real TypeScript SDK endpoint. */
class StateCommandsIT {

    private static FerryInstance ferry;
    private static Api api;

    @BeforeAll
    static void start() {
        ferry = FerryInstance.start("cli_state", Map.of());
        api = ferry.api();
    }

    @AfterAll
    static void stop() {
        ferry.close();
    }

    @Test
    void showsAnObjectsStateAndAnInvocationsJournal() {
        try (SdkEndpoint endpoint = SdkEndpoint.start("account-counter.mjs", SdkEndpoint.Transport.H2C)) {
            assertThat(api.post("/deployments", json("{'uri':'%s'}".formatted(endpoint.uri()))).status())
                    .isEqualTo(201);
            api.post("/call/Account/alice/deposit", "5");
            Api.Reply second = api.post("/call/Account/alice/deposit", "7");
            assertThat(second.status()).as(second.text()).isEqualTo(200);
            String id = second.headers().firstValue("x-ferry-invocation-id").orElseThrow();

            Result state = cli().run("state", "get", "Account", "alice");
            assertThat(state.status()).as(state.err()).isZero();
            assertThat(state.out()).containsPattern("KEY\\s+VALUE\\s+SIZE").containsPattern("balance\\s+12\\s+2");
            assertThat(cli().run("state", "get", "Account", "bob").out()).contains("Account/bob has no state.");
            assertThat(cli().run("state", "get", "Nothing", "bob").err()).contains("Nothing");

            Result described = cli().run("inv", "describe", id);
            assertThat(described.status()).as(described.err()).isZero();
            assertThat(described.out()).contains("Journal:")
                    .containsPattern("0\\s+InputCommand\\s+7")
                    .containsPattern("1\\s+GetEagerStateCommand\\s+balance = 5")
                    .containsPattern("2\\s+RunCommand\\s+receipt")
                    .containsPattern("4\\s+SetStateCommand\\s+balance = 12")
                    .containsPattern("5\\s+OutputCommand");
        }
    }

    @Test
    void setsAndClearsTheStateOfAnObject() {
        assertThat(api.post("/services", json("""
                {'name':'Tally','type':'VIRTUAL_OBJECT','endpoint':'http://127.0.0.1:1','state':'envelope',
                 'handlers':[{'name':'add'}]}""")).status()).isEqualTo(201);

        Result set = cli().run("state", "set", "Tally", "c1", "count=3", "owner=\"ann\"", "tags=[1,2]");
        assertThat(set.status()).as(set.err()).isZero();
        assertThat(set.out()).contains("Set 3 state key(s) of Tally/c1.");
        assertThat(cli().run("state", "set", "Tally", "c1", "note=plain text").err())
                .contains("The value of 'note' is not JSON");
        assertThat(cli().run("state", "get", "Tally", "c1").out()).containsPattern("count\\s+3\\s+1")
                .containsPattern("owner\\s+\"ann\"").containsPattern("tags\\s+\\[1,2\\]");

        Result cleared = cli().run("state", "clear", "Tally", "c1", "owner");
        assertThat(cleared.status()).as(cleared.err()).isZero();
        assertThat(cli().run("state", "get", "Tally", "c1").out()).doesNotContain("owner").contains("count");
        assertThat(cli().run("--yes", "state", "clear", "Tally", "c1").out())
                .contains("Cleared the state of Tally/c1.");
        assertThat(cli().run("state", "get", "Tally", "c1").out()).contains("Tally/c1 has no state.");
    }

    private static Cli cli() {
        return new Cli(ferry.baseUrl()).env("COLUMNS", "200");
    }
}
