package io.omniforge.security;

import java.util.EnumSet;
import java.util.Set;

/**
 * What a caller may do. Every operation of the service needs one of these (docs/SECURITY.md has the table);
 * {@link #ADMIN} implies all the others, within the caller's own tenant.
 */
public enum Permission {
    /** List agents and read their cards and state; read the extended card. */
    AGENTS_READ,
    /** Register and remove agents at run time. */
    AGENTS_MANAGE,
    /** Read threads, their messages and their handoffs. */
    THREADS_READ,
    /** Send messages: start or continue a conversation with an agent. */
    THREADS_WRITE,
    /** Read tasks: GetTask, ListTasks, SubscribeToTask. */
    TASKS_READ,
    /** Cancel tasks. */
    TASKS_CANCEL,
    /** Run orchestrations: flows, ad hoc plans, POST /api/v1/orchestrations. */
    ORCHESTRATE,
    /** Move a conversation to another agent (a client-initiated handoff). */
    HANDOFF_INITIATE,
    /** Everything above. */
    ADMIN;

    /** The permissions a set of granted ones amounts to: ADMIN expands to all. */
    public static Set<Permission> expand(Set<Permission> granted) {
        return granted.contains(ADMIN) ? EnumSet.allOf(Permission.class)
                : granted.isEmpty() ? EnumSet.noneOf(Permission.class) : EnumSet.copyOf(granted);
    }
}
