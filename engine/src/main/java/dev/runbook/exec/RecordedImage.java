package dev.runbook.exec;

/**
 * The image a Compose service ran before a step that changes it ({@code changes_image}), as the journal keeps it.
 *
 * @param target  the docker target of the service
 * @param image   the image id, or null when it could not be read
 * @param error   why it could not be read, or null
 */
public record RecordedImage(String target, String project, String service, String image, String error) {
}
