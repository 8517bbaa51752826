package dev.vigil.server.web;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Playwright;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/** Debian chromium through Playwright for the browser tests: skipped with a notice when absent, failed under CI. */
final class TestChromium {
    /** Debian's chromium, or {@code VIGIL_CHROMIUM}. */
    static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("VIGIL_CHROMIUM", "/usr/bin/chromium"));

    private TestChromium() {}

    /** Aborts the test (or fails it under {@code CI}) when chromium is not installed. */
    static void requireOrSkip() {
        if (!Files.isExecutable(CHROMIUM)) {
            String notice = "chromium not found at " + CHROMIUM + " (apt-get install chromium, or set VIGIL_CHROMIUM)";
            if (System.getenv("CI") != null) {
                throw new IllegalStateException(notice);
            }
            System.err.println("SKIPPED browser tests: " + notice);
            Assumptions.abort(notice);
        }
    }

    /** Playwright that never downloads browsers. */
    static Playwright playwright() {
        return Playwright.create(
                new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
    }

    /** Headless Debian chromium. */
    static Browser launch(Playwright playwright) {
        return playwright
                .chromium()
                .launch(new BrowserType.LaunchOptions()
                        .setExecutablePath(CHROMIUM)
                        .setHeadless(true)
                        .setArgs(List.of(
                                "--headless",
                                "--no-sandbox",
                                "--disable-gpu",
                                "--disable-quic",
                                "--no-first-run",
                                "--disable-background-networking",
                                "--disable-component-update",
                                "--disable-sync")));
    }
}
