package dev.runbook.expr;

import java.util.List;
import java.util.Set;

/**
 * How a template is rendered.
 *
 * @param shell          quote every interpolated value as one shell word (a list as one word per element)
 * @param commandParams  params of type {@code command}: an interpolation that is exactly {@code params.NAME} of one
 *                       of them is spliced as written
 * @param secrets        name paths that are secret, such as {@code [params, db_url]}
 * @param maskSecrets    show an interpolation that reads a secret as {@code ***} (for every output a human or a
 *                       file sees); false only to build the command that really runs
 */
public record RenderOptions(boolean shell, Set<String> commandParams, Set<List<String>> secrets, boolean maskSecrets) {

    /** The mask shown instead of a secret. */
    public static final String MASK = "***";

    /** Plain text, secrets masked. */
    public static RenderOptions plain(Set<List<String>> secrets) {
        return new RenderOptions(false, Set.of(), secrets, true);
    }

    /** The same options for shell commands. */
    public RenderOptions forShell() {
        return new RenderOptions(true, commandParams, secrets, maskSecrets);
    }

    /** The same options for text that is not a shell command. */
    public RenderOptions forText() {
        return new RenderOptions(false, commandParams, secrets, maskSecrets);
    }
}
