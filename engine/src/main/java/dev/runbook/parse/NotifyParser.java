package dev.runbook.parse;

import dev.runbook.model.Notification;
import dev.runbook.model.Step;
import dev.runbook.model.StepCommon;
import dev.runbook.model.Text;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Parses a {@code notify} step: a message (a template file and/or text) sent to a {@code webhook} (JSON or Slack
 * format, with headers) and/or by {@code email} over SMTP; {@code required} says whether a failure stops the run.
 */
final class NotifyParser {

    private static final int DEFAULT_PORT_MIN = 1;
    private static final int PORT_MAX = 65535;

    private NotifyParser() {
    }

    static Optional<Step> notify(Fields f, StepCommon common) {
        NodeReader r = f.reader();
        return r.fields(f.node("notify").orElseThrow(), f.child("notify"), "'notify'", Keys.NOTIFY).flatMap(n -> {
            if (!n.has("webhook") && !n.has("email")) {
                r.problem(n.node(), n.path(), "'notify' needs a 'webhook' or an 'email' (or both)");
            }
            if (!n.has("template") && !n.has("message")) {
                r.problem(n.node(), n.path(), "'notify' needs a 'template' file or a 'message'");
            }
            for (String key : List.of("format", "headers")) {
                if (n.has(key) && !n.has("webhook")) {
                    n.problem(key, "'" + key + "' goes with 'webhook'");
                }
            }
            Optional<String> format = n.string("format");
            format.filter(v -> !Notification.FORMATS.contains(v)).ifPresent(v -> n.problem("format",
                    "'format' is " + String.join(" or ", Notification.FORMATS) + ", not '" + v + "'"));
            Map<String, Text> headers = n.texts("headers", false);
            Optional<Text> url = n.text("webhook");
            Notification.Email email = n.node("email")
                    .flatMap(e -> r.fields(e, n.child("email"), "'email'", Keys.NOTIFY_EMAIL))
                    .flatMap(NotifyParser::email).orElse(null);
            boolean required = n.bool("required", false);
            StepCommon c = common;
            if (f.has("continue_on_error")) {
                if (required && common.continueOnError()) {
                    n.problem("required", "'required: true' contradicts 'continue_on_error: true' on the same step");
                }
            } else {
                c = continueOnError(common, !required);
            }
            if (n.has("webhook") && url.isEmpty() || n.has("email") && email == null
                    || !n.has("webhook") && !n.has("email")) {
                return Optional.empty();
            }
            Notification.Webhook webhook = url.map(u -> new Notification.Webhook(u,
                    format.filter(Notification.FORMATS::contains).orElse(Notification.JSON), headers)).orElse(null);
            return Optional.of(new Step.Notify(c, webhook, email, n.string("template").orElse(null),
                    n.text("message").orElse(null), !c.continueOnError()));
        });
    }

    private static Optional<Notification.Email> email(Fields e) {
        NodeReader r = e.reader();
        List<Text> to = e.has("to") ? TargetFactParser.textOrList(e, "to") : List.of();
        if (!e.has("to")) {
            e.missing("to");
        }
        Optional<Text> from = TargetFactParser.required(e, "from");
        Optional<Text> subject = TargetFactParser.required(e, "subject");
        if (!e.has("smtp")) {
            e.missing("smtp");
        }
        Optional<Notification.Smtp> smtp = e.node("smtp")
                .flatMap(s -> r.fields(s, e.child("smtp"), "'smtp'", Keys.NOTIFY_SMTP))
                .flatMap(NotifyParser::smtp);
        if (to.isEmpty() || from.isEmpty() || subject.isEmpty() || smtp.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Notification.Email(to, from.get(), subject.get(), smtp.get()));
    }

    private static Optional<Notification.Smtp> smtp(Fields s) {
        Optional<Text> host = TargetFactParser.required(s, "host");
        Optional<Text> port = s.text("port");
        boolean bad = false;
        if (port.isPresent() && !port.get().isTemplate()) {
            String v = port.get().source().trim();
            if (!v.matches("[0-9]{1,5}") || Integer.parseInt(v) < DEFAULT_PORT_MIN || Integer.parseInt(v) > PORT_MAX) {
                s.problem("port", "'port' is a number from 1 to 65535 (or a template), not '" + v + "'");
                bad = true;
            }
        }
        if (s.has("password") && !s.has("user")) {
            s.problem("password", "'password' goes with 'user'");
        }
        if (host.isEmpty() || bad) {
            return Optional.empty();
        }
        return Optional.of(new Notification.Smtp(host.get(), port.orElse(null), s.bool("starttls", false),
                s.text("user").orElse(null), s.text("password").orElse(null)));
    }

    /** The common keys with {@code continue_on_error} set: a notification that need not succeed. */
    private static StepCommon continueOnError(StepCommon c, boolean value) {
        return new StepCommon(c.id(), c.name(), c.description(), c.on(), c.when(), c.timeout(), c.retries(), c.delay(),
                c.rollback(), c.outputs(), c.irreversible(), value, c.message(), c.path(), c.at(), c.onAt(),
                c.runOnce(), c.changesImage());
    }
}
