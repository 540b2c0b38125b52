package dev.runbook.exec.ssh;

import com.jcraft.jsch.ChannelSftp;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.SftpATTRS;
import com.jcraft.jsch.SftpException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.ThreadLocalRandom;

/** One file transfer over an SFTP channel of a shared connection, replacing the destination atomically. */
final class Sftp {

    private final SshSessions.Connection connection;
    private final SshSessions sessions;

    Sftp(SshSessions.Connection connection, SshSessions sessions) {
        this.connection = connection;
        this.sessions = sessions;
    }

    void upload(Path local, String remote, String mode) {
        Integer perms = mode == null ? null : parseMode(mode);
        if (!Files.isRegularFile(local)) {
            throw new SshException("cannot upload " + local + ": no such file");
        }
        String what = "upload of " + local + " to " + where(remote);
        String tmp = sibling(remote);
        ChannelSftp sftp = open(what);
        try {
            if (perms == null) {
                perms = existingMode(sftp, remote);
            }
            sftp.put(local.toString(), tmp);
            if (perms != null) {
                sftp.chmod(perms, tmp);
            }
            try {
                sftp.rename(tmp, remote);
            } catch (SftpException e) {
                // plain SFTP v3 rename refuses an existing target where posix-rename@openssh.com is missing
                sftp.rm(remote);
                sftp.rename(tmp, remote);
            }
        } catch (SftpException e) {
            removeQuietly(sftp, tmp);
            throw failure(what, e);
        } finally {
            sftp.disconnect();
        }
    }

    void download(String remote, Path local) {
        String what = "download of " + where(remote) + " to " + local;
        Path dir = local.toAbsolutePath().getParent();
        Path tmp = dir.resolve("." + local.getFileName() + ".runbook-" + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".part");
        ChannelSftp sftp = open(what);
        try {
            sftp.get(remote, tmp.toString());
            Files.move(tmp, local, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (SftpException e) {
            throw failure(what, e);
        } catch (IOException e) {
            throw new SshException(what + " failed: " + e.getMessage(), e);
        } finally {
            sftp.disconnect();
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException e) {
                // left behind: a hidden .part file
            }
        }
    }

    private ChannelSftp open(String what) {
        try {
            ChannelSftp sftp = (ChannelSftp) connection.session().openChannel("sftp");
            sftp.connect((int) sessions.options().connectTimeout().toMillis());
            return sftp;
        } catch (JSchException e) {
            if (!connection.session().isConnected()) {
                sessions.lost(connection.target(), connection.session());
            }
            throw new SshException(what + " failed: cannot open SFTP (" + e.getMessage() + "); is the sftp subsystem"
                    + " enabled in the host's sshd_config?", e);
        }
    }

    private static Integer existingMode(ChannelSftp sftp, String remote) {
        try {
            SftpATTRS a = sftp.stat(remote);
            return a.getPermissions() & 07777;
        } catch (SftpException e) {
            return null;
        }
    }

    private static void removeQuietly(ChannelSftp sftp, String path) {
        try {
            sftp.rm(path);
        } catch (SftpException | RuntimeException e) {
            // never written, or the channel is gone
        }
    }

    private SshException failure(String what, SftpException e) {
        if (!connection.session().isConnected()) {
            sessions.lost(connection.target(), connection.session());
            return new SshException(what + " failed: the connection was lost", e);
        }
        String why = switch (e.id) {
            case ChannelSftp.SSH_FX_NO_SUCH_FILE -> "no such file or directory";
            case ChannelSftp.SSH_FX_PERMISSION_DENIED -> "permission denied";
            default -> e.getMessage();
        };
        return new SshException(what + " failed: " + why, e);
    }

    private String where(String remote) {
        return connection.target().describe() + ":" + remote;
    }

    private static String sibling(String remote) {
        int slash = remote.lastIndexOf('/');
        String dir = slash < 0 ? "" : remote.substring(0, slash + 1);
        String name = remote.substring(slash + 1);
        return dir + "." + name + ".runbook-" + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".part";
    }

    static int parseMode(String mode) {
        if (!mode.matches("0?[0-7]{3,4}")) {
            throw new SshException("file mode '" + mode + "' is not octal permissions such as 0640");
        }
        return Integer.parseInt(mode, 8) & 07777;
    }
}
