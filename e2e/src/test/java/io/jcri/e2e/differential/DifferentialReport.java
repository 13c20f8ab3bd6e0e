package io.jcri.e2e.differential;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Every comparison of the run: case, what was compared, jcri's answer, containerd's answer, verdict. Printed as it
 * happens and written as a Markdown table to {@code target/differential/report.md}, which tells whoever fixes a
 * difference exactly what containerd does.
 */
final class DifferentialReport {
    record Row(String testCase, String what, String jcri, String containerd, String verdict) {
    }

    private final List<Row> rows = new ArrayList<>();
    private volatile String currentCase = "";

    void startCase(String name) {
        currentCase = name;
    }

    synchronized void add(String what, String jcri, String containerd, String verdict) {
        Row r = new Row(currentCase, what, jcri, containerd, verdict);
        rows.add(r);
        System.out.printf("[differential] %s | %s | %s%n    jcri:       %s%n    containerd: %s%n", verdict,
                r.testCase(), what, jcri, containerd);
    }

    synchronized void write(Path file) {
        StringBuilder md = new StringBuilder("| case | compared | verdict | jcri | containerd |\n|---|---|---|---|---|\n");
        for (Row r : rows) {
            md.append("| ").append(cell(r.testCase())).append(" | ").append(cell(r.what())).append(" | ")
                    .append(cell(r.verdict())).append(" | ").append(cell(r.jcri())).append(" | ")
                    .append(cell(r.containerd())).append(" |\n");
        }
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, md);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String cell(String s) {
        return s.replace("|", "\\|").replace("\n", "\\n");
    }
}
