package io.jcri.runtime.security;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;

/** System call name to number for one ABI. */
public final class SyscallTable {
    public static final SyscallTable X86_64 = parse(X86SyscallNumbers.X86_64);
    public static final SyscallTable I386 = parse(X86SyscallNumbers.I386);
    /** x32 numbers without __X32_SYSCALL_BIT. */
    public static final SyscallTable X32 = parse(X86SyscallNumbers.X32);

    private final Map<String, Integer> numbers;

    private SyscallTable(Map<String, Integer> numbers) {
        this.numbers = Collections.unmodifiableMap(numbers);
    }

    private static SyscallTable parse(String lines) {
        Map<String, Integer> numbers = new HashMap<>();
        for (String line : lines.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty()) {
                continue;
            }
            int space = trimmed.indexOf(' ');
            numbers.put(trimmed.substring(0, space), Integer.parseInt(trimmed.substring(space + 1)));
        }
        return new SyscallTable(numbers);
    }

    public OptionalInt number(String name) {
        Integer nr = numbers.get(name);
        return nr == null ? OptionalInt.empty() : OptionalInt.of(nr);
    }

    public Map<String, Integer> all() {
        return numbers;
    }
}
