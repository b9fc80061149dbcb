package dev.ferry.shared;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.json.JsonMapper;

class JsonValuesTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            an object                 | {"a":[1,2]} |
            a number                  | 12          |
            empty                     | ''          | it is empty
            two values                | 1 2         | it holds more than one JSON value
            a syntax error            | {"a":       | it is not valid JSON (line 1, column 6)
            """)
    void explainsWhyBytesAreNotOneJsonValue(String name, String text, String problem) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);

        assertThat(JsonValues.problem(JSON, bytes)).isEqualTo(problem);
        assertThat(JsonValues.isSingleValue(JSON, bytes)).isEqualTo(problem == null);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            500 levels of nesting   | 500  | 0    |
            501 levels of nesting   | 501  | 0    | it holds nesting deeper than 500 levels, more than Ferry reads
            a 1000-digit number     | 0    | 1000 |
            a 2000-digit number     | 0    | 2000 | it holds a number longer than 1000 characters, more than Ferry reads
            """)
    void namesTheLimitADocumentBreaks(String name, int depth, int digits, String problem) {
        String document = depth > 0 ? "[".repeat(depth) + "]".repeat(depth) : "1".repeat(digits);

        assertThat(JsonValues.problem(JSON, document.getBytes(StandardCharsets.UTF_8))).isEqualTo(problem);
    }
}
