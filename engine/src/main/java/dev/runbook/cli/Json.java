package dev.runbook.cli;

import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** JSON output of the CLI. Loaded only when a command is asked for JSON, to keep start-up light. */
final class Json {

    private Json() {
    }

    static String write(Object value) {
        return JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build().writeValueAsString(value);
    }
}
