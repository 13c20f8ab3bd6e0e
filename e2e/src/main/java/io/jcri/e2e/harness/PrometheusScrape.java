package io.jcri.e2e.harness;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One scrape of a Prometheus text-format endpoint, parsed strictly: every line must be a comment, a
 * {@code # HELP}/{@code # TYPE} line or a sample {@code name{labels} value}; anything else fails the parse.
 */
public final class PrometheusScrape {
    private static final Pattern SAMPLE = Pattern.compile(
            "^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\]|\\\\.)*\",?)*\\})?"
                    + " (-?[0-9.eE+-]+|NaN|\\+Inf|-Inf)( -?[0-9]+)?$");
    private static final Pattern META = Pattern.compile("^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .*$");

    private final Map<String, Double> samples;
    private final String text;

    private PrometheusScrape(String text, Map<String, Double> samples) {
        this.text = text;
        this.samples = samples;
    }

    public static PrometheusScrape fetch(int port) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/metrics")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("metrics endpoint answered " + r.statusCode());
        }
        return parse(r.body());
    }

    public static PrometheusScrape parse(String text) {
        Map<String, Double> samples = new LinkedHashMap<>();
        int n = 0;
        for (String line : text.split("\n")) {
            n++;
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("#")) {
                if ((line.startsWith("# HELP") || line.startsWith("# TYPE")) && !META.matcher(line).matches()) {
                    throw new IllegalArgumentException("line " + n + " is a malformed HELP/TYPE line: " + line);
                }
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            if (!m.matches()) {
                throw new IllegalArgumentException("line " + n + " is not a Prometheus sample: " + line);
            }
            String series = m.group(1) + (m.group(2) == null ? "" : m.group(2));
            samples.put(series, Double.parseDouble(m.group(3).replace("+Inf", "Infinity").replace("-Inf",
                    "-Infinity")));
        }
        return new PrometheusScrape(text, samples);
    }

    /** The value of the series written exactly as {@code name{l1="v1",l2="v2"}}, or 0 when absent. */
    public double value(String series) {
        return samples.getOrDefault(series, 0.0);
    }

    /** Every sample, by series as written ({@code name{labels}}). */
    public Map<String, Double> samples() {
        return java.util.Collections.unmodifiableMap(samples);
    }

    public boolean has(String series) {
        return samples.containsKey(series);
    }

    /** Whether any series of this metric name exists. */
    public boolean hasMetric(String name) {
        return samples.keySet().stream().anyMatch(s -> s.equals(name) || s.startsWith(name + "{"));
    }

    public String text() {
        return text;
    }
}
