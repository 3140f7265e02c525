package io.omniforge.a2a;

import java.util.Map;

/** One way to authenticate; exactly one member is set. */
public record SecurityScheme(
        APIKeySecurityScheme apiKeySecurityScheme,
        HTTPAuthSecurityScheme httpAuthSecurityScheme,
        OAuth2SecurityScheme oauth2SecurityScheme,
        OpenIdConnectSecurityScheme openIdConnectSecurityScheme,
        MutualTlsSecurityScheme mtlsSecurityScheme) {

    public static SecurityScheme apiKey(String location, String name, String description) {
        return new SecurityScheme(new APIKeySecurityScheme(description, location, name), null, null, null, null);
    }

    public static SecurityScheme http(String scheme, String bearerFormat, String description) {
        return new SecurityScheme(null, new HTTPAuthSecurityScheme(description, scheme, bearerFormat), null, null, null);
    }

    public record APIKeySecurityScheme(String description, String location, String name) {
    }

    public record HTTPAuthSecurityScheme(String description, String scheme, String bearerFormat) {
    }

    public record OAuth2SecurityScheme(String description, OAuthFlows flows, String oauth2MetadataUrl) {
    }

    public record OpenIdConnectSecurityScheme(String description, String openIdConnectUrl) {
    }

    public record MutualTlsSecurityScheme(String description) {
    }

    public record OAuthFlows(
            AuthorizationCodeOAuthFlow authorizationCode,
            ClientCredentialsOAuthFlow clientCredentials,
            DeviceCodeOAuthFlow deviceCode,
            ImplicitOAuthFlow implicit,
            PasswordOAuthFlow password) {
    }

    public record AuthorizationCodeOAuthFlow(
            String authorizationUrl, String tokenUrl, String refreshUrl, Map<String, String> scopes, Boolean pkceRequired) {
    }

    public record ClientCredentialsOAuthFlow(String tokenUrl, String refreshUrl, Map<String, String> scopes) {
    }

    public record DeviceCodeOAuthFlow(
            String deviceAuthorizationUrl, String tokenUrl, String refreshUrl, Map<String, String> scopes) {
    }

    public record ImplicitOAuthFlow(String authorizationUrl, String refreshUrl, Map<String, String> scopes) {
    }

    public record PasswordOAuthFlow(String tokenUrl, String refreshUrl, Map<String, String> scopes) {
    }
}
