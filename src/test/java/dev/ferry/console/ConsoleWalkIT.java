package dev.ferry.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

import dev.ferry.testsupport.FerryInstance;
import dev.ferry.testsupport.HandlerServer;
import dev.ferry.testsupport.Records;
import dev.ferry.testsupport.TestInfrastructure;
import dev.ferry.testsupport.Topics;

/**
 * A newcomer's first day in the console, in a real headless Chromium: log in, register a cluster and a
 * service, subscribe, produce records and watch them complete on the overview, find a failing invocation by
 * filter, read its last failure, resume it, tick the other two and pause them after a confirmation that names
 * them, and kill the rest after the dry run. Each page is saved as a
 * screenshot under {@code target/console/}.
 */
class ConsoleWalkIT {

    private static final String TOKEN = "walk-token-0123456789";
    private static final String TOPIC = "console-orders";

    private static FerryInstance ferry;
    private static HandlerServer handler;
    private static Records records;
    private static final AtomicBoolean healed = new AtomicBoolean();

    @BeforeAll
    static void start() {
        ferry = FerryInstance.start("console_walk", Map.of("ferry.security.admin-token", TOKEN,
                "ferry.console.sample-interval", "1s"));
        handler = HandlerServer.start().respondWith(request -> !healed.get()
                && request.bodyText().contains("fail") ? new HandlerServer.Response(500, "stock service down", Map.of())
                : HandlerServer.Response.ok("{\"accepted\":true}"));
        records = new Records(TestInfrastructure.kafka().bootstrapServers());
        Topics.create(TOPIC, 2);
    }

    @AfterAll
    static void stop() {
        records.close();
        handler.close();
        ferry.close();
    }

    @Test
    void walksANewcomersDay(@TempDir Path profile) {
        try (Browser browser = Browser.start(profile)) {
            logIn(browser);
            registerCluster(browser);
            registerService(browser);
            String subscription = subscribe(browser);
            produceAndWatchThemComplete(browser, subscription);
            resumeAFailingOne(browser);
            pauseTwoTicked(browser);
            killTheRest(browser);
        }
    }

    private static void logIn(Browser browser) {
        browser.open(ferry.baseUrl() + "/console");
        browser.find(By.id("login"));
        assertThat(browser.driver.getCurrentUrl()).endsWith("/console/login");
        browser.screenshot("01-login");
        // the form works from the keyboard: the token field has focus, Enter submits
        browser.driver.switchTo().activeElement().sendKeys(TOKEN, Keys.ENTER);
        browser.waitForText(By.tagName("h1"), "Overview");
        assertThat(browser.text(By.id("main"))).contains("No cluster yet", "No subscription yet", "No service yet");
    }

    private static void registerCluster(Browser browser) {
        browser.click(By.linkText("Clusters"));
        browser.type("cluster-name", "local");
        browser.type("cluster-properties", "bootstrap.servers=" + TestInfrastructure.kafka().bootstrapServers()
                + "\nclient.id=console-walk");
        browser.click(By.id("validate-cluster"));
        browser.waitForText(By.id("outcome"), "Connection: connected");
        assertThat(browser.text(By.id("outcome"))).contains("client.id=console-walk");
        browser.screenshot("02-cluster-check");
        browser.click(By.id("save-cluster"));
        browser.waitForText(By.cssSelector("p.note"), "Registered cluster local.");
        assertThat(browser.text(By.id("cluster-list"))).contains("local", "client.id=console-walk");
    }

    private static void registerService(Browser browser) {
        browser.click(By.linkText("Services"));
        browser.type("service-name", "orders");
        browser.type("service-endpoint", handler.endpoint());
        browser.type("service-handlers", "process");
        // long enough that a failed invocation waits for the operator, not for its next retry
        browser.type("service-initial-interval", "10m");
        browser.type("service-max-interval", "10m");
        browser.click(By.id("save-service"));
        browser.waitForText(By.cssSelector("p.note"), "Registered service orders.");
        assertThat(browser.text(By.id("service-list"))).contains("orders", "process", handler.endpoint());
        browser.screenshot("03-services");
    }

