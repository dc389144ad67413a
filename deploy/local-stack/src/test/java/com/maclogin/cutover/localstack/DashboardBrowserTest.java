package com.maclogin.cutover.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;

/**
 * The web dashboard in a real headless Chromium (Debian's {@code chromium} + {@code chromium-driver}, Selenium) against
 * the shared stack's orchestrator, on the leases reserved for it ({@code hk-6}, {@code jp-6}): the page loads and logs in
 * with the stack's tokens, a live cutover's state and charts change without a reload, an operator's rollback button
 * rolls the lease back end to end, a viewer sees no buttons. Screenshots: {@code target/screenshots/}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(SharedStack.class)
@Order(3)
class DashboardBrowserTest {

    static final String OPERATOR_LEASE = "hk-6";
    static final String VIEWER_LEASE = "jp-6";
    static final Duration WAIT = Duration.ofMinutes(3);
    static Path shots;
    static LocalStack stack;
    static Map<String, String> tokens;
    static WebDriver browser;

    @BeforeAll
    static void startBrowser() throws IOException {
        stack = SharedStack.get();
        tokens = TokensFile.read(stack.tokensFile());
        shots = Files.createDirectories(LocalStack.repoRoot().resolve("deploy/local-stack/target/screenshots"));
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1400,2000", "--no-first-run", "--disable-extensions");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new java.io.File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().implicitlyWait(Duration.ZERO);
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    static void screenshot(String name) throws IOException {
        Path png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(png, shots.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    static void login(String token) {
        browser.get(stack.orchestratorUrl() + "/");
        ((JavascriptExecutor) browser).executeScript("sessionStorage.clear()");
        browser.navigate().refresh();
        ui(Duration.ofSeconds(20)).until(() -> !browser.findElements(By.id("token")).isEmpty());
        browser.findElement(By.id("token")).sendKeys(token);
        browser.findElement(By.id("login")).click();
        try {
            ui(Duration.ofSeconds(20)).until(() -> browser.findElement(By.id("whoami")).getText().startsWith("signed in"));
        } catch (RuntimeException e) {
            diagnose("login-failed");
            throw e;
        }
    }

    /** What the page shows and logged, and what /api/v1/me answers from inside the page, for a failed wait. */
    static void diagnose(String name) {
        try {
            screenshot(name);
            System.out.println("[dashboard] url " + browser.getCurrentUrl() + " login-error: " + text("login-error")
                    + " whoami: " + text("whoami"));
            Object me = ((JavascriptExecutor) browser).executeAsyncScript("var done = arguments[arguments.length - 1];"
                    + "fetch('/api/v1/me', {headers: {'Authorization': 'Bearer ' + sessionStorage.getItem('cutover.token')}})"
                    + ".then(function (r) { return r.text().then(function (t) { done(r.status + ' ' + t); }); })"
                    + ".catch(function (e) { done('fetch failed: ' + e); });");
            System.out.println("[dashboard] /api/v1/me from the page: " + me);
            browser.manage().logs().get(org.openqa.selenium.logging.LogType.BROWSER)
                    .forEach(l -> System.out.println("[dashboard] console " + l.getLevel() + " " + l.getMessage()));
        } catch (Exception e) {
            System.out.println("[dashboard] diagnosis failed: " + e);
        }
    }

    static String text(String id) {
        List<WebElement> found = browser.findElements(By.id(id));
        return found.isEmpty() ? "" : found.get(0).getText();
    }

    static int points(String chart) {
        List<WebElement> found = browser.findElements(By.id("chart-" + chart));
        return found.isEmpty() ? 0 : Integer.parseInt(found.get(0).getAttribute("data-points"));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Long> allPoints() {
        return (Map<String, Long>) ((JavascriptExecutor) browser).executeScript("var r = {};"
                + "['latency', 'errors', 'crashes', 'disk'].forEach(function (c) {"
                + "  var e = document.getElementById('chart-' + c); r[c] = e ? Number(e.getAttribute('data-points')) : -1; });"
                + "return r;");
    }

    static String start(String lease) throws IOException {
        Api.Reply r = stack.orchestrator().post("/api/v1/cutovers", DemoRunner.demoRequest(lease, "2026.9.6"));
        assertThat(r.status()).as("start: %s", r.body()).isEqualTo(201);
        return r.body().path("id").asText();
    }

    /** Marks the document; a reload would lose the mark, so "still marked" proves the page updated in place. */
    static void mark() {
        ((JavascriptExecutor) browser).executeScript("window.__noReload = 'yes'");
    }

    static boolean stillMarked() {
        return "yes".equals(((JavascriptExecutor) browser).executeScript("return window.__noReload"));
    }

    @Test
    @Order(1)
    void anOperatorWatchesALiveCutoverUpdateWithoutReloadAndRollsItBackWithTheButton() throws IOException {
        String id = start(OPERATOR_LEASE);
        login(tokens.get("OPERATOR_TOKEN"));
        assertThat(text("whoami")).contains("operator");

        // the overview table lists it; the region filter hides and shows it
        ui(Duration.ofSeconds(30)).until(() -> !browser.findElements(By.cssSelector("tr[data-id='" + id + "']")).isEmpty());
        new Select(browser.findElement(By.id("filter-region"))).selectByValue("JP");
        assertThat(browser.findElements(By.cssSelector("tr[data-id='" + id + "']"))).isEmpty();
        new Select(browser.findElement(By.id("filter-region"))).selectByValue("HK");
        assertThat(browser.findElements(By.cssSelector("tr[data-id='" + id + "']"))).hasSize(1);
        screenshot("overview-operator");

        // the table is redrawn by the live stream: find and click in one go, again if it was redrawn in between
        ui(Duration.ofSeconds(20)).until(() -> {
            browser.findElement(By.cssSelector("tr[data-id='" + id + "'] a")).click();
            return true;
        });
        ui(Duration.ofSeconds(20)).until(() -> !text("cutover-state").isEmpty() && !"…".equals(text("cutover-state")));
        mark();
        ui(WAIT).until(() -> "VALIDATING".equals(text("cutover-state")));
        ui(Duration.ofSeconds(30)).until(() -> points("latency") >= 1);
        int before = points("latency");
        ui(Duration.ofSeconds(30)).until(() -> points("latency") > before);
        // one round adds a point to all four charts in one script task: read all four in one script, not four reads
        // (a round arriving between two separate reads made latency 3 and errors 2 in CI)
        Map<String, Long> counts = allPoints();
        assertThat(counts.get("errors")).as("%s", counts).isEqualTo(counts.get("latency"));
        assertThat(counts.get("crashes")).as("%s", counts).isEqualTo(counts.get("latency"));
        assertThat(counts.get("disk")).as("%s", counts).isEqualTo(counts.get("latency"));
        assertThat(stillMarked()).as("updated in place, no reload").isTrue();
        assertThat(browser.findElements(By.cssSelector("#steps li[data-kind='FLIP_PLIST']"))).hasSize(1);
        assertThat(browser.findElement(By.id("gates")).getText()).contains("PASS");
        screenshot("cutover-validating");

        browser.findElement(By.id("action-reason")).clear();
        browser.findElement(By.id("action-reason")).sendKeys("dashboard rollback test");
        browser.findElement(By.id("action-rollback")).click();
        ui(WAIT).until(() -> "ROLLED_BACK".equals(text("cutover-state")));
        assertThat(stillMarked()).as("updated in place, no reload").isTrue();
        JsonNode end = stack.orchestrator().get("/api/v1/cutovers/" + id).body();
        assertThat(end.path("state").asText()).isEqualTo("ROLLED_BACK");
        assertThat(end.toString()).contains("dashboard rollback test");
        assertThat(stack.gatewayStartupz(stack.config().leaseIds().indexOf(OPERATOR_LEASE)).path("version").asText()).isEqualTo("2026.9.5");
        ui(Duration.ofSeconds(10)).until(() -> browser.findElement(By.id("audit")).getText().contains("ROLLBACK_REQUESTED"));
        screenshot("cutover-rolled-back");
    }

    @Test
    @Order(2)
    void aViewerSeesTheLiveCutoverButNoButtons() throws IOException {
        String id = start(VIEWER_LEASE);
        login(tokens.get("VIEWER_TOKEN"));
        assertThat(text("whoami")).contains("viewer");
        browser.get(stack.orchestratorUrl() + "/cutovers/" + id);
        ui(Duration.ofSeconds(20)).until(() -> !"…".equals(text("cutover-state")) && !text("cutover-state").isEmpty());
        mark();
        ui(WAIT).until(() -> List.of("VALIDATING", "GREEN").contains(text("cutover-state")));
        assertThat(stillMarked()).isTrue();
        assertThat(browser.findElements(By.id("actions"))).isEmpty();
        assertThat(browser.findElements(By.tagName("button"))).allSatisfy(b -> assertThat(b.getAttribute("id")).isEqualTo("logout"));
        screenshot("cutover-viewer");
        // and the API refuses a viewer's write anyway
        assertThat(stack.orchestratorViewer().post("/api/v1/cutovers/" + id + "/pause", Map.of("reason", "x")).status())
                .isEqualTo(403);
    }

    /** An await for the page: the live stream redraws elements, so a reference found a moment ago may be stale. */
    static org.awaitility.core.ConditionFactory ui(Duration atMost) {
        return await().atMost(atMost).ignoreExceptionsInstanceOf(org.openqa.selenium.StaleElementReferenceException.class);
    }
}
