package dev.ferry.console;

import static dev.ferry.testsupport.Api.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.web.util.HtmlUtils;

import dev.ferry.testsupport.Api;
import dev.ferry.testsupport.FerryInstance;
import dev.ferry.testsupport.HandlerServer;
import dev.ferry.testsupport.TestInfrastructure;

/**
 * The console behind an admin token: without a login it shows the login form and no data, a wrong token is
 * refused, the session cookie is HTTP-only, an action without its CSRF token is refused and changes nothing,
 * secrets show as {@code ***}, and the REST API answers exactly as without the console.
 */
class ConsoleSecurityIT {

    private static final String TOKEN = "console-token-9876543210";
    private static final String SECRET = "s3cret-value-never-shown";
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");
    private static final Pattern SESSION = Pattern.compile("JSESSIONID=([^;]+)");

    private static FerryInstance ferry;
    private static Api api;
    private static HandlerServer handler;
    private static String subscription;
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @BeforeAll
    static void start() {
        ferry = FerryInstance.start("console_security", Map.of("ferry.security.admin-token", TOKEN));
        api = ferry.api().withBearerToken(TOKEN);
        handler = HandlerServer.start();
        String brokers = TestInfrastructure.kafka().bootstrapServers();
        assertThat(api.post("/kafka-clusters", json("{'name':'guarded','properties':{'bootstrap.servers':'%s'}}"
                .formatted(brokers))).status()).isEqualTo(201);
        Api.Reply secretive = api.post("/kafka-clusters", json(("{'name':'secretive','properties':{"
                + "'bootstrap.servers':'%s','security.protocol':'SASL_PLAINTEXT','sasl.mechanisms':'PLAIN',"
                + "'sasl.username':'clerk','sasl.password':'%s'}}").formatted(brokers, SECRET)));
        assertThat(secretive.status()).as(secretive.text()).isEqualTo(201);
        api.post("/services", json("{'name':'billing','type':'SERVICE','endpoint':'%s','handlers':[{'name':'charge'}]}"
                .formatted(handler.endpoint())));
        subscription = api.post("/subscriptions", json("{'source':'kafka://guarded/console-security',"
                + "'sink':'service://billing/charge','options':{'result.topic':'console-results'}}")).body()
                .get("id").asString();
    }

    @AfterAll
    static void stop() {
        handler.close();
        ferry.close();
    }

    @Test
    void showsTheLoginFormAndNoDataWithoutTheToken() throws Exception {
        for (String page : new String[] {"/console", "/console/invocations", "/console/overview/live",
                "/console/clusters", "/console/subscriptions/" + subscription, "/console/state?service=x&key=y"}) {
            HttpResponse<String> response = get(page, null);
            assertThat(response.statusCode()).as(page).isEqualTo(302);
            assertThat(response.headers().firstValue("Location")).as(page).hasValueSatisfying(location ->
                    assertThat(location).endsWith("/console/login"));
            assertThat(response.body()).doesNotContain("guarded", "billing", subscription);
        }
        HttpResponse<String> login = get("/console/login", null);
        assertThat(login.statusCode()).isEqualTo(200);
        assertThat(login.body()).contains("Admin token", "name=\"token\"", "type=\"password\"")
                .doesNotContain("guarded", "billing", subscription, TOKEN);
    }

    @Test
    void refusesAWrongTokenAndKeepsTheLoginInAnHttpOnlySessionCookie() throws Exception {
        HttpResponse<String> wrong = logIn("not-the-token");
        assertThat(wrong.headers().firstValue("Location")).hasValueSatisfying(location ->
                assertThat(location).endsWith("/console/login?error"));

        HttpResponse<String> right = logIn(TOKEN);
        assertThat(right.headers().firstValue("Location")).hasValueSatisfying(location ->
                assertThat(location).endsWith("/console"));
        String cookie = right.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("JSESSIONID="))
                .findFirst().orElseThrow();
        assertThat(cookie).containsIgnoringCase("HttpOnly").doesNotContain(TOKEN);

