package io.jcri.e2e.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** JCRI_E2E_TIME_SCALE, which the VM tier's guest sets to stretch the harness's deadlines. */
class DeadlineScaleTest {
    @Test
    void unsetMeansOneAndANumberOfAtLeastOneIsTaken() {
        assertThat(Deadline.scale(null)).isEqualTo(1);
        assertThat(Deadline.scale(" ")).isEqualTo(1);
        assertThat(Deadline.scale("5")).isEqualTo(5);
        assertThat(Deadline.scale(" 2.5 ")).isEqualTo(2.5);
    }

    @Test
    void aScaleThatWouldShortenDeadlinesOrIsNoNumberIsRefusedNamingTheVariable() {
        assertThatThrownBy(() -> Deadline.scale("0.5")).hasMessageContaining("JCRI_E2E_TIME_SCALE")
                .hasMessageContaining("\"0.5\"");
        assertThatThrownBy(() -> Deadline.scale("slow")).hasMessageContaining("JCRI_E2E_TIME_SCALE")
                .hasMessageContaining("\"slow\"");
    }
}
