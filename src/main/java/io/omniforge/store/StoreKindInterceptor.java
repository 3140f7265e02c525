package io.omniforge.store;

import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.Priorities;
import jakarta.annotation.Priority;
import java.util.Locale;

/**
 * Makes {@code omniforge.store.kind} the one switch between the stores: it answers
 * {@code quarkus.datasource."sqlite".active} and {@code quarkus.datasource."postgresql".active} (true for the chosen
 * store only) when nothing sets them explicitly. The datasource that is not chosen is inactive, so it never
 * connects and is not part of the readiness check. Both datasources are defined at build time (db-kind is a
 * build-time property), so one build serves both stores.
 */
@Priority(Priorities.APPLICATION)
public class StoreKindInterceptor implements ConfigSourceInterceptor {

    static final String KIND = "omniforge.store.kind";
    private static final String PREFIX = "quarkus.datasource.";
    private static final String SUFFIX = ".active";

    @Override
    public ConfigValue getValue(ConfigSourceInterceptorContext context, String name) {
        ConfigValue value = context.proceed(name);
        if (value != null || !name.startsWith(PREFIX) || !name.endsWith(SUFFIX)) {
            return value;
        }
        String datasource = unquote(name.substring(PREFIX.length(), name.length() - SUFFIX.length()));
        StoreKind own;
        try {
            own = StoreKind.valueOf(datasource.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null; // not one of the store's datasources
        }
        ConfigValue kind = context.proceed(KIND);
        String chosen = kind == null || kind.getValue() == null ? StoreKind.SQLITE.datasource()
                : kind.getValue().trim().toLowerCase(Locale.ROOT);
        return ConfigValue.builder().withName(name).withValue(String.valueOf(own.datasource().equals(chosen)))
                .withConfigSourceName(KIND).build();
    }

    private static String unquote(String s) {
        return s.length() > 1 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1) : s;
    }
}
