package io.jcri.server.container;

import io.jcri.image.ImageService;
import io.jcri.server.store.Container;
import java.util.Locale;
import java.util.Map;

/**
 * Which signal stops a container: the CRI config's stop_signal, else the image's StopSignal, else SIGTERM.
 */
public final class StopSignals {
    static final int SIGTERM = 15;
    private static final Map<String, Integer> NUMBERS = Map.ofEntries(
            Map.entry("SIGHUP", 1), Map.entry("SIGINT", 2), Map.entry("SIGQUIT", 3), Map.entry("SIGILL", 4),
            Map.entry("SIGTRAP", 5), Map.entry("SIGABRT", 6), Map.entry("SIGIOT", 6), Map.entry("SIGBUS", 7),
            Map.entry("SIGFPE", 8), Map.entry("SIGKILL", 9), Map.entry("SIGUSR1", 10), Map.entry("SIGSEGV", 11),
            Map.entry("SIGUSR2", 12), Map.entry("SIGPIPE", 13), Map.entry("SIGALRM", 14), Map.entry("SIGTERM", 15),
            Map.entry("SIGSTKFLT", 16), Map.entry("SIGCHLD", 17), Map.entry("SIGCONT", 18), Map.entry("SIGSTOP", 19),
            Map.entry("SIGTSTP", 20), Map.entry("SIGTTIN", 21), Map.entry("SIGTTOU", 22), Map.entry("SIGURG", 23),
            Map.entry("SIGXCPU", 24), Map.entry("SIGXFSZ", 25), Map.entry("SIGVTALRM", 26), Map.entry("SIGPROF", 27),
            Map.entry("SIGWINCH", 28), Map.entry("SIGIO", 29), Map.entry("SIGPOLL", 29), Map.entry("SIGPWR", 30),
            Map.entry("SIGSYS", 31), Map.entry("SIGRTMIN", 34), Map.entry("SIGRTMAX", 64));

    private final ImageService images;

    public StopSignals(ImageService images) {
        this.images = images;
    }

    int signalFor(Container container) {
        int fromConfig = ContainerLifecycle.signalNumber(container.config().getStopSignal());
        if (fromConfig > 0) {
            return fromConfig;
        }
        String fromImage = images.status(container.imageId()).map(i -> i.config().stopSignal()).orElse("");
        if (!fromImage.isEmpty()) {
            int n = number(fromImage);
            if (n > 0) {
                return n;
            }
        }
        return SIGTERM;
    }

    /** {@code SIGTERM}, {@code TERM} or {@code 15}; 0 when unknown. */
    static int number(String name) {
        String n = name.trim().toUpperCase(Locale.ROOT);
        if (n.chars().allMatch(Character::isDigit) && !n.isEmpty()) {
            int v = Integer.parseInt(n);
            return v > 0 && v <= 64 ? v : 0;
        }
        if (!n.startsWith("SIG")) {
            n = "SIG" + n;
        }
        return NUMBERS.getOrDefault(n, 0);
    }
}
