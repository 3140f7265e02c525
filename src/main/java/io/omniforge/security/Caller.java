package io.omniforge.security;

import java.util.EnumSet;
import java.util.Set;

/**
 * Who is calling: the principal, its tenant, its roles and what they allow, and how it authenticated. The bearer
 * token is kept only so that it can be forwarded to the agents configured for it; it is never printed.
 */
public final class Caller {

    /** How a caller authenticated. */
    public enum Scheme {
        API_KEY, JWT, ANONYMOUS,
        /** A call of this process to itself over loopback (a nested flow), on behalf of the original caller. */
        INTERNAL,
        /** The service itself: recovery at start-up, background work; never reaches an endpoint. */
        SYSTEM
    }

    private final String principal;
    private final String tenant;
    private final Set<String> roles;
    private final Set<Permission> permissions;
    private final Scheme scheme;
    private final String token;
    /** How many more agent calls the work this caller starts may make (a nested flow's share); null: no such bound. */
    private final Integer callBudget;

    public Caller(String principal, String tenant, Set<String> roles, Set<Permission> permissions, Scheme scheme,
            String token) {
        this(principal, tenant, roles, permissions, scheme, token, null);
    }

    private Caller(String principal, String tenant, Set<String> roles, Set<Permission> permissions, Scheme scheme,
            String token, Integer callBudget) {
        this.callBudget = callBudget;
        this.principal = principal;
        this.tenant = tenant;
        this.roles = Set.copyOf(roles);
        this.permissions = Permission.expand(permissions.isEmpty() ? EnumSet.noneOf(Permission.class)
                : EnumSet.copyOf(permissions));
        this.scheme = scheme;
        this.token = token;
    }

    /** The service acting for a tenant's stored work (no request behind it). */
    public static Caller system(String tenant) {
        return new Caller("omniforge", tenant, Set.of(), EnumSet.of(Permission.ADMIN), Scheme.SYSTEM, null);
    }

    public String principal() {
        return principal;
    }

    public String tenant() {
        return tenant;
    }

    public Set<String> roles() {
        return roles;
    }

    public Set<Permission> permissions() {
        return permissions;
    }

    public Scheme scheme() {
        return scheme;
    }

    /** The bearer token the caller presented (API key or JWT); null for anonymous, internal and system callers. */
    public String token() {
        return token;
    }

    /**
     * The agent calls the work this caller starts may still make: set on the gateway's own loopback calls (a flow
     * inside an orchestration), so that a nested orchestration spends what its parent has left.
     */
    public java.util.OptionalInt callBudget() {
        return callBudget == null ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(callBudget);
    }

    /** The same caller, whose work may make at most {@code calls} more agent calls. */
    public Caller withCallBudget(int calls) {
        return new Caller(principal, tenant, roles, permissions, scheme, token, Math.max(0, calls));
    }

    public boolean has(Permission permission) {
        return permissions.contains(permission);
    }

    /** The service's own work and admins are not bound by per-agent rules. */
    boolean unrestricted() {
        return scheme == Scheme.SYSTEM || permissions.contains(Permission.ADMIN);
    }

    @Override
    public String toString() {
        return "Caller[" + principal + "@" + tenant + " " + scheme + " roles=" + roles + "]";
    }
}
