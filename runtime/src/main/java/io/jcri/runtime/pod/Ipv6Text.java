package io.jcri.runtime.pod;

/** An IPv6 address in its canonical text form (RFC 5952: lower case, no leading zeros, longest zero run as ::). */
final class Ipv6Text {
    private Ipv6Text() {
    }

    /** {@code hex}: the 32 hex digits of the address, as /proc/net/if_inet6 prints them. */
    static String of(String hex) {
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) groups[i] = Integer.parseInt(hex.substring(i * 4, i * 4 + 4), 16);
        int bestStart = -1, bestLen = 0;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && groups[j] == 0) j++;
            if (j - i > bestLen && j - i >= 2) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                b.append("::");
                i += bestLen - 1;
                continue;
            }
            if (b.length() > 0 && b.charAt(b.length() - 1) != ':') b.append(':');
            b.append(Integer.toHexString(groups[i]));
        }
        return b.toString();
    }
}