        HttpResponse<String> overview = get("/console", session(right));
        assertThat(overview.statusCode()).isEqualTo(200);
        assertThat(overview.body()).contains("guarded", "billing", subscription).doesNotContain(TOKEN);
    }

    @Test
    void refusesAnActionWithoutItsCsrfTokenAndChangesNothing() throws Exception {
        String session = session(logIn(TOKEN));
        String pause = "/console/subscriptions/" + subscription + "/pause";

        HttpResponse<String> forged = post(pause, session, Map.of());
        assertThat(forged.statusCode()).isEqualTo(403);
        HttpResponse<String> wrongToken = post(pause, session, Map.of("_csrf", "forged"));
        assertThat(wrongToken.statusCode()).isEqualTo(403);
        assertThat(api.get("/subscriptions/" + subscription).body().get("state").asString()).isEqualTo("RUNNING");
        HttpResponse<String> anonymous = post(pause, null, Map.of());
        assertThat(anonymous.statusCode()).isIn(302, 403);
        assertThat(api.get("/subscriptions/" + subscription).body().get("state").asString()).isEqualTo("RUNNING");

        String page = get("/console/subscriptions/" + subscription, session).body();
        assertThat(page).as("the subscription page names its result topic")
                .containsPattern("id=\"result-topic\">\\s*console-results\\s*<");
        String csrf = csrf(page);
        HttpResponse<String> genuine = post(pause, session, Map.of("_csrf", csrf));
        assertThat(genuine.statusCode()).isEqualTo(302);
        assertThat(api.get("/subscriptions/" + subscription).body().get("state").asString()).isEqualTo("PAUSED");
        api.post("/subscriptions/" + subscription + "/resume", "{}");
    }

    @Test
    void refusesATickedSelectionWithoutItsCsrfTokenAndReportsEachIdOfAGenuineOne() throws Exception {
        String session = session(logIn(TOKEN));
        String waiting = api.post("/send/billing/charge?delay=1h", "{}").body().get("invocation_id").asString();
        String unknown = "inv_01m8s1pzktqxh7yanbs3n7mf3y";
        String selection = "/console/invocations/selection";

        HttpResponse<String> forged = post(selection, session, Map.of("action", "kill", "id", waiting));
        assertThat(forged.statusCode()).isEqualTo(403);
        HttpResponse<String> wrongToken = post(selection, session,
                Map.of("_csrf", "forged", "action", "kill", "id", waiting));
        assertThat(wrongToken.statusCode()).isEqualTo(403);
        assertThat(post(selection, null, Map.of("action", "kill", "id", waiting)).statusCode()).isIn(302, 403);
        assertThat(api.get("/invocations/" + waiting).body().get("status").asString()).isEqualTo("scheduled");

        String csrf = csrf(get("/console/invocations", session).body());
        HttpResponse<String> preview = post(selection + "/preview", session,
                Map.of("_csrf", csrf, "action", "kill", "id", waiting));
        assertThat(preview.statusCode()).isEqualTo(200);
        assertThat(preview.body()).contains("This will kill 1 invocation", waiting, "scheduled");
        assertThat(api.get("/invocations/" + waiting).body().get("status").asString()).isEqualTo("scheduled");

        HttpResponse<String> genuine = post(selection, session, "_csrf="
                + URLEncoder.encode(csrf, StandardCharsets.UTF_8) + "&action=kill&id=" + waiting + "&id=" + unknown);
        assertThat(genuine.statusCode()).isEqualTo(200);
        String reason = api.post("/invocations/" + unknown + "/kill", "{}").body().get("detail").asString();
        assertThat(genuine.body()).contains("Kill: 1 of 2 invocations; 1 refused.",
                "refused: " + HtmlUtils.htmlEscape(reason));
        assertThat(api.get("/invocations/" + waiting).body().get("status").asString()).isEqualTo("completed");
        assertThat(post(selection, session, Map.of("_csrf", csrf, "action", "kill")).body())
                .contains("No invocation is ticked");
    }

    @Test
    void showsSecretsAsStars() throws Exception {
        String session = session(logIn(TOKEN));
        HttpResponse<String> clusters = get("/console/clusters", session);
        assertThat(clusters.body()).contains("sasl.password=***", "sasl.username=***").doesNotContain(SECRET, "clerk");
        String csrf = csrf(clusters.body());
        HttpResponse<String> check = post("/console/clusters/validate", session, Map.of("_csrf", csrf,
                "name", "checked", "properties", "bootstrap.servers=" + TestInfrastructure.kafka().bootstrapServers()
                        + "\nsecurity.protocol=SASL_PLAINTEXT\nsasl.mechanisms=PLAIN\nsasl.username=clerk"
                        + "\nsasl.password=" + SECRET));
        assertThat(check.statusCode()).isEqualTo(200);
        assertThat(check.body()).contains("sasl.password=***").doesNotContain(SECRET, "clerk");
    }

    @Test
    void showsARefusalWithTheApisProblemDetailAndBrowsesState() throws Exception {
        String session = session(logIn(TOKEN));
        api.post("/services", json(("{'name':'carts','type':'VIRTUAL_OBJECT','endpoint':'%s',"
                + "'handlers':[{'name':'add'}]}").formatted(handler.endpoint())));

        HttpResponse<String> missing = get("/console/invocations/inv_01m8s1pzktqxh7yanbs3n7mf3z", session);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).contains("inv_01m8s1pzktqxh7yanbs3n7mf3z").doesNotContain("\"status\"");
        HttpResponse<String> badFilter = get("/console/invocations?createdAfter=yesterday", session);
        assertThat(badFilter.statusCode()).isEqualTo(400);
        assertThat(badFilter.body()).contains("ISO-8601 instant");
        HttpResponse<String> state = get("/console/state?service=carts&key=cart-1", session);
        assertThat(state.statusCode()).isEqualTo(200);
        assertThat(state.body()).contains("carts / cart-1", "No state under this key.");
        assertThat(get("/console/state?service=nowhere&key=k", session).statusCode()).isEqualTo(404);
    }

    @Test
    void leavesTheApiAsItWas() throws Exception {
        HttpResponse<String> refused = http.send(HttpRequest.newBuilder(URI.create(ferry.baseUrl() + "/kafka-clusters"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.body()).contains("https://ferry.dev/problems/unauthorized");
        Api.Reply created = api.post("/services", json(("{'name':'no-csrf-needed','type':'SERVICE',"
                + "'endpoint':'%s','handlers':[{'name':'h'}]}").formatted(handler.endpoint())));
        assertThat(created.status()).isEqualTo(201);
        // Spring Security's headers and session stay on the console's paths
        assertThat(created.headers().firstValue("X-Frame-Options")).isEmpty();
        assertThat(created.headers().firstValue("Set-Cookie")).isEmpty();
        assertThat(get("/console/login", null).headers().firstValue("Content-Security-Policy"))
                .hasValueSatisfying(policy -> assertThat(policy).contains("default-src 'self'"));
    }

    private HttpResponse<String> logIn(String token) throws IOException, InterruptedException {
        HttpResponse<String> form = get("/console/login", null);
        HttpResponse<String> response = post("/console/login", session(form),
                Map.of("_csrf", csrf(form.body()), "user", "ferry-admin", "token", token));
        assertThat(response.statusCode()).isEqualTo(302);
        return response;
    }

    private HttpResponse<String> get(String path, String session) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(ferry.baseUrl() + path));
        if (session != null) {
            request.header("Cookie", "JSESSIONID=" + session);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String session, Map<String, String> form)
            throws IOException, InterruptedException {
        return post(path, session, form.entrySet().stream().map(entry -> entry.getKey() + "="
                + URLEncoder.encode(entry.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&")));
    }

    private HttpResponse<String> post(String path, String session, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(ferry.baseUrl() + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (session != null) {
            request.header("Cookie", "JSESSIONID=" + session);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String session(HttpResponse<String> response) {
        return response.headers().allValues("Set-Cookie").stream().map(SESSION::matcher).filter(Matcher::find)
                .map(matcher -> matcher.group(1)).findFirst().orElseThrow();
    }

    private static String csrf(String page) {
        Matcher matcher = CSRF.matcher(page);
        assertThat(matcher.find()).as("a CSRF field in the page").isTrue();
        return matcher.group(1);
    }
}
