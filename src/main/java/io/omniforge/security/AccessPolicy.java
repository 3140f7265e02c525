package io.omniforge.security;

import io.omniforge.a2a.A2aError;
import io.omniforge.a2a.A2aException;
import io.omniforge.observability.AuditEvent;
import io.omniforge.observability.AuditLog;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What each role allows and who may call which agent. Every check that refuses writes an {@code auth.denied}
 * audit event (principal, tenant, what was needed; never a credential) and throws -32051 / HTTP 403.
 */
@ApplicationScoped
public class AccessPolicy {

    /** The built-in roles; configuration adds roles or replaces these. */
    static final Map<String, Set<Permission>> BUILT_IN = Map.of(
            "viewer", EnumSet.of(Permission.AGENTS_READ, Permission.THREADS_READ, Permission.TASKS_READ),
            "user", EnumSet.of(Permission.AGENTS_READ, Permission.THREADS_READ, Permission.TASKS_READ,
                    Permission.THREADS_WRITE, Permission.TASKS_CANCEL, Permission.ORCHESTRATE,
                    Permission.HANDOFF_INITIATE),
            "operator", EnumSet.of(Permission.AGENTS_READ, Permission.THREADS_READ, Permission.TASKS_READ,
                    Permission.THREADS_WRITE, Permission.TASKS_CANCEL, Permission.ORCHESTRATE,
                    Permission.HANDOFF_INITIATE, Permission.AGENTS_MANAGE),
            "admin", EnumSet.of(Permission.ADMIN));

    private final Map<String, Set<Permission>> roles;
    private final Map<String, Set<String>> agentRoles;
    private final AuditLog audit;

    public AccessPolicy(SecurityConfig config, AuditLog audit) {
        this.audit = audit;
        Map<String, Set<Permission>> r = new HashMap<>(BUILT_IN);
        config.roles().forEach((role, perms) -> r.put(role, perms.isEmpty() ? EnumSet.noneOf(Permission.class)
                : EnumSet.copyOf(perms)));
        this.roles = Map.copyOf(r);
        Map<String, Set<String>> a = new HashMap<>();
        config.agents().forEach((agent, rule) -> rule.roles().ifPresent(list -> a.put(agent, Set.copyOf(list))));
        this.agentRoles = Map.copyOf(a);
    }

    /** What a set of roles grants; unknown roles grant nothing. */
    public Set<Permission> permissionsOf(Iterable<String> granted) {
        EnumSet<Permission> out = EnumSet.noneOf(Permission.class);
        for (String role : granted) {
            out.addAll(roles.getOrDefault(role, Set.of()));
        }
        return Permission.expand(out);
    }

    public Set<String> knownRoles() {
        return roles.keySet();
    }

    /** @throws A2aException -32051 (403) when the caller lacks {@code permission} */
    public void require(Caller caller, Permission permission, String operation) {
        if (!caller.has(permission)) {
            throw deny(caller, "permission", permission.name(), operation,
                    operation + " needs permission " + permission + ", which the roles " + caller.roles()
                            + " of '" + caller.principal() + "' do not grant");
        }
    }

    /** Whether the caller may call this agent or flow, by the per-agent rules; no rule means yes. */
    public boolean mayCall(Caller caller, String agent) {
        Set<String> allowed = agentRoles.get(agent);
        if (allowed == null || caller.unrestricted()) {
            return true;
        }
        if (caller.scheme() == Caller.Scheme.INTERNAL && caller.roles().isEmpty()) {
            return false;
        }
        for (String role : caller.roles()) {
            if (allowed.contains(role)) {
                return true;
            }
        }
        return false;
    }

    /** @throws A2aException -32051 (403) when a per-agent rule keeps the caller from {@code agent} */
    public void requireAgent(Caller caller, String agent) {
        if (!mayCall(caller, agent)) {
            throw deny(caller, "agent", agent, "call agent '" + agent + "'", "'" + caller.principal()
                    + "' may not call agent '" + agent + "' (omniforge.security.agents." + agent
                    + ".roles allows " + agentRoles.get(agent) + ")");
        }
    }

    /** Records the refusal and returns the error to throw. */
    public A2aException deny(Caller caller, String kind, String needed, String operation, String message) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("principal", caller.principal());
        fields.put("tenant", caller.tenant());
        fields.put("scheme", caller.scheme().name().toLowerCase(java.util.Locale.ROOT));
        fields.put("roles", String.join(",", new java.util.TreeSet<>(caller.roles())));
        fields.put("denied", kind);
        fields.put("needed", needed);
        fields.put("operation", operation);
        audit.record(AuditEvent.AUTH_DENIED, fields);
        return new A2aException(A2aError.PERMISSION_DENIED, message);
    }

    /** An authentication failure: recorded, and the error to answer (-32050, HTTP 401). */
    public A2aException unauthenticated(String scheme, String why, String path) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("denied", "authentication");
        fields.put("scheme", scheme);
        fields.put("reason", why);
        fields.put("path", path);
        audit.record(AuditEvent.AUTH_DENIED, fields);
        return new A2aException(A2aError.UNAUTHENTICATED, why);
    }
}
