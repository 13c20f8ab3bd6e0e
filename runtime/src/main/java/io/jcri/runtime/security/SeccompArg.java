package io.jcri.runtime.security;

/**
 * A condition on argument {@code index}. For MASKED_EQ, as in the OCI spec and libseccomp, {@code value} is the
 * mask and {@code valueTwo} the datum: {@code (arg & value) == valueTwo}.
 */
public record SeccompArg(int index, long value, long valueTwo, SeccompOp op) {
    public SeccompArg {
        if (index < 0 || index > 5) {
            throw new IllegalArgumentException("seccomp argument index must be 0..5, got " + index);
        }
    }

    public boolean matches(long arg) {
        return switch (op) {
            case EQ -> arg == value;
            case NE -> arg != value;
            case LT -> Long.compareUnsigned(arg, value) < 0;
            case LE -> Long.compareUnsigned(arg, value) <= 0;
            case GT -> Long.compareUnsigned(arg, value) > 0;
            case GE -> Long.compareUnsigned(arg, value) >= 0;
            case MASKED_EQ -> (arg & value) == valueTwo;
        };
    }
}
