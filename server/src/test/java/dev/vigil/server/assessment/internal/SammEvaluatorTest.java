package dev.vigil.server.assessment.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.server.assessment.SammQuestion;
import org.junit.jupiter.api.Test;

class SammEvaluatorTest {
    @Test
    void coverageMapsToSammAnswerBands() {
        assertThat(SammEvaluator.coverageAnswer(0, 0)).isZero();
        assertThat(SammEvaluator.coverageAnswer(0, 10)).isZero();
        assertThat(SammEvaluator.coverageAnswer(1, 10)).isEqualTo(1);
        assertThat(SammEvaluator.coverageAnswer(4, 10)).isEqualTo(1);
        assertThat(SammEvaluator.coverageAnswer(5, 10)).isEqualTo(2);
        assertThat(SammEvaluator.coverageAnswer(7, 10)).isEqualTo(2);
        assertThat(SammEvaluator.coverageAnswer(8, 10)).isEqualTo(3);
        assertThat(SammEvaluator.coverageAnswer(10, 10)).isEqualTo(3);
    }

    @Test
    void theModelHasTheSixIncidentManagementQuestionsWithSammWeights() {
        assertThat(SammQuestion.ALL)
                .extracting(SammQuestion::id)
                .containsExactly("IM1-A", "IM2-A", "IM3-A", "IM1-B", "IM2-B", "IM3-B");
        assertThat(SammQuestion.WEIGHTS).containsExactly(0, 0.25, 0.5, 1);
        assertThat(SammQuestion.byId("im2-b").text())
                .isEqualTo("Do you use a repeatable process for incident handling?");
        assertThat(SammQuestion.byId("IM2-A").criteria()).hasSize(5);
    }

    @Test
    void markdownExportEscapesDataDerivedText() {
        assertThat(JdbcAssessmentService.md("[x](javascript:alert(1)) <b>|"))
                .isEqualTo("\\[x\\](javascript:alert(1)) \\<b\\>\\|");
    }
}
