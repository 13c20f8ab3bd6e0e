package io.jcri.e2e.bench;

import io.jcri.e2e.harness.PrometheusScrape;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The mean time per phase of an operation over a scenario, from two scrapes of jcri's phase summaries
 * ({@code jcri_container_start_phase_seconds}, {@code jcri_sandbox_run_phase_seconds}): the growth of each phase's
 * sum over the growth of its count, in milliseconds. The daemon times the phases; the harness only reads them.
 */
final class PhaseMeans {
    private PhaseMeans() {
    }

    static Map<String, Double> between(PrometheusScrape before, PrometheusScrape after, String metric) {
        // simpleclient writes a comma after the last label: name_sum{phase="x",}
        Pattern sum = Pattern.compile(Pattern.quote(metric) + "_sum\\{phase=\"([^\"]+)\",?\\}");
        Map<String, Double> means = new LinkedHashMap<>();
        for (Map.Entry<String, Double> e : after.samples().entrySet()) {
            Matcher m = sum.matcher(e.getKey());
            if (!m.matches()) {
                continue;
            }
            String count = e.getKey().replace(metric + "_sum{", metric + "_count{");
            double n = after.value(count) - before.value(count);
            if (n > 0) {
                means.put(m.group(1), (e.getValue() - before.value(e.getKey())) * 1000 / n);
            }
        }
        return means;
    }
}
