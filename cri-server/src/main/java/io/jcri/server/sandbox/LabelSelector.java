package io.jcri.server.sandbox;

import java.util.Map;

/** CRI list filters' label_selector: every key must be present with exactly the given value. */
public final class LabelSelector {
    private LabelSelector() {
    }

    public static boolean matches(Map<String, String> selector, Map<String, String> labels) {
        for (Map.Entry<String, String> e : selector.entrySet()) {
            if (!e.getValue().equals(labels.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }
}
