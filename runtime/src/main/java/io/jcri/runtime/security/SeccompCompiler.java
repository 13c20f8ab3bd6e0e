package io.jcri.runtime.security;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Compiles a {@link SeccompProfile} to classic BPF for {@code seccomp(SECCOMP_SET_MODE_FILTER)}.
 *
 * <p>Layout: dispatch on {@code seccomp_data.arch} (an architecture not in the profile is killed, as libseccomp's
 * default bad-arch action does; x32 shares AUDIT_ARCH_X86_64 and is told apart by __X32_SYSCALL_BIT in the number),
 * then per ABI a binary search over the syscall numbers that have rules, consecutive numbers with the same
 * unconditional action merged into one range (RuntimeDefault's 289 x86_64 syscalls are 31 ranges). A leaf returns
 * the action directly or jumps to a block that tests the argument conditions rule by rule (first rule whose
 * conditions all hold wins; none holding gives the default action). 64-bit arguments are compared on their two
 * 32-bit halves.
 */
final class SeccompCompiler {
    static final int BPF_MAXINSNS = 4096;
    private static final int OFFSET_NR = 0;
    private static final int OFFSET_ARCH = 4;
    private static final int OFFSET_ARGS = 16;
    private static final int LEAF_SIZE = 4;

    private static final System.Logger LOG = System.getLogger(SeccompCompiler.class.getName());

    private final SeccompProfile profile;
    private final BpfAssembler asm = new BpfAssembler();
    private final int defaultRet;
    /** Per ABI, the names it has no number for (most of RuntimeDefault's names exist on one ABI only). */
    private final Map<SeccompArch, List<String>> skipped = new LinkedHashMap<>();

    private SeccompCompiler(SeccompProfile profile) {
        this.profile = profile;
        this.defaultRet = profile.defaultAction().returnValue();
    }

    static byte[] compile(SeccompProfile profile) {
        return new SeccompCompiler(profile).emitProgram();
    }

    /** Rules of one syscall, in profile order. */
    private record Entry(int nr, String name, List<SeccompRule> rules) {
        /** The action when it does not depend on arguments. */
        Integer directReturn() {
            return rules.size() == 1 && rules.get(0).args().isEmpty() ? rules.get(0).action().returnValue() : null;
        }
    }

    /** Syscall numbers {@code first..last} (unsigned) that share one direct action, or a single one with rules. */
    private record Range(int first, int last, Integer directReturn, Entry entry) {
    }

    private byte[] emitProgram() {
        List<SeccompArch> arches = profile.architectures();
        warnAboutUnknownNames(arches);
        boolean x86 = arches.contains(SeccompArch.X86);
        boolean x32 = arches.contains(SeccompArch.X32);

        BpfAssembler.Label x86_64Section = asm.label();
        BpfAssembler.Label i386Section = asm.label();
        asm.load(OFFSET_ARCH);
        BpfAssembler.Label notX86_64 = asm.label();
        asm.jeq(SeccompArch.AUDIT_ARCH_X86_64, null, notX86_64);
        asm.ja(x86_64Section);
        asm.bind(notX86_64);
        if (x86) {
            BpfAssembler.Label notI386 = asm.label();
            asm.jeq(SeccompArch.AUDIT_ARCH_I386, null, notI386);
            asm.ja(i386Section);
            asm.bind(notI386);
        }
        asm.ret(SeccompAction.KILL_PROCESS.returnValue());

        asm.bind(x86_64Section);
        asm.load(OFFSET_NR);
        BpfAssembler.Label x32Section = asm.label();
        BpfAssembler.Label native64 = asm.label();
        asm.jge(SeccompArch.X32_SYSCALL_BIT, null, native64);
        asm.ja(x32Section);
        asm.bind(native64);
        emitAbi(SeccompArch.X86_64);

        asm.bind(x32Section);
        if (x32) {
            emitAbi(SeccompArch.X32);
        } else {
            asm.ret(SeccompAction.KILL_PROCESS.returnValue());
        }
        if (x86) {
            asm.bind(i386Section);
            asm.load(OFFSET_NR);
            emitAbi(SeccompArch.X86);
        }
        logSkipped();
        if (asm.size() > BPF_MAXINSNS) {
            throw new IllegalStateException("seccomp program has " + asm.size() + " instructions, more than "
                    + BPF_MAXINSNS);
        }
        return asm.assemble();
    }

    /** Names no ABI of the profile has (a typo, or another machine's syscall) are skipped, as libseccomp does. */
    private void warnAboutUnknownNames(List<SeccompArch> arches) {
        System.Logger.Level level = profile.isBuiltIn() ? System.Logger.Level.DEBUG : System.Logger.Level.WARNING;
        profile.rules().stream()
                .flatMap(rule -> rule.names().stream())
                .distinct()
                .filter(name -> arches.stream().allMatch(arch -> arch.syscallNumber(name).isEmpty()))
                .reduce((a, b) -> a + ", " + b)
                .ifPresent(names -> LOG.log(level,
                        "seccomp: no syscall of these names on {0}; their rules are skipped: {1}", arches, names));
    }

    /** One line per compiled profile, not one per name and ABI (hundreds for RuntimeDefault). */
    private void logSkipped() {
        if (skipped.isEmpty() || !LOG.isLoggable(System.Logger.Level.DEBUG)) {
            return;
        }
        StringBuilder line = new StringBuilder();
        skipped.forEach((arch, names) -> line.append(line.length() == 0 ? "" : "; ").append(arch).append(": ")
                .append(names.size()));
        LOG.log(System.Logger.Level.DEBUG, "seccomp: names without a syscall number on an ABI, skipped there: {0}",
                line);
    }

    /** Expects the syscall number in A. */
    private void emitAbi(SeccompArch arch) {
        List<Range> ranges = ranges(entries(arch));
        Map<Entry, BpfAssembler.Label> blocks = new LinkedHashMap<>();
        emitSearch(ranges, 0, ranges.size(), blocks);
        for (Map.Entry<Entry, BpfAssembler.Label> block : blocks.entrySet()) {
            asm.bind(block.getValue());
            emitRules(block.getKey().rules());
        }
    }

    private static List<Range> ranges(List<Entry> entries) {
        List<Range> ranges = new ArrayList<>();
        for (Entry entry : entries) {
            Integer direct = entry.directReturn();
            Range last = ranges.isEmpty() ? null : ranges.get(ranges.size() - 1);
            if (direct != null && last != null && direct.equals(last.directReturn())
                    && last.last() + 1 == entry.nr()) {
                ranges.set(ranges.size() - 1, new Range(last.first(), entry.nr(), direct, null));
            } else {
                ranges.add(new Range(entry.nr(), entry.nr(), direct, direct == null ? entry : null));
            }
        }
        return ranges;
    }

    private List<Entry> entries(SeccompArch arch) {
        Map<Integer, Entry> byNumber = new TreeMap<>((a, b) -> Integer.compareUnsigned(a, b));
        for (SeccompRule rule : profile.rules()) {
            if (rule.action().equals(profile.defaultAction())) {
                continue; // libseccomp refuses rules equal to the default action; they change nothing
            }
            for (String name : rule.names()) {
                var nr = arch.syscallNumber(name);
                if (nr.isEmpty()) {
                    skipped.computeIfAbsent(arch, a -> new ArrayList<>()).add(name);
                    continue;
                }
                byNumber.computeIfAbsent(nr.get(), n -> new Entry(n, name, new ArrayList<>())).rules().add(rule);
            }
        }
        return new ArrayList<>(byNumber.values());
    }

    private void emitSearch(List<Range> ranges, int from, int to, Map<Entry, BpfAssembler.Label> blocks) {
        if (to - from <= LEAF_SIZE) {
            for (int i = from; i < to; i++) {
                Range range = ranges.get(i);
                BpfAssembler.Label next = asm.label();
                if (range.first() == range.last()) {
                    asm.jeq(range.first(), null, next);
                } else {
                    asm.jge(range.first(), null, next);
                    asm.jgt(range.last(), next, null);
                }
                if (range.directReturn() != null) {
                    asm.ret(range.directReturn());
                } else {
                    BpfAssembler.Label block = asm.label();
                    blocks.put(range.entry(), block);
                    asm.ja(block);
                }
                asm.bind(next);
            }
            asm.ret(defaultRet);
            return;
        }
        int mid = (from + to) >>> 1;
        BpfAssembler.Label upper = asm.label();
        BpfAssembler.Label lower = asm.label();
        asm.jge(ranges.get(mid).first(), null, lower);
        asm.ja(upper);
        asm.bind(lower);
        emitSearch(ranges, from, mid, blocks);
        asm.bind(upper);
        emitSearch(ranges, mid, to, blocks);
    }

    private void emitRules(List<SeccompRule> rules) {
        for (SeccompRule rule : rules) {
            BpfAssembler.Label nextRule = asm.label();
            for (SeccompArg arg : rule.args()) {
                emitCondition(arg, nextRule);
            }
            asm.ret(rule.action().returnValue());
            asm.bind(nextRule);
            if (rule.args().isEmpty()) {
                return; // later rules for this syscall can never be reached
            }
        }
        asm.ret(defaultRet);
    }

    /** Falls through when the condition holds, jumps to {@code failed} otherwise. */
    private void emitCondition(SeccompArg arg, BpfAssembler.Label failed) {
        int lowOffset = OFFSET_ARGS + 8 * arg.index();
        int highOffset = lowOffset + 4;
        int valueHigh = (int) (arg.value() >>> 32);
        int valueLow = (int) arg.value();
        BpfAssembler.Label fail = asm.label();
        BpfAssembler.Label ok = asm.label();
        switch (arg.op()) {
            case EQ -> {
                asm.load(highOffset);
                asm.jeq(valueHigh, null, fail);
                asm.load(lowOffset);
                asm.jeq(valueLow, ok, fail);
            }
            case NE -> {
                asm.load(highOffset);
                asm.jeq(valueHigh, null, ok);
                asm.load(lowOffset);
                asm.jeq(valueLow, fail, ok);
            }
            case MASKED_EQ -> {
                int datumHigh = (int) (arg.valueTwo() >>> 32);
                int datumLow = (int) arg.valueTwo();
                asm.load(highOffset);
                asm.and(valueHigh);
                asm.jeq(datumHigh, null, fail);
                asm.load(lowOffset);
                asm.and(valueLow);
                asm.jeq(datumLow, ok, fail);
            }
            case GT, GE -> {
                asm.load(highOffset);
                BpfAssembler.Label sameHigh = asm.label();
                asm.jgt(valueHigh, ok, sameHigh);
                asm.bind(sameHigh);
                asm.jeq(valueHigh, null, fail);
                asm.load(lowOffset);
                if (arg.op() == SeccompOp.GT) {
                    asm.jgt(valueLow, ok, fail);
                } else {
                    asm.jge(valueLow, ok, fail);
                }
            }
            case LT, LE -> {
                asm.load(highOffset);
                BpfAssembler.Label sameHigh = asm.label();
                asm.jgt(valueHigh, fail, sameHigh);
                asm.bind(sameHigh);
                asm.jeq(valueHigh, null, ok);
                asm.load(lowOffset);
                if (arg.op() == SeccompOp.LT) {
                    asm.jge(valueLow, fail, ok);
                } else {
                    asm.jgt(valueLow, fail, ok);
                }
            }
            default -> throw new IllegalArgumentException("unsupported comparison " + arg.op());
        }
        asm.bind(fail);
        asm.ja(failed);
        asm.bind(ok);
    }
}
