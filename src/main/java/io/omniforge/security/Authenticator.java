package io.omniforge.security;

import io.omniforge.a2a.SecurityRequirement;
import io.omniforge.a2a.SecurityScheme;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.json.JsonArray;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jose4j.jwt.consumer.ErrorCodeValidator;
import org.jose4j.jwt.consumer.ErrorCodes;
import org.jose4j.jwt.consumer.InvalidJwtException;

/**
 * Turns an {@code Authorization} header into a {@link Caller}. {@code Bearer <token>} is a JWT when it has the
 * JWT form (verified by SmallRye JWT), else an API key (its SHA-256 compared in constant time with every
 * configured hash). No header: the anonymous caller, when configuration allows it. A wrong credential is always
 * refused, even when anonymous access is allowed.
 *
 * <p>Nested flows call this process over loopback: those calls carry a per-process random token and the
 * original caller (principal, tenant, roles) in {@value #ON_BEHALF_OF}, which only that token makes trusted.
 */
@ApplicationScoped
public class Authenticator {

    public static final String ON_BEHALF_OF = "X-OmniForge-On-Behalf-Of";
    private static final String HASH_PREFIX = "sha256:";

    private record Key(String id, byte[] hash, String principal, String tenant, List<String> roles) {
    }

    private final SecurityConfig config;
    private final AccessPolicy policy;
    private final Instance<JWTParser> jwtParser;
    private final List<Key> keys = new ArrayList<>();
    private final byte[] internalHash;
    private final String internalToken;

    public Authenticator(SecurityConfig config, AccessPolicy policy, Instance<JWTParser> jwtParser) {
        this.config = config;
        this.policy = policy;
        this.jwtParser = jwtParser;
        config.apiKeys().forEach((id, key) -> {
            String hash = key.hash().trim().toLowerCase(Locale.ROOT);
            if (!hash.startsWith(HASH_PREFIX) || hash.length() != HASH_PREFIX.length() + 64) {
                throw new IllegalArgumentException("omniforge.security.api-keys." + id + ".hash must be 'sha256:'"
                        + " and 64 hex digits (the SHA-256 of the key: printf %s \"$KEY\" | sha256sum)");
            }
            keys.add(new Key(id, HexFormat.of().parseHex(hash.substring(HASH_PREFIX.length())),
                    key.principal().orElse(id), key.tenant(), key.roles()));
        });
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        this.internalToken = "ofi_" + HexFormat.of().formatHex(random);
        this.internalHash = sha256(internalToken);
    }

    /** The SHA-256 of a key, as configured: {@code sha256:<hex>}. */
    public static String hash(String key) {
        return HASH_PREFIX + HexFormat.of().formatHex(sha256(key));
    }

    /** Whether a bearer token needs {@link #verifyJwt} (which may read a key: not on an event loop). */
    public static boolean looksLikeJwt(String token) {
        return token.startsWith("eyJ") && token.chars().filter(c -> c == '.').count() == 2;
    }

    /** The bearer token of an Authorization header, null when there is none; -32050 when it is not Bearer. */
    public String bearer(String authorization, String path) {
        if (authorization == null || authorization.isBlank()) {
            return null;
        }
        String[] parts = authorization.trim().split("\\s+", 2);
        if (parts.length != 2 || !parts[0].equalsIgnoreCase("Bearer") || parts[1].isBlank()) {
            throw policy.unauthenticated("unknown", "the Authorization header must be 'Bearer <API key or JWT>'", path);
        }
        return parts[1].trim();
    }

    /** A caller without credentials: anonymous if allowed. */
    public Caller anonymous(String path) {
        SecurityConfig.Anonymous anonymous = config.anonymous();
        if (!anonymous.enabled()) {
            throw policy.unauthenticated("none", "authentication required: send 'Authorization: Bearer <API key or"
                    + " JWT>'", path);
        }
        return new Caller("anonymous", anonymous.tenant(), Set.copyOf(anonymous.roles()),
                policy.permissionsOf(anonymous.roles()), Caller.Scheme.ANONYMOUS, null);
    }

