package io.jcri.e2e.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Measurements per scenario row and target; renders the Markdown table and the JSON file. */
final class Results {
    /** One table row: samples per target, or a note (UNIMPLEMENTED, an error) where there are none. */
    static final class Row {
        final String id;
        final String label;
        final String unit;
        final Map<String, List<Double>> samples = new LinkedHashMap<>();
        final Map<String, String> notes = new LinkedHashMap<>();

        Row(String id, String label, String unit) {
            this.id = id;
            this.label = label;
            this.unit = unit;
        }
    }

    private final List<String> targets;
    private final Map<String, Row> rows = new LinkedHashMap<>();
    private final Map<String, Object> info = new LinkedHashMap<>();
    private final List<String> errors = new ArrayList<>();

    Results(List<String> targets) {
        this.targets = List.copyOf(targets);
    }

    synchronized Row row(String id, String label, String unit) {
        return rows.computeIfAbsent(id, k -> new Row(id, label, unit));
    }

    synchronized void add(String id, String label, String unit, String target, double value) {
        row(id, label, unit).samples.computeIfAbsent(target, k -> new ArrayList<>()).add(value);
    }

    synchronized void note(String id, String label, String unit, String target, String note) {
        row(id, label, unit).notes.merge(target, note, (a, b) -> a.equals(b) ? a : a + "; " + b);
    }

    synchronized void error(String what) {
        errors.add(what);
    }

    synchronized List<String> errors() {
        return List.copyOf(errors);
    }

    synchronized void info(String key, Object value) {
        info.put(key, value);
    }

    /** The run's context: versions, commit, and how loaded the machine was before and after. */
    synchronized void printHeader(PrintStream out) {
        for (String k : List.of("git_commit", "version_jcri", "version_containerd", "version_containerd2",
                "containerd_binary", "containerd2_binary", "runc_binary",
                "runc_scenario",
                "kernel", "nproc", "uptime_before", "uptime_after")) {
            if (info.containsKey(k)) {
                out.println("- " + k + ": " + info.get(k));
            }
        }
        out.println();
    }

    synchronized void printMarkdown(PrintStream out) {
        StringBuilder h = new StringBuilder("| # | scenario | unit | runs |");
        StringBuilder sep = new StringBuilder("|---|---|---|---|");
        for (String t : targets) {
            h.append(' ').append(t).append(" median | ").append(t).append(" p90 | ").append(t).append(" p99 |");
            sep.append("---|---|---|");
        }
        List<String> anchors = anchors();
        boolean ratio = targets.contains("jcri") && !anchors.isEmpty();
        if (ratio) {
            String of = anchors.size() > 1 ? "jcri/faster containerd" : "jcri/containerd";
            h.append(' ').append(of).append(" (median) | ").append(of).append(" (p90) |");
            sep.append("---|---|");
        }
        out.println(h);
        out.println(sep);
        for (Row r : rows.values()) {
            StringBuilder line = new StringBuilder("| ").append(r.id).append(" | ").append(r.label).append(" | ")
                    .append(r.unit).append(" | ");
            int runs = r.samples.values().stream().mapToInt(List::size).max().orElse(0);
            line.append(runs).append(" |");
            Map<String, Stats> stats = new LinkedHashMap<>();
            for (String t : targets) {
                List<Double> s = r.samples.get(t);
                if (s != null && !s.isEmpty()) {
                    Stats st = Stats.of(s);
                    stats.put(t, st);
                    line.append(' ').append(num(st.median())).append(" | ").append(num(st.p90())).append(" | ")
                            .append(num(st.p99())).append(" |");
                } else {
                    String note = r.notes.getOrDefault(t, "–");
                    line.append(' ').append(note.replace("|", "/")).append(" | – | – |");
                }
            }
            if (ratio) {
                Stats j = stats.get("jcri");
                double cMedian = fastest(anchors, stats, Stats::median);
                double cP90 = fastest(anchors, stats, Stats::p90);
                if (j != null && cMedian > 0) {
                    line.append(' ').append(String.format(Locale.ROOT, "%.2f", j.median() / cMedian))
                            .append(" | ")
                            .append(cP90 > 0 ? String.format(Locale.ROOT, "%.2f", j.p90() / cP90) : "–")
                            .append(" |");
                } else {
                    line.append(" – | – |");
                }
            }
            out.println(line);
        }
        if (!errors.isEmpty()) {
            out.println();
            out.println("errors:");
            errors.forEach(e -> out.println("- " + e));
        }
    }

    /** The containerd columns of this run (1.6 and, when present, 2.x): ratios are against the faster one. */
    private List<String> anchors() {
        return targets.stream().filter(t -> t.startsWith("containerd")).toList();
    }

    /**
     * The smallest positive value of a statistic over the containerd columns that have samples (for each row and
     * statistic on its own: "faster" is per figure); 0 when none has.
     */
    private static double fastest(List<String> anchors, Map<String, Stats> stats,
                                  java.util.function.ToDoubleFunction<Stats> f) {
        return anchors.stream().map(stats::get).filter(java.util.Objects::nonNull).mapToDouble(f)
                .filter(v -> v > 0).min().orElse(0);
    }

    private static String num(double v) {
        if (v >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (v >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }

    synchronized void writeJson(Path file) throws IOException {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("info", info);
        root.put("targets", targets);
        List<Map<String, Object>> out = new ArrayList<>();
        for (Row r : rows.values()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", r.id);
            m.put("scenario", r.label);
            m.put("unit", r.unit);
            Map<String, Object> per = new LinkedHashMap<>();
            for (String t : targets) {
                Map<String, Object> tm = new LinkedHashMap<>();
                List<Double> s = r.samples.get(t);
                if (s != null && !s.isEmpty()) {
                    Stats st = Stats.of(s);
                    tm.put("median", st.median());
                    tm.put("p90", st.p90());
                    tm.put("p99", st.p99());
                    tm.put("min", st.min());
                    tm.put("max", st.max());
                    tm.put("samples", s);
                }
                if (r.notes.containsKey(t)) {
                    tm.put("note", r.notes.get(t));
                }
                per.put(t, tm);
            }
            m.put("results", per);
            List<Double> j = r.samples.get("jcri");
            Map<String, Stats> stats = new LinkedHashMap<>();
            for (String t : anchors()) {
                List<Double> c = r.samples.get(t);
                if (c != null && !c.isEmpty()) {
                    stats.put(t, Stats.of(c));
                }
            }
            double cMedian = fastest(anchors(), stats, Stats::median);
            if (j != null && !j.isEmpty() && cMedian > 0) {
                // against the faster containerd, figure by figure
                Stats js = Stats.of(j);
                m.put("ratio_median", js.median() / cMedian);
                m.put("ratio_p90", js.p90() / fastest(anchors(), stats, Stats::p90));
                m.put("ratio_p99", js.p99() / fastest(anchors(), stats, Stats::p99));
                for (Map.Entry<String, Stats> e : stats.entrySet()) {
                    if (e.getValue().median() > 0) {
                        m.put("ratio_median_" + e.getKey(), js.median() / e.getValue().median());
                    }
                }
            }
            out.add(m);
        }
        root.put("rows", out);
        root.put("errors", errors);
        Files.createDirectories(file.toAbsolutePath().getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), root);
    }
}
