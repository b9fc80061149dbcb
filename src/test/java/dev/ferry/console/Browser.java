package dev.ferry.console;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedCondition;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium through chromedriver (packages {@code chromium} and {@code chromium-driver}, as
 * {@code SwaggerUiIT} uses them), at a laptop's window size, with small helpers for the console's forms.
 */
final class Browser implements AutoCloseable {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path SCREENSHOTS = Path.of("target", "console");

    private final ChromeDriverService service;
    final ChromeDriver driver;
    final WebDriverWait wait;

    private Browser(Path profile) {
        service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort()
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                "--window-size=1366,900", "--user-data-dir=" + profile.toAbsolutePath());
        driver = new ChromeDriver(service, options);
        wait = new WebDriverWait(driver, Duration.ofSeconds(60));
    }

    static Browser start(Path profile) {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER), "Skipped: the console walk"
                + " needs /usr/bin/chromium and /usr/bin/chromedriver (apt-get install chromium chromium-driver)");
        return new Browser(profile);
    }

    void open(String url) {
        driver.get(url);
    }

    WebElement find(By by) {
        return wait.until(rereadingReplaced(ExpectedConditions.presenceOfElementLocated(by)));
    }

    String text(By by) {
        return wait.until(rereadingReplaced(ignored -> driver.findElement(by).getText()));
    }

    void type(String id, String text) {
        WebElement field = find(By.id(id));
        field.clear();
        field.sendKeys(text);
    }

    void select(String id, String visibleText) {
        new Select(find(By.id(id))).selectByVisibleText(visibleText);
    }

    void click(By by) {
        wait.until(rereadingReplaced(ExpectedConditions.elementToBeClickable(by))).click();
    }

    void waitForText(By by, String text) {
        wait.until(rereadingReplaced(ExpectedConditions.textToBePresentInElementLocated(by, text)));
    }

    /**
     * Chromium answers a read of an element that the page replaced meanwhile (an htmx swap) with an inspector
     * error, "Node with given id does not belong to the document", where other browsers say the element is stale:
     * like a stale element, it means the condition does not hold yet, and the wait looks the element up again.
     */
    private static <T> ExpectedCondition<T> rereadingReplaced(ExpectedCondition<T> condition) {
        return driver -> {
            try {
                return condition.apply(driver);
            } catch (WebDriverException e) {
                if (e.getMessage() != null && e.getMessage().contains("does not belong to the document")) {
                    return null;
                }
                throw e;
            }
        };
    }

    /** Saves what the window shows, the whole page high, as target/console/NAME.png. */
    void screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), SCREENSHOTS.resolve(name + ".png"),
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        driver.quit();
        service.stop();
    }
}
