package dev.vigil.server.ingest.internal;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicLong;

/** Document ids for {@code _bulk} answers when the client sent none: 20 URL-safe characters, like Elasticsearch's. */
final class BulkIds {
    private static final AtomicLong SEQUENCE = new AtomicLong(new SecureRandom().nextLong());
    private static final long NODE = new SecureRandom().nextLong();

    private BulkIds() {}

    static String next() {
        long s = SEQUENCE.incrementAndGet();
        byte[] b = new byte[15];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (s >>> (8 * i));
        }
        for (int i = 0; i < 7; i++) {
            b[8 + i] = (byte) (NODE >>> (8 * i));
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
