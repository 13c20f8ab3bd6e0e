package io.jcri.server.validation;

import io.jcri.server.grpc.CriException;
import io.jcri.server.grpc.Quoted;
import java.util.Map;

/** Size limits on request strings, in UTF-8 bytes as the kernel and CNI plugins count them. */
final class Sizes {
    /**
     * Kubernetes object names are DNS subdomains (at most 253 bytes), namespaces and container names DNS labels
     * (63): every name kubelet sends fits, and a CRI name lands in CNI arguments, log lines and file names.
     */
    static final int NAME = 253;
    /** Pod UIDs are 36-byte UUIDs (32 hex digits for static pods); 253 leaves room for other clients' ids. */
    static final int UID = 253;
    /** A label key: 253 bytes of DNS prefix, '/', 63 bytes of name (Kubernetes' own limit). */
    static final int LABEL_KEY = 317;
    /**
     * All keys and values of one map together. Kubernetes caps a pod's annotations at 256 KiB; kubelet adds a few
     * of its own, so annotations get twice that, labels (at most 63-byte values in Kubernetes) the 256 KiB.
     */
    static final int LABELS_TOTAL = 256 * 1024;
    static final int ANNOTATIONS_TOTAL = 512 * 1024;
    /** PATH_MAX. */
    static final int PATH = 4096;

    private Sizes() {
    }

    static int utf8Length(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c)) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    static void atMost(String rpc, String field, String value, int max) {
        int n = utf8Length(value);
        if (n > max) {
            throw CriException.invalidArgument(rpc + ": " + field + " is " + n + " bytes long, at most " + max
                    + " are allowed (it starts " + Quoted.of(value) + ")");
        }
    }

    static void map(String rpc, String field, Map<String, String> map, int total) {
        long sum = 0;
        for (Map.Entry<String, String> e : map.entrySet()) {
            if (e.getKey().isEmpty()) {
                throw CriException.invalidArgument(rpc + ": " + field + " has an empty key");
            }
            atMost(rpc, "a key of " + field, e.getKey(), LABEL_KEY);
            sum += utf8Length(e.getKey()) + utf8Length(e.getValue());
        }
        if (sum > total) {
            throw CriException.invalidArgument(rpc + ": " + field + " hold " + sum + " bytes of keys and values, at"
                    + " most " + total + " are allowed");
        }
    }
}
