package dev.ferry.security;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.stereotype.Component;

/**
 * Declares the bearer token in the OpenAPI description when credentials are configured, so Swagger UI offers
 * an "Authorize" button that sends it with every request it makes.
 */
@Component
class ApiDocsSecurity implements OpenApiCustomizer {

    private static final String SCHEME = "admin-token";

    private final boolean tokenRequired;

    ApiDocsSecurity(SecurityProperties properties) {
        this.tokenRequired = !properties.apiOpen();
    }

    @Override
    public void customise(OpenAPI openApi) {
        if (!tokenRequired) {
            return;
        }
        if (openApi.getComponents() == null) {
            openApi.setComponents(new Components());
        }
        openApi.getComponents().addSecuritySchemes(SCHEME, new SecurityScheme().type(SecurityScheme.Type.HTTP)
                .scheme("bearer").description("A token of ferry.security.tokens.admin, .ingress or .read-only (or"
                        + " ferry.security.admin-token), or an OIDC JWT when ferry.security.oidc is set; each"
                        + " endpoint family takes the roles README.md lists"));
        openApi.addSecurityItem(new SecurityRequirement().addList(SCHEME));
    }
}
