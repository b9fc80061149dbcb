package dev.ferry.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;

import dev.ferry.service.ServiceType;

class UnreadableBodiesTest {

    @Test
    void writesTheFieldAsAJsonPath() {
        assertThat(UnreadableBodies.path(List.of(new JacksonException.Reference(null, "handlers"),
                new JacksonException.Reference(null, 0), new JacksonException.Reference(null, "type"))))
                .isEqualTo("handlers[0].type");
        assertThat(UnreadableBodies.path(List.of(new JacksonException.Reference(null, "properties"),
                new JacksonException.Reference(null, "bootstrap.servers"))))
                .isEqualTo("properties[\"bootstrap.servers\"]");
    }

    @Test
    void describesTypesInTheApisTermsNotJavas() {
        assertThat(UnreadableBodies.expected(ServiceType.class)).isEqualTo("one of SERVICE, VIRTUAL_OBJECT, WORKFLOW");
        assertThat(UnreadableBodies.expected(String.class)).isEqualTo("a string");
        assertThat(UnreadableBodies.expected(Boolean.class)).isEqualTo("true or false");
        assertThat(UnreadableBodies.expected(int.class)).isEqualTo("a whole number");
        assertThat(UnreadableBodies.expected(Double.class)).isEqualTo("a number");
        assertThat(UnreadableBodies.expected(Instant.class)).startsWith("a timestamp");
        assertThat(UnreadableBodies.expected(List.class)).isEqualTo("an array");
        assertThat(UnreadableBodies.expected(Map.class)).isEqualTo("an object whose values are strings");
        assertThat(UnreadableBodies.expected(Record.class)).isEqualTo("an object");
    }
}
