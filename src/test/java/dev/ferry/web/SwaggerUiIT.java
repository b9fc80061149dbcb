package dev.ferry.web;

import static dev.ferry.testsupport.Api.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import tools.jackson.databind.JsonNode;

import dev.ferry.testsupport.Api;
import dev.ferry.testsupport.FerryInstance;
import dev.ferry.testsupport.TestInfrastructure;

/**
 * The API as a user explores it: the OpenAPI document describes every operation with its schemas, and
 * Swagger UI, in a real headless Chromium, lists them and creates a Kafka cluster through "Try it out".
 */
class SwaggerUiIT {

    /** Debian's packages {@code chromium} and {@code chromium-driver}; Selenium Manager never downloads one. */
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SCREENSHOT = Path.of("target", "swagger-ui.png");

    private static FerryInstance ferry;
    private static Api api;

    @BeforeAll
    static void start() {
        ferry = FerryInstance.start("swagger", Map.of());
        api = ferry.api();
        // springdoc builds the document on the first request, which can take longer than one request may wait
        await().atMost(Duration.ofMinutes(3)).ignoreExceptions().until(() -> api.get("/v3/api-docs").status() == 200);
    }

    @AfterAll
    static void stop() {
        ferry.close();
    }

    @Test
    void describesEveryOperationWithItsRequestAndResponseSchemas() {
        JsonNode document = api.get("/v3/api-docs").body();

        assertThat(document.get("info").get("title").asString()).isEqualTo("Ferry");
        assertThat(document.get("info").get("description").asString()).contains("Kafka records");
        assertThat(document.get("info").get("version").asString()).isNotBlank();
        JsonNode paths = document.get("paths");
        assertThat(paths.propertyNames()).contains("/kafka-clusters", "/kafka-clusters/{name}", "/services",
                "/services/{name}", "/subscriptions", "/subscriptions/{id}", "/subscriptions/{id}/pause",
                "/subscriptions/{id}/resume", "/invocations", "/invocations/{id}", "/invocations/{id}/{action}",
                "/invocations/bulk/{action}", "/invocations/{id}/output", "/invocations/{id}/attach",
                "/invocations/counts", "/call/{service}/{handler}", "/send/{service}/{handler}");
        assertThat(operationsMissingSchemas(paths)).isEmpty();
    }

    @Test
    void documentsTheStatusCodesAndFieldNamesTheApiAnswersWith() {
        JsonNode document = api.get("/v3/api-docs").body();
        JsonNode paths = document.get("paths");

        assertThat(paths.at("/~1kafka-clusters/post/responses").propertyNames()).startsWith("201").contains("4XX");
        assertThat(paths.at("/~1subscriptions~1{id}/delete/responses").has("202")).isTrue();
        assertThat(paths.at("/~1services~1{name}/delete/responses").has("204")).isTrue();
        assertThat(paths.at("/~1send~1{service}~1{handler}/post/responses").has("202")).isTrue();
        JsonNode schemas = document.get("components").get("schemas");
        assertThat(schemas.get("BulkRequest").get("properties").propertyNames()).contains("created_after", "dry_run");
        assertThat(schemas.get("KafkaClusterView").get("properties").propertyNames()).contains("created_at");
        assertThat(schemas.get("ProblemDetail").get("properties").propertyNames()).contains("type", "detail")
                .doesNotContain("properties");
    }

    @Test
    void namesEveryOperationOnceWithItsNotFoundAndConflictProblems() {
        JsonNode paths = api.get("/v3/api-docs").body().get("paths");
        List<String> ids = new ArrayList<>();
        for (String path : paths.propertyNames()) {
            for (String method : paths.get(path).propertyNames()) {
                JsonNode operation = paths.get(path).get(method);
                if (!operation.has("responses")) {
                    continue;
                }
                String id = operation.path("operationId").asString("");
                assertThat(id).as("%s %s", method, path).matches("[a-z]+(_[a-z0-9]+)*");
                ids.add(id);
                if (path.contains("{")) {
                    assertThat(operation.get("responses").has("404")).as("404 of %s %s", method, path).isTrue();
                }
                if (!method.equals("get") && !path.equals("/v4/query")) {
                    assertThat(operation.get("responses").has("409")).as("409 of %s %s", method, path).isTrue();
                }
            }
        }
        assertThat(ids).doesNotHaveDuplicates().contains("list_kafka_clusters", "update_service",
                "act_on_invocations", "call_handler", "call_handler_with_key");
        assertThat(paths.has("/kafka-clusters")).isTrue();
        assertThat(paths.propertyNames()).doesNotContain("/v4/kafka-clusters", "/v4/kafka-clusters/{name}",
                "/v4/subscriptions", "/v4/subscriptions/{id}", "/v4/deployments", "/v4/deployments/{id}");
        assertThat(paths.has("/v4/services")).isTrue();
        assertThat(paths.at("/~1kafka-clusters/get/description").asString()).contains("/v4/kafka-clusters");
        assertThat(paths.at("/~1services~1{name}/patch/responses").propertyNames()).contains("200", "404", "409",
                "412");
    }

