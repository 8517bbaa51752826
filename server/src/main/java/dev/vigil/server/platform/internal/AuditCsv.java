package dev.vigil.server.platform.internal;

import dev.vigil.server.platform.audit.AuditEntry;
import java.time.format.DateTimeFormatter;

/**
 * RFC 4180 CSV of audit entries. Cells that a spreadsheet would run as a formula ({@code = + - @}, tab, CR) are
 * prefixed with an apostrophe (OWASP CSV injection), because entries carry text from log data and users.
 */
final class AuditCsv {
    static final String HEADER = "seq,id,occurred_at,actor_type,actor_id,actor_name,source_ip,action,object_type,"
            + "object_id,before,after,prev_hash,hash\r\n";

    private AuditCsv() {}

    static String line(AuditEntry e) {
        return String.join(
                        ",",
                        Long.toString(e.seq()),
                        e.id().toString(),
                        DateTimeFormatter.ISO_INSTANT.format(e.occurredAt()),
                        cell(e.actorType()),
                        cell(e.actorId()),
                        cell(e.actorName()),
                        cell(e.sourceIp()),
                        cell(e.action()),
                        cell(e.objectType()),
                        cell(e.objectId()),
                        cell(e.before()),
                        cell(e.after()),
                        e.prevHash(),
                        e.hash())
                + "\r\n";
    }

    static String cell(String s) {
        if (s == null || s.isEmpty()) {
            return "";
        }
        String v = s;
        char first = v.charAt(0);
        if (first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' || first == '\r') {
            v = "'" + v;
        }
        if (v.indexOf(',') >= 0
                || v.indexOf('"') >= 0
                || v.indexOf('\n') >= 0
                || v.indexOf('\r') >= 0
                || !v.equals(s)) {
            return '"' + v.replace("\"", "\"\"") + '"';
        }
        return v;
    }
}
