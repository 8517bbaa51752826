package dev.vigil.server.testing;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;

/** ONE in-process SMTP server (GreenMail) per test JVM on a free port; the shared context sends mail to it. */
public final class TestMail {
    private static GreenMail instance;

    private TestMail() {}

    public static synchronized GreenMail instance() {
        if (instance == null) {
            instance = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
            instance.start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> instance.stop(), "test-mail-stop"));
        }
        return instance;
    }

    public static int port() {
        return instance().getSmtp().getPort();
    }
}
