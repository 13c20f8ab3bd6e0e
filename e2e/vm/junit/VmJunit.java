import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Runs JUnit 5 test classes in one JVM, as surefire does with forkCount=1 (the VM tier has no Maven): one line per
 * test, a closing "N passed, N failed" line and, where JCRI_VM_RESULTS is set, the files run-in-vm.sh reads back
 * from the guest (counts: "passed failed skipped"; failures and skips: "Class.method: first line").
 *
 * <p>Usage: java -cp CLASSPATH VmJunit CLASS...; exits 1 when a test failed or none ran.
 */
public final class VmJunit {
    public static void main(String[] args) throws IOException {
        if (args.length == 0) {
            System.err.println("usage: VmJunit CLASS...");
            System.exit(2);
        }
        LauncherDiscoveryRequestBuilder request = LauncherDiscoveryRequestBuilder.request();
        for (String name : args) {
            request.selectors(DiscoverySelectors.selectClass(name));
        }
        Listener listener = new Listener();
        Launcher launcher = LauncherFactory.create();
        long start = System.nanoTime();
        launcher.execute((LauncherDiscoveryRequest) request.build(), listener);
        double seconds = (System.nanoTime() - start) / 1e9;

        int passed = listener.passed;
        int failed = listener.failures.size();
        int skipped = listener.skips.size();
        System.out.printf("VmJunit: %d tests in %.1f s (%s)%n", passed + failed + skipped, seconds,
                String.join(" ", args));
        for (String f : listener.failures) {
            System.out.println("FAILED " + f);
        }
        for (String s : listener.skips) {
            System.out.println("SKIPPED " + s);
        }
        System.out.println(skipped > 0
                ? String.format("%d passed, %d failed, %d skipped", passed, failed, skipped)
                : String.format("%d passed, %d failed", passed, failed));
        String results = System.getenv("JCRI_VM_RESULTS");
        if (results != null && !results.isEmpty()) {
            Path dir = Path.of(results);
            Files.writeString(dir.resolve("counts"), passed + " " + failed + " " + skipped + "\n");
            Files.write(dir.resolve("failures"), listener.failures);
            Files.write(dir.resolve("skips"), listener.skips);
            Files.writeString(dir.resolve("seconds"), String.format("%.1f%n", seconds));
        }
        System.exit(failed > 0 || passed == 0 ? 1 : 0);
    }

    private static final class Listener implements TestExecutionListener {
        final List<String> failures = new ArrayList<>();
        final List<String> skips = new ArrayList<>();
        final Map<String, Long> started = new ConcurrentHashMap<>();
        int passed;
        private TestPlan plan;

        @Override
        public void testPlanExecutionStarted(TestPlan testPlan) {
            plan = testPlan;
        }

        @Override
        public void executionStarted(TestIdentifier id) {
            started.put(id.getUniqueId(), System.nanoTime());
        }

        @Override
        public void executionSkipped(TestIdentifier id, String reason) {
            // a skipped class reports no events for its tests: count each of them
            List<TestIdentifier> tests = new ArrayList<>();
            if (id.isTest()) {
                tests.add(id);
            } else {
                plan.getDescendants(id).stream().filter(TestIdentifier::isTest).forEach(tests::add);
            }
            for (TestIdentifier t : tests) {
                skips.add(name(t) + ": " + firstLine(reason));
                System.out.println("SKIP  " + name(t) + "  (" + firstLine(reason) + ")");
            }
        }

        @Override
        public void executionFinished(TestIdentifier id, TestExecutionResult result) {
            Long t0 = started.remove(id.getUniqueId());
            String time = t0 == null ? "" : String.format("  %.2f s", (System.nanoTime() - t0) / 1e9);
            Optional<Throwable> thrown = result.getThrowable();
            if (!id.isTest()) {
                // a failure outside any test (@BeforeAll, class init) fails the class's tests that did not run
                if (result.getStatus() == TestExecutionResult.Status.FAILED) {
                    failures.add(name(id) + ": " + describe(thrown));
                    System.out.println("FAIL  " + name(id) + time + "\n" + stack(thrown));
                }
                return;
            }
            switch (result.getStatus()) {
                case SUCCESSFUL -> {
                    passed++;
                    System.out.println("PASS  " + name(id) + time);
                }
                case ABORTED -> { // an assumption that did not hold: surefire reports it as skipped
                    skips.add(name(id) + ": " + describe(thrown));
                    System.out.println("SKIP  " + name(id) + time + "  (" + describe(thrown) + ")");
                }
                case FAILED -> {
                    failures.add(name(id) + ": " + describe(thrown));
                    System.out.println("FAIL  " + name(id) + time + "\n" + stack(thrown));
                }
            }
        }

        private static String name(TestIdentifier id) {
            if (id.getSource().orElse(null) instanceof MethodSource m) {
                String cls = m.getClassName().substring(m.getClassName().lastIndexOf('.') + 1);
                String display = id.getDisplayName();
                // parameterized and repeated tests: keep the invocation's display name
                boolean plain = display.startsWith(m.getMethodName() + "(");
                return cls + "." + m.getMethodName() + (plain ? "" : " " + display);
            }
            return id.getDisplayName();
        }

        /** The exception's class and the first non-blank line of its message (AssertJ's start with a newline). */
        private static String describe(Optional<Throwable> thrown) {
            return thrown.map(t -> {
                String message = t.getMessage() == null ? "" : t.getMessage();
                String line = message.lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst().orElse("");
                return firstLine(t.getClass().getName() + (line.isEmpty() ? "" : ": " + line));
            }).orElse("(no exception)");
        }

        private static String stack(Optional<Throwable> thrown) {
            if (thrown.isEmpty()) {
                return "";
            }
            StringWriter out = new StringWriter();
            thrown.get().printStackTrace(new PrintWriter(out));
            String[] lines = out.toString().split("\n");
            StringBuilder cut = new StringBuilder();
            for (int i = 0; i < lines.length && i < 25; i++) {
                cut.append("      ").append(lines[i]).append('\n');
            }
            return cut.toString();
        }

        private static String firstLine(String s) {
            if (s == null) {
                return "";
            }
            String line = s.strip().lines().findFirst().orElse("");
            return line.length() > 300 ? line.substring(0, 300) + "..." : line;
        }
    }
}