    /** An API key or this process's internal token; never blocks. */
    public Caller verifyKey(String token, String onBehalfOf, String path) {
        byte[] presented = sha256(token);
        if (MessageDigest.isEqual(presented, internalHash)) {
            return internal(onBehalfOf, path);
        }
        Key match = null;
        for (Key key : keys) {
            // Every key is compared, whatever matched before: the time taken says nothing about which.
            if (MessageDigest.isEqual(presented, key.hash) & match == null) {
                match = key;
            }
        }
        if (match == null) {
            throw policy.unauthenticated("api_key", "the API key is not valid", path);
        }
        return new Caller(match.principal, match.tenant, Set.copyOf(match.roles), policy.permissionsOf(match.roles),
                Caller.Scheme.API_KEY, token);
    }

    /** A JWT bearer token: signature, issuer and expiry checked by SmallRye JWT; may block (key loading). */
    public Caller verifyJwt(String token, String path) {
        if (!config.jwt().enabled() || !jwtParser.isResolvable()) {
            throw policy.unauthenticated("jwt", "JWT bearer tokens are not accepted here (omniforge.security.jwt.enabled)", path);
        }
        JsonWebToken jwt;
        try {
            jwt = jwtParser.get().parse(token);
        } catch (ParseException | RuntimeException e) {
            throw policy.unauthenticated("jwt", "the JWT is not valid: " + reason(e), path);
        }
        String tenant = text(jwt.getClaim(config.jwt().tenantClaim()));
        if (tenant == null || tenant.isBlank()) {
            tenant = config.jwt().defaultTenant().orElseThrow(() -> policy.unauthenticated("jwt",
                    "the JWT has no '" + config.jwt().tenantClaim() + "' claim naming the tenant", path));
        }
        Set<String> roles = list(jwt.getClaim(config.jwt().rolesClaim()));
        String principal = jwt.getName() != null ? jwt.getName() : jwt.getSubject();
        return new Caller(principal == null ? "jwt" : principal, tenant, roles, policy.permissionsOf(roles),
                Caller.Scheme.JWT, token);
    }

    /** The card's security schemes: API keys and (when accepted) JWTs, both as {@code Authorization: Bearer}. */
    public java.util.Map<String, SecurityScheme> schemes() {
        java.util.Map<String, SecurityScheme> schemes = new java.util.LinkedHashMap<>();
        schemes.put("apiKey", SecurityScheme.http("bearer", "API key",
                "An API key issued by the operator, sent as Authorization: Bearer <key>"));
        if (config.jwt().enabled()) {
            schemes.put("jwt", SecurityScheme.http("bearer", "JWT", "A signed JWT naming the tenant (claim '"
                    + config.jwt().tenantClaim() + "') and the roles (claim '" + config.jwt().rolesClaim() + "')"));
        }
        return schemes;
    }

    /** Either scheme will do; none is required when anonymous access is allowed. */
    public List<SecurityRequirement> requirements() {
        if (config.anonymous().enabled()) {
            return null;
        }
        return schemes().keySet().stream().map(name -> new SecurityRequirement(java.util.Map.of(name,
                new SecurityRequirement.StringList(List.of())))).toList();
    }

    /**
     * What a loopback call of this process sends: its token, and the caller it acts for as four space-separated,
     * URL-encoded fields (principal, tenant, roles, and "system" or "caller"), none empty: a header's trailing
     * blanks do not survive HTTP; and a fifth, the agent calls the called work may still make, when the caller has
     * such a budget ({@link Caller#callBudget}).
     */
    public java.util.Map<String, String> internalHeaders(Caller caller) {
        String onBehalf = enc(caller.principal()) + " " + enc(caller.tenant()) + " "
                + enc(String.join(",", caller.roles())) + " " + (caller.scheme() == Caller.Scheme.SYSTEM ? "system" : "caller")
                + (caller.callBudget().isPresent() ? " " + caller.callBudget().getAsInt() : "");
        return java.util.Map.of("Authorization", "Bearer " + internalToken, ON_BEHALF_OF, onBehalf);
    }

