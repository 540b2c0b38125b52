package dev.runbook.model;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** The types a runbook param can have. */
public enum ParamType {
    STRING, INTEGER, NUMBER, BOOLEAN, DURATION, LIST, MAP,
    /** A command prefix such as {@code docker compose}: spliced into shell commands unquoted. */
    COMMAND;

    /** The keyword used in YAML, such as {@code duration}. */
    public String keyword() {
        return name().toLowerCase();
    }

    public static Optional<ParamType> byKeyword(String keyword) {
        return Arrays.stream(values()).filter(t -> t.keyword().equals(keyword)).findFirst();
    }

    /** The keywords, for error messages: {@code string, integer, ...}. */
    public static String keywords() {
        return Arrays.stream(values()).map(ParamType::keyword).collect(Collectors.joining(", "));
    }
}
