package io.jcri.server.validation;

import io.jcri.server.grpc.CriException;
import io.jcri.server.grpc.Quoted;

/**
 * The part of an image name a reference parser lets through but no connection can use: a registry port outside
 * 1..65535 (the distribution grammar allows any digits there). Checked before a pull so that the answer is
 * INVALID_ARGUMENT naming the port instead of a failed connection.
 */
public final class ImageNames {
    private ImageNames() {
    }

    public static void check(String rpc, String field, String image) {
        Sizes.atMost(rpc, field, image, Sizes.PATH);
        int slash = image.indexOf('/');
        if (slash < 0) {
            return;
        }
        String domain = image.substring(0, slash);
        if (!(domain.contains(".") || domain.contains(":") || domain.equals("localhost"))) {
            return; // a Docker Hub path such as library/busybox
        }
        int colon = domain.lastIndexOf(':');
        if (colon < 0 || domain.endsWith("]")) {
            return;
        }
        String port = domain.substring(colon + 1);
        if (!port.chars().allMatch(Character::isDigit)) {
            return; // the reference parser says what is wrong with it
        }
        boolean valid = !port.isEmpty() && port.length() <= 5 && Integer.parseInt(port) >= 1
                && Integer.parseInt(port) <= 65535;
        if (!valid) {
            throw CriException.invalidArgument(rpc + ": " + field + " " + Quoted.of(image) + " names registry port "
                    + Quoted.of(port) + "; a port is 1 to 65535");
        }
    }
}
