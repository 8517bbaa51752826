package dev.vigil.server.detection.internal;

import dev.vigil.engine.event.Event;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Who and what an alert is about: the first present field of each entity kind, across the field vocabularies Vigil
 * sees (Sigma/Windows names, ECS, W3C access logs, AWS CloudTrail). For syslog text without structured fields the
 * source address is taken from "from &lt;ip&gt;" in the message (sshd, sudo, PAM). Values are cut at 512 characters.
 */
final class EntityExtractor {
    private static final Map<String, List<String>> FIELDS = new LinkedHashMap<>();

    static {
        FIELDS.put(
                "user",
                List.of(
                        "user.name",
                        "TargetUserName",
                        "SubjectUserName",
                        "User",
                        "UserName",
                        "userIdentity.userName",
                        "userIdentity.arn",
                        "cs-username",
                        "user",
                        "username",
                        "requestParameters.userName"));
        FIELDS.put(
                "host",
                List.of(
                        "host.hostname",
                        "host.name",
                        "Computer",
                        "Event.System.Computer",
                        "ComputerName",
                        "Workstation",
                        "WorkstationName",
                        "hostname",
                        "s-computername",
                        "cs-host"));
        FIELDS.put(
                "src_ip",
                List.of(
                        "source.ip",
                        "client.ip",
                        "c-ip",
                        "sourceIPAddress",
                        "IpAddress",
                        "SourceIp",
                        "SourceAddress",
                        "src_ip",
                        "src",
                        "remote_addr"));
        FIELDS.put("dst_ip", List.of("destination.ip", "DestinationIp", "DestAddress", "dst_ip", "s-ip"));
        FIELDS.put("process", List.of("process.executable", "Image", "NewProcessName", "process.name"));
        FIELDS.put("command_line", List.of("process.command_line", "CommandLine"));
        FIELDS.put("url", List.of("url.original", "url.path", "cs-uri-stem", "request"));
        FIELDS.put("cloud_account", List.of("cloud.account.id", "recipientAccountId", "userIdentity.accountId"));
    }

    private static final Pattern FROM_IP =
            Pattern.compile("\\bfrom\\s+(\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}|[0-9a-fA-F:]*:[0-9a-fA-F:]+)\\b");
    private static final Pattern SSH_USER =
            Pattern.compile("(?:Failed|Accepted) \\S+ for (?:invalid user )?(\\S+) from|Invalid user (\\S+) from");

    private EntityExtractor() {}

    static Map<String, String> extract(Event event) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> kind : FIELDS.entrySet()) {
            for (String field : kind.getValue()) {
                String v = event.getString(field);
                if (v != null && !v.isBlank() && !v.equals("-")) {
                    out.put(kind.getKey(), cut(v));
                    break;
                }
            }
        }
        String message = event.getString("message");
        if (message != null) {
            if (!out.containsKey("src_ip")) {
                Matcher m = FROM_IP.matcher(message);
                if (m.find()) {
                    out.put("src_ip", m.group(1));
                }
            }
            if (!out.containsKey("user")) {
                Matcher m = SSH_USER.matcher(message);
                if (m.find()) {
                    out.put("user", cut(m.group(1) != null ? m.group(1) : m.group(2)));
                }
            }
        }
        return out;
    }

    private static String cut(String v) {
        return v.length() > 512 ? v.substring(0, 512) : v;
    }
}
