package io.jcri.server.streaming;

/**
 * How a remote-command session ended, as Kubernetes reports it on the error stream: from protocol v4 on a JSON
 * {@code metav1.Status} (success, or failure with reason NonZeroExitCode and the exit code as an ExitCode
 * cause); before v4 only failures are written, as plain text.
 */
record ExitStatus(boolean ok, Integer exitCode, String message) {
    static ExitStatus success() {
        return new ExitStatus(true, null, "");
    }

    /** containerd's wording (its exec error, formatted by kubelet's streaming server), with Go's %v of the command. */
    static ExitStatus exited(int code, java.util.List<String> command) {
        return code == 0 ? success() : new ExitStatus(false, code,
                "command terminated with non-zero exit code: error executing command [" + String.join(" ", command)
                        + "], exit code " + code);
    }

    static ExitStatus error(String message) {
        return new ExitStatus(false, null, "Internal error occurred: " + message);
    }

    /** v4/v5: the JSON status. */
    String json() {
        if (ok) {
            return "{\"metadata\":{},\"status\":\"Success\"}";
        }
        if (exitCode != null) {
            return "{\"metadata\":{},\"status\":\"Failure\",\"message\":" + quote(message)
                    + ",\"reason\":\"NonZeroExitCode\",\"details\":{\"causes\":[{\"reason\":\"ExitCode\",\"message\":\""
                    + exitCode + "\"}]}}";
        }
        return "{\"metadata\":{},\"status\":\"Failure\",\"message\":" + quote(message)
                + ",\"reason\":\"InternalError\",\"details\":{\"causes\":[{\"message\":" + quote(message)
                + "}]},\"code\":500}";
    }

    /** channel.k8s.io to v3: nothing on success, the message on failure. */
    String legacyText() {
        return ok ? "" : message;
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                // Go's encoding/json escapes these for HTML, so kubelet's statuses carry them so
                case '<', '>', '&' -> b.append(String.format("\\u%04x", (int) c));
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
