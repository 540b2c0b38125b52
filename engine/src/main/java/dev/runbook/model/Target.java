package dev.runbook.model;

import dev.runbook.diag.SourceLocation;
import java.util.List;

/** Where steps run. The target named {@code local} always exists. */
public sealed interface Target {

    /** The name of the target that always exists. */
    String LOCAL = "local";

    String name();

    String description();

    SourceLocation at();

    /** The word used in plans: {@code local}, {@code ssh}, {@code docker}. */
    String kind();

    /** The local machine. */
    record Local(String name, String description, SourceLocation at) implements Target {
        public String kind() {
            return "local";
        }
    }

    /**
     * One SSH host or a fleet of them.
     *
     * @param hosts    {@code user@host:port} templates
     * @param serial   batch size, a count or a percentage, or null for all at once
     * @param maxFail  failures tolerated, a count or a percentage, or null for none
     * @param forks    hosts worked on in parallel, or null for the default
     */
    record Ssh(String name, List<Text> hosts, String serial, String maxFail, Integer forks, String description,
               SourceLocation at) implements Target {
        public String kind() {
            return "ssh";
        }
    }

    /** A Docker engine reached at a URL ({@code unix:///var/run/docker.sock}, {@code tcp://host:2376}). */
    record Docker(String name, Text url, String description, SourceLocation at) implements Target {
        public String kind() {
            return "docker";
        }
    }
}
