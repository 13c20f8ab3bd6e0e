package io.jcri.server.inspect;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.MapEntry;
import com.google.protobuf.Message;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A CRI message as containerd puts it into verbose info ({@code info.config} of {@code crictl inspect} and
 * {@code inspectp}): Go's encoding/json of the generated k8s.io/cri-api structs, whose json tags are the proto
 * field names with omitempty. So: snake_case keys, fields at their zero value left out, a set sub-message shown
 * even when empty ({@code "seccomp":{}}), enums as their numbers, 64-bit integers as JSON numbers (protobuf's
 * own JSON mapping would give camelCase, enum names and quoted int64s, which scripts written against containerd
 * do not expect). Fields are in declaration order, as the Go structs declare them.
 */
public final class GoJson {
    private GoJson() {
    }

    public static Map<String, Object> of(Message message) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (FieldDescriptor f : message.getDescriptorForType().getFields()) {
            if (f.isMapField()) {
                if (message.getRepeatedFieldCount(f) == 0) {
                    continue;
                }
                Map<String, Object> map = new LinkedHashMap<>();
                for (Object e : (List<?>) message.getField(f)) {
                    MapEntry<?, ?> entry = (MapEntry<?, ?>) e;
                    map.put(String.valueOf(entry.getKey()), value(
                            f.getMessageType().findFieldByName("value"), entry.getValue()));
                }
                out.put(f.getName(), map);
            } else if (f.isRepeated()) {
                if (message.getRepeatedFieldCount(f) == 0) {
                    continue;
                }
                List<Object> list = new ArrayList<>();
                for (Object v : (List<?>) message.getField(f)) {
                    list.add(value(f, v));
                }
                out.put(f.getName(), list);
            } else if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
                if (message.hasField(f)) {
                    out.put(f.getName(), of((Message) message.getField(f)));
                }
            } else {
                Object v = message.getField(f);
                if (!isZero(f, v)) {
                    out.put(f.getName(), value(f, v));
                }
            }
        }
        return out;
    }

    private static Object value(FieldDescriptor f, Object v) {
        return switch (f.getJavaType()) {
            case MESSAGE -> of((Message) v);
            case ENUM -> ((EnumValueDescriptor) v).getNumber();
            case BYTE_STRING -> Base64.getEncoder().encodeToString(((ByteString) v).toByteArray());
            case LONG -> unsigned(f) && (Long) v < 0 ? new BigInteger(Long.toUnsignedString((Long) v)) : v;
            case INT -> unsigned(f) && (Integer) v < 0 ? Integer.toUnsignedLong((Integer) v) : v;
            default -> v;
        };
    }

    private static boolean unsigned(FieldDescriptor f) {
        return switch (f.getType()) {
            case UINT32, UINT64, FIXED32, FIXED64 -> true;
            default -> false;
        };
    }

    private static boolean isZero(FieldDescriptor f, Object v) {
        return switch (f.getJavaType()) {
            case INT -> (Integer) v == 0;
            case LONG -> (Long) v == 0;
            case FLOAT -> (Float) v == 0;
            case DOUBLE -> (Double) v == 0;
            case BOOLEAN -> !(Boolean) v;
            case STRING -> ((String) v).isEmpty();
            case BYTE_STRING -> ((ByteString) v).isEmpty();
            case ENUM -> ((EnumValueDescriptor) v).getNumber() == 0;
            case MESSAGE -> false;
        };
    }
}
