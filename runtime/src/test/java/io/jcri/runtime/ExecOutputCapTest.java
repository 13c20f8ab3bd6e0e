package io.jcri.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import org.junit.jupiter.api.Test;

class ExecOutputCapTest {
    @Test
    void keepsTheFirstSixteenMebibytesAndDrainsTheRest() {
        long total = ContainerRuntime.EXEC_OUTPUT_CAP + 5L * 1024 * 1024;
        long[] served = {0};
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                return served[0] < total ? (int) (served[0]++ % 251) : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                int n = (int) Math.min(len, total - served[0]);
                if (n <= 0) {
                    return -1;
                }
                for (int i = 0; i < n; i++) {
                    b[off + i] = (byte) (served[0]++ % 251);
                }
                return n;
            }
        };
        byte[] kept = ContainerRuntime.readCapped(endless);
        assertThat(kept).hasSize(ContainerRuntime.EXEC_OUTPUT_CAP);
        assertThat(served[0]).isEqualTo(total);
        assertThat(kept[1000] & 0xff).isEqualTo(1000 % 251);
    }
}