    private Caller internal(String onBehalfOf, String path) {
        String[] parts = onBehalfOf == null ? new String[0] : onBehalfOf.split(" ", -1);
        if (parts.length != 4 && !(parts.length == 5 && parts[4].matches("\\d{1,9}"))) {
            throw policy.unauthenticated("internal", "an internal call must say whom it acts for", path);
        }
        Set<String> roles = new LinkedHashSet<>();
        Arrays.stream(dec(parts[2]).split(",")).filter(r -> !r.isBlank()).forEach(roles::add);
        java.util.Set<Permission> permissions = "system".equals(parts[3])
                ? java.util.EnumSet.of(Permission.ADMIN) : policy.permissionsOf(roles);
        Caller caller = new Caller(dec(parts[0]), dec(parts[1]), roles, permissions, Caller.Scheme.INTERNAL, null);
        return parts.length == 5 ? caller.withCallBudget(Integer.parseInt(parts[4])) : caller;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s == null ? "" : s, StandardCharsets.UTF_8);
    }

    private static String dec(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    /**
     * Why a JWT was refused, in fixed words: never the parser's message, which quotes the token's claims (a subject,
     * an e-mail). jose4j's error codes say what failed; anything else is "could not be verified".
     */
    static String reason(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof InvalidJwtException invalid) {
                for (ErrorCodeValidator.Error error : invalid.getErrorDetails()) {
                    String why = switch (error.getErrorCode()) {
                        case ErrorCodes.EXPIRED -> "it has expired";
                        case ErrorCodes.NOT_YET_VALID, ErrorCodes.ISSUED_AT_INVALID_FUTURE -> "it is not valid yet";
                        case ErrorCodes.EXPIRATION_MISSING -> "it has no expiry ('exp')";
                        case ErrorCodes.EXPIRATION_TOO_FAR_IN_FUTURE, ErrorCodes.ISSUED_AT_INVALID_PAST ->
                                "its lifetime is longer than allowed";
                        case ErrorCodes.ISSUER_INVALID, ErrorCodes.ISSUER_MISSING -> "it is not from the expected issuer";
                        case ErrorCodes.AUDIENCE_INVALID, ErrorCodes.AUDIENCE_MISSING -> "it is not for this audience";
                        case ErrorCodes.SIGNATURE_INVALID, ErrorCodes.SIGNATURE_MISSING -> "its signature does not verify";
                        case ErrorCodes.JSON_INVALID, ErrorCodes.MALFORMED_CLAIM -> "it is malformed";
                        default -> null;
                    };
                    if (why != null) {
                        return why;
                    }
                }
            }
        }
        return "it could not be verified (format, signature, issuer or lifetime)";
    }

    private static String text(Object claim) {
        if (claim == null) {
            return null;
        }
        if (claim instanceof JsonString s) {
            return s.getString();
        }
        return claim instanceof JsonValue v && v.getValueType() == JsonValue.ValueType.NULL ? null : claim.toString();
    }

    private static Set<String> list(Object claim) {
        Set<String> out = new LinkedHashSet<>();
        if (claim instanceof JsonArray array) {
            array.forEach(v -> out.add(v instanceof JsonString s ? s.getString() : v.toString()));
        } else if (claim instanceof Collection<?> c) {
            c.forEach(v -> out.add(v instanceof JsonString s ? s.getString() : String.valueOf(v)));
        } else if (claim != null) {
            for (String r : text(claim).split("[\\s,]+")) {
                if (!r.isBlank()) {
                    out.add(r);
                }
            }
        }
        return out;
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
