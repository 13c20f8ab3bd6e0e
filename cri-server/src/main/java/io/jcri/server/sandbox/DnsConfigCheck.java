package io.jcri.server.sandbox;

import io.jcri.cri.v1.DNSConfig;
import io.jcri.server.grpc.CriException;
import io.jcri.server.grpc.Quoted;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Refuses a {@code DNSConfig} that would not make a well-formed resolv.conf: every entry becomes part of one
 * line, so a newline or a space in it would add lines or words of its own (issue 13).
 *
 * <p>containerd ({@code parseDNSOptions}) writes servers, searches and options as given and only refuses more
 * than 6 searches (the resolv.conf(5) limit of glibc before 2.26). jcri follows kubelet's own limits instead
 * (32 search domains, 2,048 characters in all: {@code MaxDNSSearchPaths}/{@code MaxDNSSearchListChars}), which
 * glibc 2.26+ and musl read, because kubelet sends up to 32 and a pod must not fail on the node for what its
 * API server accepted.
 */
final class DnsConfigCheck {
    static final int MAX_SEARCHES = 32;
    static final int MAX_SEARCH_CHARS = 2048;
    static final int MAX_OPTIONS = 32;
    static final int MAX_OPTION_CHARS = 256;
    private static final Pattern IPV4 =
            Pattern.compile("((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])");
    private static final Pattern IPV6_ZONE = Pattern.compile("[A-Za-z0-9_.-]{1,15}");
    /** A domain name: labels of letters, digits, '-' and '_' (seen in real search lists), a trailing dot allowed. */
    private static final Pattern DOMAIN =
            Pattern.compile("[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(\\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\\.?");
    /** resolv.conf options are words such as ndots:5, timeout:2, edns0, use-vc. */
    private static final Pattern OPTION = Pattern.compile("[A-Za-z0-9_.:+-]+");

    private DnsConfigCheck() {
    }

    static void validate(DNSConfig dns) {
        for (String server : dns.getServersList()) {
            if (!isIpAddress(server)) {
                throw invalid("dns_config.servers entry " + Quoted.of(server) + " is not an IP address");
            }
        }
        List<String> searches = dns.getSearchesList();
        if (searches.size() > MAX_SEARCHES) {
            throw invalid("dns_config.searches has " + searches.size() + " domains; at most " + MAX_SEARCHES
                    + " are allowed");
        }
        int chars = 0;
        for (String search : searches) {
            if (search.length() > 254 || !(search.equals(".") || DOMAIN.matcher(search).matches())) {
                throw invalid("dns_config.searches entry " + Quoted.of(search) + " is not a domain name");
            }
            chars += search.length() + 1;
        }
        if (chars - 1 > MAX_SEARCH_CHARS) {
            throw invalid("dns_config.searches is " + (chars - 1) + " characters long; at most " + MAX_SEARCH_CHARS
                    + " are allowed");
        }
        if (dns.getOptionsCount() > MAX_OPTIONS) {
            throw invalid("dns_config.options has " + dns.getOptionsCount() + " entries; at most " + MAX_OPTIONS
                    + " are allowed");
        }
        for (String option : dns.getOptionsList()) {
            if (option.length() > MAX_OPTION_CHARS || !OPTION.matcher(option).matches()) {
                throw invalid("dns_config.options entry " + Quoted.of(option) + " is not a resolv.conf option"
                        + " (one word of letters, digits and . : _ + -)");
            }
        }
    }

    /** An IPv4 or IPv6 literal (an IPv6 one may carry a %zone); never a name, so nothing is looked up. */
    static boolean isIpAddress(String s) {
        if (IPV4.matcher(s).matches()) {
            return true;
        }
        int zone = s.indexOf('%');
        String addr = zone < 0 ? s : s.substring(0, zone);
        if (zone >= 0 && !IPV6_ZONE.matcher(s.substring(zone + 1)).matches()) {
            return false;
        }
        return isIpv6(addr);
    }

    private static boolean isIpv6(String s) {
        if (s.length() < 2 || s.length() > 45 || !s.contains(":")) {
            return false;
        }
        String head = s;
        int groupsBudget = 8;
        int lastColon = s.lastIndexOf(':');
        String tail = s.substring(lastColon + 1);
        if (tail.contains(".")) { // embedded IPv4, e.g. ::ffff:10.0.0.1
            if (!IPV4.matcher(tail).matches()) {
                return false;
            }
            head = s.substring(0, lastColon + 1) + "0"; // count it as one group here, one more below
            groupsBudget = 7;
        }
        int dbl = head.indexOf("::");
        if (dbl >= 0 && head.indexOf("::", dbl + 1) >= 0) {
            return false;
        }
        String[] parts = dbl >= 0
                ? (head.substring(0, dbl) + ":" + head.substring(dbl + 2)).split(":", -1)
                : head.split(":", -1);
        int groups = 0;
        for (String p : parts) {
            if (p.isEmpty()) {
                if (dbl >= 0) {
                    continue; // the :: itself, or an edge next to it
                }
                return false;
            }
            if (p.length() > 4 || !p.chars().allMatch(ch -> Character.digit(ch, 16) >= 0)) {
                return false;
            }
            groups++;
        }
        return dbl >= 0 ? groups < groupsBudget : groups == groupsBudget;
    }

    private static CriException invalid(String what) {
        return CriException.invalidArgument("RunPodSandbox: " + what);
    }
}
