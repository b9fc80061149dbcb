package dev.ferry.web;

import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.swagger.v3.core.jackson.ModelResolver;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.responses.ApiResponses;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springdoc.core.providers.ObjectMapperProvider;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.info.BuildProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.ProblemDetail;

/**
 * What the OpenAPI document at {@code /v3/api-docs} (and so Swagger UI) says about Ferry as a whole; the
 * operations themselves are described on the controllers.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

    /** Used when the build left no {@code META-INF/build-info.properties}, e.g. when run from an IDE. */
    private static final String FALLBACK_VERSION = "0.1.0";

    @Bean
    OpenAPI ferryOpenApi(ObjectProvider<BuildProperties> build) {
        BuildProperties properties = build.getIfAvailable();
        String version = properties == null || properties.getVersion() == null ? FALLBACK_VERSION
                : properties.getVersion();
        return new OpenAPI().info(new Info()
                .title("Ferry")
                .description("""
                        Ferry pushes Kafka records into HTTP handlers. Register Kafka clusters and the services \
                        whose handlers should run, subscribe a handler to a topic, then inspect and steer the \
                        invocations Ferry makes of it, or call handlers directly. Errors are RFC 9457 problem \
                        details (application/problem+json).""")
                .version(version));
    }

    /**
     * Names schema properties in snake_case, as {@code spring.jackson.property-naming-strategy} names them on
     * the wire. springdoc reads models with swagger-core's own Jackson 2 mapper, which knows nothing of the
     * application's Jackson 3 one, so without this the document (and every "Try it out" body) would say
     * {@code dryRun} where the API reads {@code dry_run}. It replaces springdoc's default resolver.
     */
    @Bean
    ModelResolver snakeCaseModelResolver(ObjectMapperProvider springdocMappers) {
        ObjectMapper mapper = springdocMappers.jsonMapper().copy()
                .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
        return new ModelResolver(mapper).openapi31(springdocMappers.isOpenapi31());
    }

    /**
     * Two corrections springdoc cannot infer. A problem's extra members ({@code subscription_id}, ...) are
     * written next to {@code type} and {@code detail}, not under the {@code properties} map the class has;
     * and Swagger UI lists responses in document order, where the advice's error responses came first.
     */
    @Bean
    OpenApiCustomizer problemMembersAndResponseOrder() {
        return openApi -> {
            OperationDocs.apply(openApi);
            Schema<?> problem = openApi.getComponents().getSchemas().get(ProblemDetail.class.getSimpleName());
            if (problem != null && problem.getProperties() != null) {
                problem.getProperties().remove("properties");
                problem.setAdditionalProperties(true);
            }
            openApi.getPaths().values().forEach(path -> path.readOperations().forEach(operation -> {
                ApiResponses sorted = new ApiResponses();
                operation.getResponses().entrySet().stream().sorted(Map.Entry.comparingByKey())
                        .forEach(response -> sorted.addApiResponse(response.getKey(), response.getValue()));
                operation.setResponses(sorted);
            }));
        };
    }
}
