package io.jcri.server.grpc;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks every request, before its RPC sees it, for what no CRI field may hold: an enum number this build's proto
 * does not define, and a NUL character in a string.
 *
 * <p>A kubelet newer than jcri's proto may send enum values jcri does not know; protobuf keeps them as
 * {@code UNRECOGNIZED}, which cannot be copied into an answer, so a record holding one broke every List call.
 * containerd (Go protobuf) keeps the number and then treats it as the {@code switch} default of each use, which
 * differs per field (an unknown mount propagation becomes private, an unknown namespace mode is an error, an
 * unknown stop signal fails at stop time); jcri refuses them all at the door, naming the field, so nothing with
 * an unknown meaning is ever stored or acted on.
 *
 * <p>No CRI string can usefully hold NUL: paths, arguments and environment cannot reach the kernel with one, and
 * names and labels end up in files and CNI arguments. Refusing it here gives one sentence for all of them instead
 * of failures deep in the runtime.
 */
public final class RequestChecks {
    /** Largest request whose bytes the fast path scans; a larger one is walked field by field. */
    private static final int SCANNED_BYTES = 4096;
    private static final ConcurrentHashMap<Descriptor, Boolean> HAS_ENUMS = new ConcurrentHashMap<>();

    private RequestChecks() {
    }

    /** Throws INVALID_ARGUMENT naming the first offending field of {@code request}, if any. */
    public static void check(String method, Object request) {
        if (request instanceof Message m && !clean(m)) {
            walk(method, m, "");
        }
    }

    /**
     * The fast path of the cheap reads (a reflective walk of every field cost more than the rest of the RPC code of
     * a ContainerStatus): a NUL in any string is encoded as a zero byte (UTF-8), so a small request of a type
     * without enum fields whose encoding has no zero byte has nothing to refuse. A zero byte (a NUL, or a varint 0,
     * an empty string in a list, a fixed-size number) only means the request is walked.
     */
    private static boolean clean(Message m) {
        if (hasEnums(m.getDescriptorForType()) || m.getSerializedSize() > SCANNED_BYTES) {
            return false;
        }
        for (byte b : m.toByteArray()) {
            if (b == 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean hasEnums(Descriptor type) {
        Boolean known = HAS_ENUMS.get(type);
        if (known == null) {
            known = hasEnums(type, new HashSet<>());
            HAS_ENUMS.put(type, known);
        }
        return known;
    }

    private static boolean hasEnums(Descriptor type, Set<Descriptor> seen) {
        if (!seen.add(type)) {
            return false;
        }
        for (FieldDescriptor f : type.getFields()) {
            if (f.getJavaType() == FieldDescriptor.JavaType.ENUM
                    || f.getJavaType() == FieldDescriptor.JavaType.MESSAGE && hasEnums(f.getMessageType(), seen)) {
                return true;
            }
        }
        return false;
    }

    private static void walk(String method, Message message, String prefix) {
        for (Map.Entry<FieldDescriptor, Object> e : message.getAllFields().entrySet()) {
            FieldDescriptor f = e.getKey();
            String path = prefix.isEmpty() ? f.getName() : prefix + "." + f.getName();
            if (f.isMapField()) {
                for (Object entry : (List<?>) e.getValue()) {
                    Message me = (Message) entry;
                    FieldDescriptor kf = me.getDescriptorForType().findFieldByName("key");
                    FieldDescriptor vf = me.getDescriptorForType().findFieldByName("value");
                    Object key = me.getField(kf);
                    String quotedKey = key instanceof String s ? Quoted.of(s) : String.valueOf(key);
                    value(method, kf, key, "the key " + quotedKey + " of " + path);
                    value(method, vf, me.getField(vf), path + "[" + quotedKey + "]");
                }
            } else if (f.isRepeated()) {
                List<?> values = (List<?>) e.getValue();
                for (int i = 0; i < values.size(); i++) {
                    value(method, f, values.get(i), path + "[" + i + "]");
                }
            } else {
                value(method, f, e.getValue(), path);
            }
        }
    }

    private static void value(String method, FieldDescriptor f, Object v, String path) {
        switch (f.getJavaType()) {
            case MESSAGE -> walk(method, (Message) v, path);
            case ENUM -> {
                EnumValueDescriptor ev = (EnumValueDescriptor) v;
                if (ev.getType().findValueByNumber(ev.getNumber()) == null) {
                    throw CriException.invalidArgument(method + ": " + path + " has the value " + ev.getNumber()
                            + ", which is not a " + ev.getType().getName() + " this runtime knows");
                }
            }
            case STRING -> {
                String s = (String) v;
                if (s.indexOf('\0') >= 0) {
                    throw CriException.invalidArgument(method + ": " + path + " contains a NUL character at"
                            + " offset " + s.indexOf('\0') + "; no CRI string may hold one");
                }
            }
            default -> {
                // numbers, booleans and bytes: any value is representable
            }
        }
    }
}
