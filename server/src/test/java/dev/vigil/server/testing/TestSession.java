package dev.vigil.server.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A browser-like HTTP session against the server under test: a cookie jar, the CSRF token echoed from the
 * {@code XSRF-TOKEN} cookie as {@code X-XSRF-TOKEN} (what htmx and Swagger UI do), and password sign-in through the
 * real {@code POST /login} form.
 */
public final class TestSession {
    private final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
    private final HttpClient client;
    private final String base;

    public TestSession(int port) {
        this(port, HttpClient.Redirect.NEVER);
    }

    public TestSession(int port, HttpClient.Redirect redirects) {
        this.base = "http://127.0.0.1:" + port;
        this.client = HttpClient.newBuilder()
                .cookieHandler(cookies)
                .followRedirects(redirects)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
    }

    /** Signs in with a password; returns the answer of {@code POST /login} (302 to / on success). */
    public TestApi.Response signIn(String username, String password) {
        get("/assets/vigil.css"); // any page: sets the XSRF-TOKEN cookie
        return send(HttpRequest.newBuilder(URI.create(base + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("X-XSRF-TOKEN", csrf())
                .POST(HttpRequest.BodyPublishers.ofString("username=" + enc(username) + "&password=" + enc(password))));
    }

    public static TestSession signedIn(int port, String username, String password) {
        TestSession s = new TestSession(port);
        TestApi.Response r = s.signIn(username, password);
        if (r.status() != 302 || !"/".equals(URI.create(r.header("Location")).getPath())) {
            throw new IllegalStateException(
                    "sign-in of " + username + " failed: " + r.status() + " " + r.header("Location"));
        }
        return s;
    }

    public String csrf() {
        for (HttpCookie c : cookies.getCookieStore().getCookies()) {
            if (c.getName().equals("XSRF-TOKEN")) {
                return c.getValue();
            }
        }
        return "";
    }

    public boolean hasSession() {
        return cookies.getCookieStore().getCookies().stream()
                .anyMatch(c -> c.getName().equals("VIGIL_SESSION"));
    }

    public TestApi.Response get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Accept", "text/html")
                .GET());
    }

    public TestApi.Response getJson(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Accept", "application/json")
                .GET());
    }

    /** A request with any method, the CSRF header included (unless {@code csrf} is false). */
    public TestApi.Response request(String method, String path, String accept, boolean csrf) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .header("Accept", accept)
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (csrf) {
            b.header("X-XSRF-TOKEN", csrf());
        }
        return send(b);
    }

    public TestApi.Response postForm(String path, String form) {
        return send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "text/html")
                .header("X-XSRF-TOKEN", csrf())
                .POST(HttpRequest.BodyPublishers.ofString(form)));
    }

    public TestApi.Response send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> r =
                    client.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
            return new TestApi.Response(r.statusCode(), r.body(), r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
