package io.omniforge.security;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code omniforge.security.*}: who may call, as whom, and what each role allows (docs/SECURITY.md). */
@ConfigMapping(prefix = "omniforge.security")
public interface SecurityConfig {

    /** Requests without credentials; off unless configuration says so (the demo run line turns it on). */
    Anonymous anonymous();

    /**
     * API keys by id: {@code omniforge.security.api-keys.<id>.hash=sha256:<hex>} (the key itself is never
     * configured), {@code .tenant}, {@code .roles}, {@code .principal} (default: the id).
     */
    Map<String, ApiKey> apiKeys();

    /** JWT bearer tokens (verified by SmallRye JWT: {@code mp.jwt.verify.publickey.location}, {@code mp.jwt.verify.issuer}). */
    Jwt jwt();

    /**
     * Roles and the permissions they grant, added to (or replacing) the built-in viewer, user, operator and admin:
     * {@code omniforge.security.roles.<role>=THREADS_READ,TASKS_READ}.
     */
    Map<String, List<Permission>> roles();

    /** Per-agent rules: {@code omniforge.security.agents.<agent or flow>.roles=<roles that may call it>}. */
    Map<String, AgentRule> agents();

    interface Anonymous {
        @WithDefault("false")
        boolean enabled();

        @WithDefault("default")
        String tenant();

        @WithDefault("user")
        List<String> roles();
    }

    interface ApiKey {
        /** {@code sha256:<64 hex digits>} of the key. */
        String hash();

        @WithDefault("default")
        String tenant();

        @WithDefault("user")
        List<String> roles();

        Optional<String> principal();
    }

    interface Jwt {
        /** Accept JWT bearer tokens; they also need a verification key (mp.jwt.verify.publickey[.location]). */
        @WithDefault("true")
        boolean enabled();

        /** The claim naming the caller's tenant; a token without it gets {@link #defaultTenant()}. */
        @WithDefault("tenant")
        String tenantClaim();

        /** The claim listing the caller's roles (a JSON array or a space- or comma-separated string). */
        @WithDefault("groups")
        String rolesClaim();

        /** The tenant of a token without the tenant claim; none means such a token is refused. */
        Optional<String> defaultTenant();
    }

    interface AgentRule {
        /** The roles that may call this agent (admins always may); absent: every caller that may send messages. */
        Optional<List<String>> roles();
    }
}
