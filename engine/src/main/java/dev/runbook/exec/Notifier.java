package dev.runbook.exec;

import dev.runbook.diag.SourceLocation;
import dev.runbook.model.Notification;
import dev.runbook.model.Step;
import dev.runbook.model.Text;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs a {@code notify} step: renders its message (the {@code message} text, then the {@code template} file, with
 * the run's params, facts, steps, {@code run.status} and, in a rollback list, {@code previous}), POSTs it to the
 * webhook as JSON ({@code {"text": ...}}) or in Slack's format, and sends it by email over SMTP (Jakarta Mail).
 * Every channel is tried; the attempt fails when one of them does, and says which and why.
 */
final class Notifier {

    /** Slack refuses a section block's text longer than this. */
    static final int SLACK_SECTION_MAX = 3000;

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final RunContext ctx;
    private final Http http;

    Notifier(RunContext ctx, Http http) {
        this.ctx = ctx;
        this.http = http;
    }

    /** @param timeout the step's timeout, or null for {@link Http#DEFAULT_TIMEOUT} */
    void send(Step.Notify n, Scope scope, Map<String, Object> roots, Duration timeout, StepRunner.Attempt a)
            throws InterruptedException {
        String text;
        try {
            text = text(n, scope, roots);
        } catch (IOException e) {
            a.error = "cannot read the template " + n.template() + ": " + e.getMessage();
            return;
        }
        List<String> log = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        if (n.webhook() != null) {
            webhook(n.webhook(), text, scope, roots, timeout, log, errors);
        }
        if (n.email() != null) {
            email(n.email(), text, scope, roots, timeout == null ? Http.DEFAULT_TIMEOUT : timeout, log, errors);
        }
        a.stdout = String.join("\n", log);
        a.ok = errors.isEmpty();
        a.error = a.ok ? null : String.join("; ", errors);
    }

    /** The message: the text, then the rendered template file, a blank line between. */
    private String text(Step.Notify n, Scope scope, Map<String, Object> roots) throws IOException {
        String text = n.message() == null ? "" : ctx.render(n.message(), scope, roots, false);
        if (n.template() != null) {
            Path file = ctx.baseDir().resolve(n.template());
            Text t = new Text(Files.readString(file), SourceLocation.of(file));
            text = (text.isEmpty() ? "" : text + "\n\n") + ctx.render(t, scope, roots, false);
        }
        return text;
    }

    private void webhook(Notification.Webhook w, String text, Scope scope, Map<String, Object> roots,
                         Duration timeout, List<String> log, List<String> errors) throws InterruptedException {
        String shown = "POST " + ctx.show(w.url(), scope, roots, false);
        try {
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("Content-Type", "application/json");
            w.headers().forEach((k, v) -> headers.put(k, ctx.render(v, scope, roots, false)));
            String url = ctx.render(w.url(), scope, roots, false);
            Http.Answer answer = http.send("POST", url, headers, payload(w.format(), text), timeout, false);
            log.add(shown + " -> " + answer.status());
            if (answer.status() / 100 != 2) {
                errors.add("the webhook answered " + answer.status());
            }
        } catch (IOException | IllegalArgumentException e) {
            log.add(shown + " failed");
            errors.add("the webhook failed: " + (e.getMessage() == null ? e.getClass().getSimpleName()
                    : e.getMessage()));
        }
    }

    /** The JSON body: {@code {"text": ...}}, and for Slack one {@code mrkdwn} section with the same text. */
    static String payload(String format, String text) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("text", text);
        if (Notification.SLACK.equals(format)) {
            String section = text.length() > SLACK_SECTION_MAX ? text.substring(0, SLACK_SECTION_MAX - 1) + "…" : text;
            body.put("blocks", List.of(Map.of("type", "section", "text", Map.of("type", "mrkdwn", "text",
                    section.isEmpty() ? " " : section))));
        }
        return JSON.writeValueAsString(body);
    }

    private void email(Notification.Email e, String text, Scope scope, Map<String, Object> roots, Duration timeout,
                       List<String> log, List<String> errors) {
        Notification.Smtp smtp = e.smtp();
        List<String> to = new ArrayList<>();
        String shown = "email";
        try {
            e.to().forEach(t -> to.add(ctx.render(t, scope, roots, false)));
            String host = ctx.render(smtp.host(), scope, roots, false).trim();
            int port = port(smtp, scope, roots);
            shown = "email to " + ctx.events.masker().mask(String.join(", ", to)) + " via "
                    + ctx.show(smtp.host(), scope, roots, false) + ":" + port
                    + (smtp.starttls() ? " (STARTTLS)" : "");
            Session session = Session.getInstance(properties(smtp, host, port, timeout));
            MimeMessage m = new MimeMessage(session);
            m.setFrom(new InternetAddress(ctx.render(e.from(), scope, roots, false).trim(), true));
            List<InternetAddress> rcpt = new ArrayList<>();
            for (String address : to) {
                rcpt.add(new InternetAddress(address.trim(), true));
            }
            m.setRecipients(Message.RecipientType.TO, rcpt.toArray(InternetAddress[]::new));
            m.setSubject(ctx.render(e.subject(), scope, roots, false).strip(), "UTF-8");
            m.setText(text, "UTF-8");
            m.setSentDate(new java.util.Date());
            if (smtp.user() != null) {
                Transport.send(m, ctx.render(smtp.user(), scope, roots, false),
                        smtp.password() == null ? "" : ctx.render(smtp.password(), scope, roots, false));
            } else {
                Transport.send(m);
            }
            log.add(shown + " -> sent");
        } catch (MessagingException | IllegalArgumentException ex) {
            log.add(shown + " failed");
            errors.add("the email failed: " + describe(ex));
        }
    }

    private int port(Notification.Smtp smtp, Scope scope, Map<String, Object> roots) {
        if (smtp.port() == null) {
            return smtp.starttls() ? 587 : 25;
        }
        String v = ctx.render(smtp.port(), scope, roots, false).trim();
        if (!v.matches("[0-9]{1,5}") || Integer.parseInt(v) < 1 || Integer.parseInt(v) > 65535) {
            throw new IllegalArgumentException("the SMTP port '" + smtp.port().source() + "' gave '" + v
                    + "', not a number from 1 to 65535");
        }
        return Integer.parseInt(v);
    }

    /** Jakarta Mail's settings: timeouts, STARTTLS required when asked (never a silent plain fallback), login. */
    private static Properties properties(Notification.Smtp smtp, String host, int port, Duration timeout) {
        Properties p = new Properties();
        String ms = Long.toString(timeout.toMillis());
        p.put("mail.smtp.host", host);
        p.put("mail.smtp.port", Integer.toString(port));
        p.put("mail.smtp.connectiontimeout", ms);
        p.put("mail.smtp.timeout", ms);
        p.put("mail.smtp.writetimeout", ms);
        if (smtp.starttls()) {
            p.put("mail.smtp.starttls.enable", "true");
            p.put("mail.smtp.starttls.required", "true");
            p.put("mail.smtp.ssl.checkserveridentity", "true");
        }
        if (smtp.user() != null) {
            p.put("mail.smtp.auth", "true");
        }
        return p;
    }

    /** A mail failure in words: its message and its causes' (a refused connection says so). */
    private static String describe(Exception e) {
        StringBuilder s = new StringBuilder();
        Throwable t = e;
        while (t != null && s.length() < 500) {
            String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage().strip();
            if (s.indexOf(m) < 0) {
                s.append(s.length() == 0 ? "" : ": ").append(m);
            }
            t = t.getCause() == t ? null : t.getCause();
        }
        return s.toString();
    }
}
