package dev.ferry.security;

import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;

/**
 * Authenticates a bearer token that is one of the configured ones, as its role. Any other token is left to the
 * JWT validation when OIDC is on, and refused otherwise. The principal names the role, never the token.
 */
final class StaticTokenAuthentication implements AuthenticationProvider {

    private final BearerTokens tokens;
    private final boolean jwtsFollow;

    StaticTokenAuthentication(BearerTokens tokens, boolean jwtsFollow) {
        this.tokens = tokens;
        this.jwtsFollow = jwtsFollow;
    }

    @Override
    public @Nullable Authentication authenticate(Authentication authentication) {
        String presented = ((BearerTokenAuthenticationToken) authentication).getToken();
        return tokens.roleOf(presented)
                .<Authentication>map(role -> UsernamePasswordAuthenticationToken.authenticated("ferry-" + role.wire(),
                        null, List.of(role.authority())))
                .orElseGet(() -> {
                    if (jwtsFollow) {
                        return null;
                    }
                    throw new InvalidBearerTokenException("The bearer token is none of Ferry's tokens.");
                });
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return BearerTokenAuthenticationToken.class.isAssignableFrom(authentication);
    }
}
