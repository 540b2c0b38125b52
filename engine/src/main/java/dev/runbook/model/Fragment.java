package dev.runbook.model;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A file of steps included by runbooks, with params of its own.
 *
 * @param name        the fragment's name
 * @param description for humans, or null
 * @param params      its params, bound by the including step's {@code with}
 * @param steps       its steps
 * @param file        where it was read from
 */
public record Fragment(String name, String description, Map<String, Param> params, List<Step> steps, Path file) {
}
