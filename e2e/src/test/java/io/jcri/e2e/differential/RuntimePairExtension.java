package io.jcri.e2e.differential;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives differential cases the one {@link RuntimePair} of the JVM: created by the first case that asks, kept in
 * the root store so that every differential class shares it, closed by JUnit when the run ends. After each case
 * the pods it left on either runtime are removed.
 */
final class RuntimePairExtension implements ParameterResolver, BeforeEachCallback, AfterEachCallback {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(RuntimePair.class);

    /** Holds the pair; JUnit closes AutoCloseable values of the root store when the engine finishes. */
    private static final class Holder implements AutoCloseable {
        final RuntimePair pair;

        Holder(RuntimePair pair) {
            this.pair = pair;
        }

        @Override
        public void close() {
            pair.close();
        }
    }

    static RuntimePair pair(ExtensionContext context) {
        return context.getRoot().getStore(NS).getOrComputeIfAbsent(Holder.class, k -> {
            try {
                return new Holder(RuntimePair.start());
            } catch (Exception e) {
                throw new IllegalStateException("cannot start jcri and containerd side by side: " + e, e);
            }
        }, Holder.class).pair;
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == RuntimePair.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return pair(context);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        String display = context.getDisplayName();
        pair(context).report().startCase(context.getRequiredTestClass().getSimpleName().replace("DifferentialTest",
                "") + "." + context.getRequiredTestMethod().getName() + (display.startsWith("[") ? " " + display
                : ""));
    }

    @Override
    public void afterEach(ExtensionContext context) {
        pair(context).cleanup();
    }
}