    private static String subscribe(Browser browser) {
        browser.click(By.linkText("Subscriptions"));
        browser.type("subscription-topic", TOPIC);
        browser.select("subscription-sink", "service://orders/process");
        browser.type("subscription-options", "auto.offset.reset=earliest");
        browser.click(By.id("save-subscription"));
        browser.waitForText(By.cssSelector("p.note"), "Subscribed service://orders/process");
        assertThat(browser.text(By.id("about"))).contains("kafka://local/" + TOPIC, "service://orders/process");
        assertThat(browser.text(By.id("options"))).contains("auto.offset.reset", "earliest");
        String url = browser.driver.getCurrentUrl();
        String subscription = url.substring(url.lastIndexOf('/') + 1);
        assertThat(subscription).startsWith("sub_");
        browser.screenshot("04-subscription");
        return subscription;
    }

    private static void produceAndWatchThemComplete(Browser browser, String subscription) {
        for (String key : List.of("a", "b", "c", "d")) {
            records.send(TOPIC, key, "{\"order\":\"" + key + "\"}");
        }
        for (String key : List.of("x", "y", "z")) {
            records.send(TOPIC, key, "{\"order\":\"" + key + "\",\"fail\":true}");
        }
        records.flush();
        browser.click(By.linkText("Overview"));
        By row = By.cssSelector("tr[data-subscription='" + subscription + "']");
        // the overview refreshes itself: no reload in between
        browser.waitForText(row, "completed 4");
        browser.waitForText(row, "backing-off 3");
        // a second wave, so that the latency chart has more than one sample
        records.send(TOPIC, "e", "{\"order\":\"e\"}");
        records.send(TOPIC, "f", "{\"order\":\"f\"}");
        records.flush();
        browser.waitForText(row, "completed 6");
        browser.waitForText(By.cssSelector("tr[data-subscription] td.consumer"), "running");
        WebElement handlerRow = browser.find(By.cssSelector("tr[data-handler='orders/process']"));
        browser.waitForText(By.cssSelector("tr[data-handler='orders/process'] td.unfinished"), "3");
        browser.find(By.cssSelector("tr[data-handler='orders/process'] svg.chart polyline.p99"));
        assertThat(handlerRow.getText()).contains("process");
        assertThat(browser.text(By.id("clusters"))).contains("local", "connected");
        browser.screenshot("05-overview");
    }

    private static void resumeAFailingOne(Browser browser) {
        browser.click(By.linkText("Invocations"));
        browser.select("filters-status", "backing-off");
        browser.click(By.cssSelector("#filters button"));
        browser.waitForText(By.cssSelector("#status-counts li[data-status='backing-off']"), "3");
        List<WebElement> rows = browser.driver.findElements(By.cssSelector("#invocations tbody tr"));
        assertThat(rows).hasSize(3);
        assertThat(rows).allSatisfy(each -> assertThat(each.getText()).contains("backing-off"));
        browser.screenshot("06-invocations-failing");
        rows.getFirst().findElement(By.tagName("a")).click();
        assertThat(browser.text(By.id("last-failure"))).contains("500", "stock service down");
        assertThat(browser.text(By.id("origin"))).contains(TOPIC);
        assertThat(browser.text(By.id("input"))).contains("\"fail\" : true");
        assertThat(browser.text(By.id("status"))).isEqualTo("backing-off");
        browser.screenshot("07-invocation");
        healed.set(true);
        browser.click(By.cssSelector("button[data-action='resume']"));
        browser.waitForText(By.cssSelector("p.note"), "Resume");
        browser.wait.withTimeout(Duration.ofSeconds(60)).until(driver -> {
            driver.navigate().refresh();
            return driver.findElement(By.id("status")).getText().equals("completed");
        });
        assertThat(browser.text(By.id("result"))).contains("\"accepted\" : true");
        assertThat(browser.driver.findElements(By.cssSelector("button[data-action]")))
                .extracting(WebElement::getText).containsExactly("Restart", "Purge");
        browser.screenshot("08-invocation-resumed");
    }

