package dev.ferry.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.mock.web.MockHttpServletRequest;

class RequestPathsTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            /kafka-clusters/local                 | /kafka-clusters/local                 | -
            /send/Account/a%3Bb/deposit           | /send/Account/a;b/deposit             | -
            /send/Account/a%20b/deposit           | /send/Account/a b/deposit             | -
            /kafka-clusters/..;/swagger-ui/       | /kafka-clusters/../swagger-ui/        | a '..' segment
            /swagger-ui/..;/kafka-clusters        | /swagger-ui/../kafka-clusters         | a '..' segment
            /actuator/health/../../kafka-clusters | /actuator/health/../../kafka-clusters | a '..' segment
            /kafka-clusters/%2E%2E/swagger-ui/    | /kafka-clusters/../swagger-ui/        | a '..' segment
            /./kafka-clusters                     | /./kafka-clusters                     | a '.' segment
            /swagger-ui;x=1/index.html            | /swagger-ui/index.html                | a ';' parameter
            /actuator/health;/../../services      | /actuator/health/../../services       | a ';' parameter
            """)
    void readsThePathAsTheRouterDoes(String uri, String routed, String irregularity) {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", uri);

        assertThat(RequestPaths.routed(request)).isEqualTo(routed);
        assertThat(RequestPaths.irregularity(request)).isEqualTo(irregularity);
    }
}
