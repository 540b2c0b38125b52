package dev.runbook.plan;

import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** The plan as JSON, for tools. */
public final class PlanJson {

    private PlanJson() {
    }

    public static String render(Plan plan) {
        return JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build().writeValueAsString(plan) + "\n";
    }
}