    private static void pauseTwoTicked(Browser browser) {
        browser.click(By.linkText("Invocations"));
        browser.select("filters-status", "backing-off");
        browser.click(By.cssSelector("#filters button"));
        browser.waitForText(By.cssSelector("#status-counts li[data-status='backing-off']"), "2");
        List<WebElement> boxes = browser.driver.findElements(By.cssSelector("#invocations input.select-one"));
        assertThat(boxes).hasSize(2);
        // "select all on this page" ticks every row and unticks them again, from the keyboard
        WebElement all = browser.find(By.id("select-page"));
        assertThat(all.getDomAttribute("aria-label")).isEqualTo("Select all on this page");
        all.sendKeys(Keys.SPACE);
        assertThat(boxes).extracting(WebElement::isSelected).containsOnly(true);
        all.sendKeys(Keys.SPACE);
        assertThat(boxes).extracting(WebElement::isSelected).containsOnly(false);
        boxes.get(0).click();
        boxes.get(1).sendKeys(Keys.SPACE);
        assertThat(all.isSelected()).isTrue();
        List<String> ids = boxes.stream().map(box -> box.getDomAttribute("value")).toList();
        assertThat(ids).allSatisfy(id -> assertThat(id).startsWith("inv_"));
        browser.select("selection-action", "pause");
        browser.click(By.cssSelector("#selection button"));
        browser.waitForText(By.id("selection-summary"), "This will pause 2 invocations");
        assertThat(browser.driver.findElements(By.cssSelector("#selection-ids li")))
                .extracting(WebElement::getText).satisfiesExactlyInAnyOrder(
                        first -> assertThat(first).contains(ids.get(0), "backing-off"),
                        second -> assertThat(second).contains(ids.get(1), "backing-off"));
        browser.screenshot("09-selection-confirm");
        browser.click(By.cssSelector("#confirm-selection button"));
        browser.waitForText(By.id("selection-summary"), "Pause: 2 of 2 invocations.");
        for (String id : ids) {
            assertThat(browser.text(By.cssSelector("#outcomes tr[data-id='" + id + "']"))).contains("paused");
        }
        browser.screenshot("09-selection-done");
        browser.click(By.id("back"));
        browser.select("filters-status", "paused");
        browser.click(By.cssSelector("#filters button"));
        browser.waitForText(By.cssSelector("#status-counts li[data-status='paused']"), "2");
        assertThat(browser.driver.findElements(By.cssSelector("#invocations tbody tr")))
                .extracting(row -> row.getDomAttribute("data-id")).containsExactlyInAnyOrderElementsOf(ids);
        browser.screenshot("09-selection-paused");
    }

    private static void killTheRest(Browser browser) {
        browser.click(By.linkText("Invocations"));
        browser.select("filters-status", "paused");
        browser.click(By.cssSelector("#filters button"));
        browser.waitForText(By.cssSelector("#status-counts li[data-status='paused']"), "2");
        browser.select("bulk-action", "kill");
        browser.click(By.cssSelector("#bulk button"));
        browser.waitForText(By.id("dry-run"), "This will kill 2 invocations");
        assertThat(browser.driver.findElements(By.cssSelector("main ul li a"))).hasSize(2);
        browser.screenshot("09-bulk-dry-run");
        browser.click(By.cssSelector("#confirm button"));
        browser.waitForText(By.cssSelector("p.note"), "Kill: 2 of 2 invocations.");
        assertThat(browser.text(By.id("main"))).contains("No invocation matches.");
        browser.click(By.linkText("Invocations"));
        browser.waitForText(By.cssSelector("#status-counts li[data-status='completed']"), "9");
        assertThat(browser.text(By.cssSelector("#status-counts li[data-status='backing-off']"))).contains("0");
        assertThat(browser.text(By.cssSelector("#status-counts li[data-status='paused']"))).contains("0");
        browser.screenshot("10-invocations-after-kill");
    }
}
