package io.omniforge.store;

import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigValue;
import jakarta.annotation.Priority;
import java.util.Locale;

/**
 * Makes {@code omniforge.store.kind} the one switch between the stores. {@code application.properties} sets
 * {@code quarkus.datasource."<name>".active=${omniforge.store.active.<name>}} for both datasources, and this
 * interceptor answers {@code omniforge.store.active.sqlite} and {@code omniforge.store.active.postgresql}: true for
 * the chosen store only. The datasource that is not chosen is inactive, so it never connects and is not part of the
 * readiness check. Both datasources are defined at build time (db-kind is a build-time property), so one build
 * serves both stores. Its priority puts it between the expression interceptor (which asks it) and the profile
 * interceptor (which it asks, so that {@code %prof.omniforge.store.kind} works).
 */
@Priority(3250)
public class StoreKindInterceptor implements ConfigSourceInterceptor {

    static final String KIND = "omniforge.store.kind";
    private static final String PREFIX = "omniforge.store.active.";

    @Override
    public ConfigValue getValue(ConfigSourceInterceptorContext context, String name) {
        if (!name.startsWith(PREFIX)) {
            return context.proceed(name);
        }
        String datasource = name.substring(PREFIX.length());
        ConfigValue kind = context.proceed(KIND);
        String chosen = kind == null || kind.getValue() == null ? StoreKind.SQLITE.datasource()
                : kind.getValue().trim().toLowerCase(Locale.ROOT);
        return ConfigValue.builder().withName(name).withValue(String.valueOf(datasource.equals(chosen)))
                .withConfigSourceName(KIND).withConfigSourceOrdinal(kind != null ? kind.getConfigSourceOrdinal() : 0)
                .build();
    }
}
