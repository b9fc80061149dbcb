package dev.ferry.security;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.SupplierJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationProvider;

/**
 * Validates OIDC JWTs (signature against the issuer's JWK set, expiry and not-before, issuer and audience when
 * configured) and takes Ferry's roles from a claim and from {@code ferry:*} scopes.
 */
final class OidcJwts {

    private static final Logger log = LoggerFactory.getLogger(OidcJwts.class);

    private OidcJwts() {
    }

    static JwtAuthenticationProvider provider(SecurityProperties.Oidc oidc) {
        JwtAuthenticationProvider provider = new JwtAuthenticationProvider(decoder(oidc));
        JwtAuthenticationConverter converter = new JwtAuthenticationConverter();
        converter.setJwtGrantedAuthoritiesConverter(jwt -> authorities(jwt, oidc.rolesClaim()));
        provider.setJwtAuthenticationConverter(converter);
        log.info("OIDC JWTs are accepted (issuer {}, JWK set {}), roles from the claim '{}' and ferry:* scopes",
                oidc.issuerUri() == null ? "not checked" : oidc.issuerUri(),
                oidc.jwkSetUri() == null ? "discovered from the issuer" : oidc.jwkSetUri(), oidc.rolesClaim());
        return provider;
    }

    private static JwtDecoder decoder(SecurityProperties.Oidc oidc) {
        OAuth2TokenValidator<Jwt> validator = validator(oidc);
        if (oidc.jwkSetUri() != null) {
            NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSetUri(oidc.jwkSetUri().toString()).build();
            decoder.setJwtValidator(validator);
            return decoder;
        }
        String issuer = String.valueOf(oidc.issuerUri());
        // discovery waits for the first JWT, so that an unreachable issuer does not stop Ferry from starting
        return new SupplierJwtDecoder(() -> {
            NimbusJwtDecoder decoder = NimbusJwtDecoder.withIssuerLocation(issuer).build();
            decoder.setJwtValidator(validator);
            return decoder;
        });
    }

    private static OAuth2TokenValidator<Jwt> validator(SecurityProperties.Oidc oidc) {
        List<OAuth2TokenValidator<Jwt>> validators = new ArrayList<>();
        if (!oidc.audiences().isEmpty()) {
            validators.add(new JwtClaimValidator<Collection<String>>(JwtClaimNames.AUD,
                    audiences -> audiences != null && audiences.stream().anyMatch(oidc.audiences()::contains)));
        }
        if (oidc.issuerUri() != null) {
            validators.add(new JwtIssuerValidator(oidc.issuerUri().toString()));
        }
        return JwtValidators.createDefaultWithValidators(validators);
    }

    /** The roles named in the roles claim (a list or a space-separated string) and the {@code ferry:*} scopes. */
    static Collection<GrantedAuthority> authorities(Jwt jwt, String rolesClaim) {
        Set<Role> roles = new LinkedHashSet<>();
        for (String value : values(claim(jwt.getClaims(), rolesClaim))) {
            Role.named(value).ifPresent(roles::add);
        }
        for (String scopeClaim : List.of("scope", "scp")) {
            for (String value : values(jwt.getClaims().get(scopeClaim))) {
                Role.named(value).filter(role -> value.strip().startsWith("ferry:")).ifPresent(roles::add);
            }
        }
        return roles.stream().map(Role::authority).toList();
    }

    /** A claim by name, or by a dotted path into nested objects ({@code realm_access.roles}). */
    private static @Nullable Object claim(Map<String, Object> claims, String name) {
        if (claims.containsKey(name)) {
            return claims.get(name);
        }
        Object current = claims;
        for (String part : name.split("\\.")) {
            if (!(current instanceof Map<?, ?> map)) {
                return null;
            }
            current = map.get(part);
        }
        return current;
    }

    private static List<String> values(@Nullable Object claim) {
        if (claim instanceof String text) {
            return List.of(text.strip().split("\\s+"));
        }
        if (claim instanceof Collection<?> collection) {
            return collection.stream().filter(String.class::isInstance).map(String.class::cast).toList();
        }
        return List.of();
    }
}
