package io.jcri.server.streaming;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The resize stream: a sequence of JSON objects {@code {"Width":80,"Height":24}} (client-go's TerminalSize),
 * possibly split across frames; each complete object becomes one resize.
 */
final class ResizeDecoder {
    private static final Pattern WIDTH = Pattern.compile("\"width\"\\s*:\\s*(\\d+)", Pattern.CASE_INSENSITIVE);
    private static final Pattern HEIGHT = Pattern.compile("\"height\"\\s*:\\s*(\\d+)", Pattern.CASE_INSENSITIVE);
    private static final int MAX_PENDING = 4096;

    private final StringBuilder pending = new StringBuilder();
    private final BiConsumer<Integer, Integer> resize;

    ResizeDecoder(BiConsumer<Integer, Integer> resize) {
        this.resize = resize;
    }

    void data(ByteBuf data) {
        try {
            pending.append(data.toString(StandardCharsets.UTF_8));
        } finally {
            data.release();
        }
        int end;
        while ((end = pending.indexOf("}")) >= 0) {
            String object = pending.substring(0, end + 1);
            pending.delete(0, end + 1);
            Matcher w = WIDTH.matcher(object);
            Matcher h = HEIGHT.matcher(object);
            if (w.find() && h.find()) {
                try {
                    resize.accept(Integer.parseInt(w.group(1)), Integer.parseInt(h.group(1)));
                } catch (NumberFormatException ignored) {
                    // absurd sizes are ignored
                }
            }
        }
        if (pending.length() > MAX_PENDING) {
            pending.setLength(0);
        }
    }
}