    @Test
    void createsAKafkaClusterThroughSwaggerUi(@TempDir Path profile) throws IOException {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER), "Skipped: driving Swagger UI"
                + " needs /usr/bin/chromium and /usr/bin/chromedriver (apt-get install chromium chromium-driver)");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        ChromeDriver browser = null;
        try {
            browser = new ChromeDriver(service, headlessChromium(profile));
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
            browser.get(ferry.baseUrl() + "/swagger-ui.html");
            wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".opblock")));

            assertThat(browser.getCurrentUrl()).contains("/swagger-ui/index.html");
            assertThat(tags(browser)).contains("kafka-clusters", "subscriptions", "services", "invocations", "ingress");
            assertThat(operations(browser)).contains("POST /kafka-clusters", "GET /kafka-clusters",
                    "GET /kafka-clusters/{name}", "PATCH /kafka-clusters/{name}", "DELETE /kafka-clusters/{name}",
                    "POST /subscriptions", "GET /subscriptions", "GET /subscriptions/{id}",
                    "POST /subscriptions/{id}/pause", "POST /subscriptions/{id}/resume");

            WebElement create = operation(browser, "post", "/kafka-clusters");
            create.findElement(By.cssSelector(".opblock-summary-control")).click();
            wait.until(ExpectedConditions.elementToBeClickable(create.findElement(By.cssSelector(".try-out__btn"))))
                    .click();
            WebElement body = wait.until(ExpectedConditions.visibilityOf(
                    create.findElement(By.cssSelector("textarea.body-param__text"))));
            body.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE);
            body.sendKeys(json("{'name':'from-swagger','properties':{'bootstrap.servers':'%s'}}"
                    .formatted(TestInfrastructure.kafka().bootstrapServers())));
            create.findElement(By.cssSelector("button.execute")).click();

            By status = By.cssSelector(".live-responses-table .response .response-col_status");
            wait.until(ExpectedConditions.textToBePresentInElementLocated(status, "201"));
            // the operation from its title down to the server's answer
            ((JavascriptExecutor) browser).executeScript("arguments[0].scrollIntoView({block: 'start'})", create);
            Files.createDirectories(SCREENSHOT.getParent());
            Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), SCREENSHOT,
                    StandardCopyOption.REPLACE_EXISTING);
        } finally {
            if (browser != null) {
                browser.quit();
            }
            service.stop();
        }

        Api.Reply created = api.get("/kafka-clusters/from-swagger");
        assertThat(created.status()).isEqualTo(200);
        assertThat(created.body().get("properties").get("bootstrap.servers").asString())
                .isEqualTo(TestInfrastructure.kafka().bootstrapServers());
    }

    private static ChromeOptions headlessChromium(Path profile) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                "--window-size=1280,1800", "--user-data-dir=" + profile.toAbsolutePath());
        return options;
    }

    /** Every operation Swagger UI lists, as "METHOD /path". */
    private static List<String> operations(WebDriver browser) {
        return browser.findElements(By.cssSelector(".opblock-summary")).stream()
                .map(summary -> summary.findElement(By.cssSelector(".opblock-summary-method")).getText() + " "
                        + summary.findElement(By.cssSelector(".opblock-summary-path")).getDomAttribute("data-path"))
                .toList();
    }

    private static WebElement operation(WebDriver browser, String method, String path) {
        return browser.findElement(By.xpath("//div[contains(@class,'opblock-%s')][.//*[@data-path='%s']]"
                .formatted(method, path)));
    }

    private static List<String> tags(WebDriver browser) {
        return browser.findElements(By.cssSelector("h3.opblock-tag")).stream()
                .map(tag -> tag.getDomAttribute("data-tag")).toList();
    }

    /**
     * Operations whose request body or successful response has no schema, as "METHOD /path: what". A
     * response with no content (201 without body, 202, 204) needs none.
     */
    private static List<String> operationsMissingSchemas(JsonNode paths) {
        List<String> missing = new ArrayList<>();
        for (var path : paths.properties()) {
            for (var operation : path.getValue().properties()) {
                String name = operation.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey();
                JsonNode requestBody = operation.getValue().path("requestBody");
                if (!requestBody.isMissingNode() && !hasSchemas(requestBody.path("content"))) {
                    missing.add(name + ": request body");
                }
                for (var response : operation.getValue().path("responses").properties()) {
                    if (response.getKey().startsWith("2") && !hasSchemas(response.getValue().path("content"))
                            && !List.of("202", "204").contains(response.getKey())) {
                        missing.add(name + ": response " + response.getKey());
                    }
                }
            }
        }
        return missing;
    }

    private static boolean hasSchemas(JsonNode content) {
        if (content.isEmpty()) {
            return false;
        }
        for (JsonNode media : content) {
            JsonNode schema = media.path("schema");
            if (schema.isMissingNode() || schema.isEmpty()) {
                return false;
            }
        }
        return true;
    }
}
