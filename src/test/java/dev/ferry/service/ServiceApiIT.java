package dev.ferry.service;

import static dev.ferry.testsupport.Api.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.ferry.testsupport.Api;
import dev.ferry.testsupport.Api.Reply;
import dev.ferry.testsupport.FerryInstance;
import dev.ferry.testsupport.TestInfrastructure;

class ServiceApiIT {

    private static FerryInstance ferry;
    private static Api api;

    @BeforeAll
    static void start() {
        ferry = FerryInstance.start("service_api", Map.of());
        api = ferry.api();
    }

    @AfterAll
    static void stop() {
        ferry.close();
    }

    @Test
    void registersAVirtualObjectWithDefaultsAndOverrides() {
        Reply created = api.post("/services", json("""
                {'name':'Account','type':'VIRTUAL_OBJECT','endpoint':'http://127.0.0.1:9080/',
                 'retry_policy':{'initial_interval':'50ms','max_attempts':5,'on_max_attempts':'kill'},
                 'handlers':[{'name':'deposit'},{'name':'balance','type':'SHARED','input':'raw','timeout':'2s'}]}"""));

        assertThat(created.status()).isEqualTo(201);
        assertThat(created.location()).endsWith("/services/Account");
        assertThat(created.body().get("endpoint").asString()).isEqualTo("http://127.0.0.1:9080");
        assertThat(created.body().get("retry_policy").get("on_max_attempts").asString()).isEqualTo("kill");
        assertThat(created.body().get("handlers").get(0).get("type").asString()).isEqualTo("EXCLUSIVE");
        assertThat(created.body().get("handlers").get(1).get("input").asString()).isEqualTo("raw");
        assertThat(created.body().get("handlers").get(1).get("timeout").asString()).isEqualTo("2s");
        assertThat(api.get("/services/Account").status()).isEqualTo(200);
        assertThat(api.get("/services").body().get("services").findValuesAsString("name")).contains("Account");
    }

    @Test
    void explainsWhatIsWrongWithARegistration() {
        assertThat(problem(json("{'name':'A','type':'SERVICE','endpoint':'ftp://x','handlers':[{'name':'h'}]}")))
                .contains("http:// or https://");
        assertThat(problem(json("{'name':'A','type':'SERVICE','handlers':[{'name':'h'}]}")))
                .contains("'endpoint' is required");
        assertThat(problem(json("{'name':'A','type':'SERVICE','endpoint':'http://h:1','handlers':[]}")))
                .contains("at least one handler");
        assertThat(problem(json("{'name':'A','type':'SERVICE','endpoint':'http://h:1',"
                + "'handlers':[{'name':'h','type':'EXCLUSIVE'}]}")))
                .contains("service handlers take no type");
        assertThat(problem(json("{'name':'A','type':'VIRTUAL_OBJECT','endpoint':'http://h:1',"
                + "'handlers':[{'name':'h','input':'xml'}]}")))
                .contains("use \"json\" or \"raw\"");
        assertThat(problem(json("{'name':'A','type':'SERVICE','endpoint':'http://h:1','timeout':'soon',"
                + "'handlers':[{'name':'h'}]}")))
                .contains("'timeout' is 'soon', not a duration");
        assertThat(problem(json("{'name':'A','type':'THING','endpoint':'http://h:1','handlers':[{'name':'h'}]}")))
                .contains("Field 'type' must be one of SERVICE, VIRTUAL_OBJECT, WORKFLOW");
        assertThat(api.get("/services/A").status()).isEqualTo(404);
    }

    @Test
    void acceptsOnlyPlainHttpEndpointsAndNeverEchoesCredentials() {
        for (String endpoint : new String[] {"file:///etc/passwd", "javascript:alert(1)", "gopher://h:70/x",
                "http:///no-host", "//h:1/no-scheme"}) {
            assertThat(problem(json("{'name':'E','type':'SERVICE','endpoint':'%s','handlers':[{'name':'h'}]}"
                    .formatted(endpoint)))).contains("http:// or https://");
        }
        Api.Reply withCredentials = api.post("/services", json(
                "{'name':'E','type':'SERVICE','endpoint':'http://ferry:pw-In-Url-5r@h:1','handlers':[{'name':'h'}]}"));
        assertThat(withCredentials.status()).isEqualTo(400);
        assertThat(withCredentials.body().get("detail").asString()).contains("must not carry credentials");
        assertThat(withCredentials.text()).doesNotContain("pw-In-Url-5r");
        assertThat(api.get("/services/E").status()).isEqualTo(404);
    }

    @Test
    void refusesADuplicateAndDeletesAServiceNotInUse() {
        String body = json("{'name':'Greeter','type':'SERVICE','endpoint':'http://127.0.0.1:9080',"
                + "'handlers':[{'name':'greet'}]}");
        assertThat(api.post("/services", body).status()).isEqualTo(201);
        assertThat(api.post("/services", body).status()).isEqualTo(409);
        assertThat(api.delete("/services/Greeter").status()).isEqualTo(204);
        assertThat(api.get("/services/Greeter").status()).isEqualTo(404);
        assertThat(api.delete("/services/Greeter").status()).isEqualTo(404);
    }

    @Test
    void refusesToDeleteAServiceThatASubscriptionUses() {
        api.post("/kafka-clusters", json("{'name':'svc','properties':{'bootstrap.servers':'%s'}}"
                .formatted(TestInfrastructure.kafka().bootstrapServers())));
        api.post("/services",
                json("{'name':'Used','type':'SERVICE','endpoint':'http://127.0.0.1:9','handlers':[{'name':'h'}]}"));
        String id = api.post("/subscriptions", json("{'source':'kafka://svc/used','sink':'service://Used/h'}"))
                .body().get("id").asString();

        Reply refused = api.delete("/services/Used");

        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.body().get("detail").asString()).contains(id);
        assertThat(api.delete("/subscriptions/" + id).status()).isEqualTo(202);
        assertThat(api.delete("/services/Used").status()).isEqualTo(204);
    }

    private static String problem(String body) {
        Reply reply = api.post("/services", body);
        assertThat(reply.status()).isEqualTo(400);
        return reply.body().get("detail").asString();
    }
}
