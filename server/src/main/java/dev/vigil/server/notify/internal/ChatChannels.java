package dev.vigil.server.notify.internal;

import dev.vigil.server.notify.ChannelTarget;
import dev.vigil.server.notify.DeliveryResult;
import dev.vigil.server.notify.Notification;
import dev.vigil.server.notify.NotificationChannel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/**
 * Chat incoming webhooks: Slack ({@code {"text", "blocks"}} with mrkdwn, {@code & < >} escaped as Slack requires),
 * Mattermost (Slack-compatible {@code text} in Markdown) and Microsoft Teams through a Workflows webhook (a
 * {@code message} with one Adaptive Card 1.4 attachment; the retired Office 365 connector "MessageCard" format is not
 * used). Log-derived text is escaped for each format so it cannot inject links or mentions.
 */
@Configuration(proxyBeanMethods = false)
class ChatChannels {

    @Bean
    NotificationChannel slackChannel(HttpSender http, JsonMapper json) {
        return new Chat("slack", http, json) {
            @Override
            Object payload(Notification n) {
                String head = "*" + slack(headline(n)) + "*";
                StringBuilder text = new StringBuilder(head);
                if (!n.text().isBlank()) {
                    text.append('\n').append(slack(n.text()));
                }
                List<String> links = new ArrayList<>();
                for (Notification.Link l : n.links()) {
                    links.add("<" + l.url() + "|" + slack(l.label()) + ">");
                }
                List<Object> blocks = new ArrayList<>();
                blocks.add(Map.of("type", "section", "text", Map.of("type", "mrkdwn", "text", text.toString())));
                if (!links.isEmpty()) {
                    blocks.add(Map.of(
                            "type",
                            "context",
                            "elements",
                            List.of(Map.of("type", "mrkdwn", "text", String.join("  ·  ", links)))));
                }
                Map<String, Object> p = new LinkedHashMap<>();
                p.put("text", slack(headline(n)));
                p.put("blocks", blocks);
                return p;
            }
        };
    }

    @Bean
    NotificationChannel mattermostChannel(HttpSender http, JsonMapper json) {
        return new Chat("mattermost", http, json) {
            @Override
            Object payload(Notification n) {
                StringBuilder text = new StringBuilder("**" + markdown(headline(n)) + "**");
                if (!n.text().isBlank()) {
                    text.append('\n').append(markdown(n.text()));
                }
                for (Notification.Link l : n.links()) {
                    text.append("\n[")
                            .append(markdown(l.label()))
                            .append("](")
                            .append(l.url())
                            .append(')');
                }
                return Map.of("text", text.toString(), "username", "Vigil");
            }
        };
    }

    @Bean
    NotificationChannel teamsChannel(HttpSender http, JsonMapper json) {
        return new Chat("teams", http, json) {
            @Override
            Object payload(Notification n) {
                List<Object> body = new ArrayList<>();
                body.add(Map.of(
                        "type", "TextBlock", "text", headline(n), "weight", "Bolder", "size", "Medium", "wrap", true));
                if (!n.text().isBlank()) {
                    body.add(Map.of("type", "TextBlock", "text", n.text(), "wrap", true));
                }
                List<Object> actions = new ArrayList<>();
                for (Notification.Link l : n.links()) {
                    actions.add(Map.of("type", "Action.OpenUrl", "title", l.label(), "url", l.url()));
                }
                Map<String, Object> card = new LinkedHashMap<>();
                card.put("$schema", "http://adaptivecards.io/schemas/adaptive-card.json");
                card.put("type", "AdaptiveCard");
                card.put("version", "1.4");
                card.put("body", body);
                card.put("actions", actions);
                Map<String, Object> attachment = new LinkedHashMap<>();
                attachment.put("contentType", "application/vnd.microsoft.card.adaptive");
                attachment.put("content", card);
                return Map.of("type", "message", "attachments", List.of(attachment));
            }
        };
    }

    static String headline(Notification n) {
        String sev = n.severity() == null ? "" : "[" + n.severity().toUpperCase(Locale.ROOT) + "] ";
        return sev + n.title();
    }

    /** Slack mrkdwn: only &, < and > are control characters. */
    static String slack(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** Markdown: escape the characters that make links, emphasis, mentions and HTML. */
    static String markdown(String s) {
        StringBuilder b = new StringBuilder(s.length() + 8);
        for (char c : s.toCharArray()) {
            if ("\\`*_{}[]()#+!|<>@~".indexOf(c) >= 0) {
                b.append('\\');
            }
            b.append(c);
        }
        return b.toString();
    }

    abstract static class Chat implements NotificationChannel {
        private final String type;
        private final HttpSender http;
        private final JsonMapper json;

        Chat(String type, HttpSender http, JsonMapper json) {
            this.type = type;
            this.http = http;
            this.json = json;
        }

        abstract Object payload(Notification n);

        @Override
        public String type() {
            return type;
        }

        @Override
        public void validate(String address, String secret) {
            HttpSender.validateUrl(address);
        }

        @Override
        public DeliveryResult deliver(Notification n, ChannelTarget target) {
            return http.postJson(target.address(), json.writeValueAsString(payload(n)), Map.of());
        }
    }
}
