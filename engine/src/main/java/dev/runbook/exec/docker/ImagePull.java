package dev.runbook.exec.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.PullImageResultCallback;

/** Pulls images, saying on one line why one could not be. */
final class ImagePull {

    private final DockerClient client;
    private final String url;

    ImagePull(DockerClient client, String url) {
        this.client = client;
        this.url = url;
    }

    /** Pulls {@code image} ({@code name[:tag]} or {@code name@digest}). */
    void pull(String image) throws InterruptedException {
        try {
            fetch(image);
        } catch (RuntimeException e) {
            if (Failures.transportProblem(e) != null) {
                throw Failures.of(url, "pulling " + image, e);
            }
            throw new DockerException("cannot pull image " + image + " on " + url + " (" + Failures.reason(e)
                    + "); check its name, and that the engine reaches its registry", e);
        }
    }

    /** Pulls {@code image}, which a container is to run and the engine lacks. */
    void forRun(String image) {
        try {
            fetch(image);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DockerException("pulling image " + image + " on " + url + " was interrupted", e);
        } catch (RuntimeException e) {
            if (Failures.transportProblem(e) != null) {
                throw Failures.of(url, "pulling " + image, e);
            }
            throw new DockerException("image " + image + " is not on " + url + " and cannot be pulled ("
                    + Failures.reason(e) + "); load it with docker load/import, or check its name", e);
        }
    }

    private void fetch(String image) throws InterruptedException {
        String repository = image;
        String tag = null;
        int slash = image.lastIndexOf('/');
        int colon = image.lastIndexOf(':');
        if (!image.contains("@") && colon > slash) {
            repository = image.substring(0, colon);
            tag = image.substring(colon + 1);
        } else if (!image.contains("@")) {
            tag = "latest";
        }
        var cmd = client.pullImageCmd(repository);
        if (tag != null) {
            cmd.withTag(tag);
        }
        cmd.exec(new PullImageResultCallback()).awaitCompletion();
    }
}
