package io.omniforge.store;

import java.util.Locale;

/**
 * Which database holds the state: an embedded SQLite file (one replica) or PostgreSQL (several replicas). Each has
 * a named datasource of the same name; {@link StoreKindInterceptor} activates the chosen one only.
 */
public enum StoreKind {
    SQLITE,
    POSTGRESQL;

    /** The name of this store's datasource ({@code quarkus.datasource."<name>".*}). */
    public String datasource() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether several processes may share the database (and so must never trust what they remember). */
    public boolean shared() {
        return this == POSTGRESQL;
    }
}
