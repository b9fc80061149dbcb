package dev.ferry.dispatch;

import java.util.List;

import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.BooleanSchema;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Puts the state envelope into the OpenAPI document: not an operation of Ferry's API but the body Ferry sends to a
 * stateful plain HTTP handler ({@code StateEnvelopeRequest}) and the one it reads back ({@code StateEnvelopeAnswer}).
 */
@Configuration(proxyBeanMethods = false)
class StateEnvelopeSchemas {

    @Bean
    OpenApiCustomizer stateEnvelopeSchemaCustomizer() {
        return openApi -> {
            openApi.getComponents().addSchemas("StateEnvelopeRequest", request());
            openApi.getComponents().addSchemas("StateEnvelopeAnswer", answer());
        };
    }

    private static Schema<?> request() {
        return new ObjectSchema()
                .description("What Ferry POSTs, as " + StateEnvelope.CONTENT_TYPE + ", to a handler of a"
                        + " VIRTUAL_OBJECT declared with \"state\": \"envelope\".")
                .addProperty("key", new StringSchema().description("The object key (the record's key)."))
                .addProperty("input", new Schema<>().description("The record value or request body as JSON;"
                        + " null when empty. Absent for raw input."))
                .addProperty("input_base64", new StringSchema().format("byte").description("For a handler of"
                        + " input raw, in place of input: the value's bytes in base64."))
                .addProperty("state", new ObjectSchema().additionalProperties(new Schema<>()).description("The"
                        + " object's state as last committed: state key to JSON value; read-only for SHARED"
                        + " handlers."))
                .required(List.of("key", "state"));
    }

    private static Schema<?> answer() {
        return new ObjectSchema()
                .description("What the handler answers with 2xx. Anything else (not JSON, no output, an unknown"
                        + " field, a state from a SHARED handler) fails the invocation as handler-error, naming what"
                        + " was wrong; a value or whole state over ferry.state.max-size fails it as state-too-large."
                        + " The changes are applied with the invocation's completion: clear_all, then clear, then"
                        + " set.")
                .addProperty("output", new Schema<>().description("The result, any JSON value (null for none);"
                        + " it is what a result.topic receives."))
                .addProperty("state", new ObjectSchema().description("Changes to the object's state; EXCLUSIVE"
                        + " handlers only.")
                        .addProperty("set", new ObjectSchema().additionalProperties(new Schema<>())
                                .description("State keys to set, to JSON values."))
                        .addProperty("clear", new ArraySchema().items(new StringSchema())
                                .description("State keys to clear."))
                        .addProperty("clear_all", new BooleanSchema().description("Clear every state key first.")))
                .required(List.of("output"));
    }
}
