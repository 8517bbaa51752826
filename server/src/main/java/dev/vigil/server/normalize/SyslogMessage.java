package dev.vigil.server.normalize;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One parsed syslog message (RFC 5424 or RFC 3164). Absent header parts are {@code null} (RFC 5424's NILVALUE
 * {@code -} becomes {@code null}); {@code timestamp} is {@code null} when the sender sent none.
 *
 * @param structuredData SD-ID → (PARAM-NAME → value), in wire order; empty when none
 */
public record SyslogMessage(
        Format format,
        int facility,
        int severity,
        Instant timestamp,
        String hostname,
        String appName,
        String procId,
        String msgId,
        Map<String, Map<String, String>> structuredData,
        String message) {

    public enum Format {
        RFC5424,
        RFC3164
    }

    private static final String[] FACILITIES = {
        "kern",
        "user",
        "mail",
        "daemon",
        "auth",
        "syslog",
        "lpr",
        "news",
        "uucp",
        "cron",
        "authpriv",
        "ftp",
        "ntp",
        "security",
        "console",
        "solaris-cron",
        "local0",
        "local1",
        "local2",
        "local3",
        "local4",
        "local5",
        "local6",
        "local7"
    };
    private static final String[] SEVERITIES = {
        "emergency", "alert", "critical", "error", "warning", "notice", "informational", "debug"
    };

    public static String facilityName(int facility) {
        return facility >= 0 && facility < FACILITIES.length ? FACILITIES[facility] : Integer.toString(facility);
    }

    public static String severityName(int severity) {
        return severity >= 0 && severity < SEVERITIES.length ? SEVERITIES[severity] : Integer.toString(severity);
    }

    /**
     * The message as event fields, ECS-style names (what Filebeat's syslog input produces), so field-mapping
     * pipelines written for Elastic data apply: {@code message}, {@code host.hostname}, {@code process.name},
     * {@code process.pid}, {@code log.syslog.*}; structured data as {@code log.syslog.structured_data.ID.PARAM}.
     */
    public Map<String, Object> toFields() {
        Map<String, Object> f = new LinkedHashMap<>(16);
        if (timestamp != null) {
            f.put("@timestamp", timestamp.toString());
        }
        f.put("message", message);
        if (hostname != null) {
            f.put("host.hostname", hostname);
        }
        if (appName != null) {
            f.put("process.name", appName);
        }
        if (procId != null) {
            f.put("process.pid", procId);
        }
        f.put("log.syslog.priority", (long) (facility * 8 + severity));
        f.put("log.syslog.facility.code", (long) facility);
        f.put("log.syslog.facility.name", facilityName(facility));
        f.put("log.syslog.severity.code", (long) severity);
        f.put("log.syslog.severity.name", severityName(severity));
        f.put("log.syslog.format", format == Format.RFC5424 ? "rfc5424" : "rfc3164");
        if (msgId != null) {
            f.put("log.syslog.msgid", msgId);
        }
        for (var sd : structuredData.entrySet()) {
            String prefix = "log.syslog.structured_data." + sd.getKey() + ".";
            for (var p : sd.getValue().entrySet()) {
                f.put(prefix + p.getKey(), p.getValue());
            }
        }
        return f;
    }
}
