package dev.runbook.exec.docker;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The real engine of the tests ({@link TestDocker}) and a {@link DockerEngine} connected to it, for a test class. */
abstract class EngineTestBase {

    static TestDocker docker;
    static DockerEngine engine;

    @BeforeAll
    static void up() {
        docker = TestDocker.require();
        engine = DockerEngine.connect(docker.url, null);
    }

    @AfterAll
    static void down() throws Exception {
        if (engine != null) {
            engine.close();
            engine = null;
        }
        if (docker != null) {
            docker.close();
            docker = null;
        }
    }
}
