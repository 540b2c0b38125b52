package dev.runbook.model;

import java.util.List;
import java.util.Map;

/** Where a {@code notify} step sends its message: a webhook, an email over SMTP, or both. */
public final class Notification {

    /** The payload {@code {"text": ...}}, the default. */
    public static final String JSON = "json";
    /** A Slack-compatible payload: {@code text} and one {@code mrkdwn} section block. */
    public static final String SLACK = "slack";
    /** The webhook formats. */
    public static final List<String> FORMATS = List.of(JSON, SLACK);

    private Notification() {
    }

    /**
     * A JSON POST.
     *
     * @param url     the URL (template)
     * @param format  {@link #JSON} or {@link #SLACK}
     * @param headers extra request headers, name to template (a token from a secret param)
     */
    public record Webhook(Text url, String format, Map<String, Text> headers) {
    }

    /**
     * A plain-text email.
     *
     * @param to      the recipients (templates), at least one
     * @param from    the sender (template)
     * @param subject the subject (template)
     */
    public record Email(List<Text> to, Text from, Text subject, Smtp smtp) {
    }

    /**
     * The SMTP server that sends it.
     *
     * @param host     template
     * @param port     template, null for 587 with STARTTLS and 25 without
     * @param starttls upgrade the connection with STARTTLS, and fail if the server cannot
     * @param user     null to send without logging in
     * @param password template, usually a secret param; with {@code user} only
     */
    public record Smtp(Text host, Text port, boolean starttls, Text user, Text password) {
    }
}
