package dev.vigil.server.notify.internal;

import dev.vigil.server.notify.ChannelTarget;
import dev.vigil.server.notify.DeliveryResult;
import dev.vigil.server.notify.Notification;
import dev.vigil.server.notify.NotificationChannel;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.util.Locale;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.mail.MailAuthenticationException;
import org.springframework.mail.MailException;
import org.springframework.mail.MailParseException;
import org.springframework.mail.MailPreparationException;
import org.springframework.mail.MailSendException;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.MimeMessageHelper;
import org.springframework.stereotype.Component;
import org.springframework.web.util.HtmlUtils;

/**
 * E-mail over SMTP through Spring's {@link JavaMailSender} (configured with {@code spring.mail.*}: host, port,
 * username/password, STARTTLS). A multipart message with a plain-text and an HTML part; every log-derived string is
 * HTML-escaped. Rejected recipients, authentication and malformed messages are permanent failures; connection
 * problems and other send errors are transient. Without {@code spring.mail.host} every e-mail fails permanently
 * ("SMTP is not configured"), which the delivery log shows.
 */
@Component
class EmailChannel implements NotificationChannel {
    private final ObjectProvider<JavaMailSender> mail;
    private final NotifyProperties properties;

    EmailChannel(ObjectProvider<JavaMailSender> mail, NotifyProperties properties) {
        this.mail = mail;
        this.properties = properties;
    }

    @Override
    public String type() {
        return "email";
    }

    @Override
    public boolean addressIsSecret() {
        return false;
    }

    @Override
    public void validate(String address, String secret) {
        try {
            new InternetAddress(address, true).validate();
        } catch (AddressException e) {
            throw new IllegalArgumentException("not an e-mail address: " + address);
        }
    }

    @Override
    public DeliveryResult deliver(Notification n, ChannelTarget target) {
        JavaMailSender sender = mail.getIfAvailable();
        if (sender == null) {
            return DeliveryResult.permanent("SMTP is not configured (spring.mail.host)");
        }
        try {
            MimeMessage m = sender.createMimeMessage();
            MimeMessageHelper h = new MimeMessageHelper(m, true, "UTF-8");
            h.setFrom(properties.emailFrom());
            h.setTo(target.address());
            h.setSubject(subject(n));
            h.setText(text(n), html(n));
            m.setHeader("X-Vigil-Notification", n.id());
            m.setHeader("Auto-Submitted", "auto-generated");
            sender.send(m);
            return DeliveryResult.delivered("accepted by SMTP server for " + target.address());
        } catch (MailAuthenticationException | MailParseException | MailPreparationException e) {
            return DeliveryResult.permanent(e.getClass().getSimpleName() + ": " + e.getMessage());
        } catch (MailSendException e) {
            for (Exception nested : e.getFailedMessages().values()) {
                if (nested instanceof SendFailedException sfe
                        && sfe.getInvalidAddresses() != null
                        && sfe.getInvalidAddresses().length > 0) {
                    return DeliveryResult.permanent("recipient rejected: " + sfe.getMessage());
                }
            }
            return DeliveryResult.transient_("SMTP: " + e.getMessage());
        } catch (MailException e) {
            return DeliveryResult.transient_("SMTP: " + e.getMessage());
        } catch (MessagingException e) {
            return DeliveryResult.permanent("cannot build the message: " + e.getMessage());
        }
    }

    static String subject(Notification n) {
        String sev = n.severity() == null ? "" : n.severity().toUpperCase(Locale.ROOT) + ": ";
        String s = "[Vigil] " + sev + n.title();
        s = s.replaceAll("[\\r\\n\\t]+", " ");
        return s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }

    static String text(Notification n) {
        StringBuilder b = new StringBuilder();
        if (n.recipientName() != null) {
            b.append("Hello ").append(n.recipientName()).append(",\n\n");
        }
        b.append(n.title()).append("\n");
        if (n.severity() != null) {
            b.append("Severity: ").append(n.severity()).append('\n');
        }
        if (!n.text().isBlank()) {
            b.append('\n').append(n.text()).append('\n');
        }
        for (Notification.Link l : n.links()) {
            b.append('\n').append(l.label()).append(": ").append(l.url());
        }
        if (n.links().stream().anyMatch(Notification.Link::action)) {
            b.append("\n\nAction links work once, without signing in, and expire.");
        }
        return b.append('\n').toString();
    }

    static String html(Notification n) {
        StringBuilder b = new StringBuilder("<!doctype html><html><body style=\"font-family:sans-serif\">");
        if (n.recipientName() != null) {
            b.append("<p>Hello ").append(esc(n.recipientName())).append(",</p>");
        }
        b.append("<h2>").append(esc(n.title())).append("</h2>");
        if (n.severity() != null) {
            b.append("<p><strong>Severity:</strong> ").append(esc(n.severity())).append("</p>");
        }
        if (!n.text().isBlank()) {
            b.append("<pre style=\"white-space:pre-wrap\">")
                    .append(esc(n.text()))
                    .append("</pre>");
        }
        b.append("<p>");
        for (Notification.Link l : n.links()) {
            b.append("<a href=\"")
                    .append(esc(l.url()))
                    .append("\" style=\"margin-right:1em\">")
                    .append(esc(l.label()))
                    .append("</a>");
        }
        b.append("</p>");
        if (n.links().stream().anyMatch(Notification.Link::action)) {
            b.append("<p style=\"color:#666\">Action links work once, without signing in, and expire.</p>");
        }
        return b.append("</body></html>").toString();
    }

    private static String esc(String s) {
        return HtmlUtils.htmlEscape(s == null ? "" : s, "UTF-8");
    }
}
