package io.omniforge.a2a;

/**
 * Version negotiation as section 3.6 says: the {@code A2A-Version} header (or query parameter) names a
 * {@code Major.Minor} version; a missing or empty value means 0.3. This service speaks 1.0 only.
 */
public final class A2aVersion {

    public static final String HEADER = "A2A-Version";
    public static final String CURRENT = "1.0";
    public static final String IMPLIED_WHEN_MISSING = "0.3";

    private A2aVersion() {
    }

    /** A2A 0.3, which the JSON-RPC endpoints speak beside 1.0 (translated at the edge, see {@code a2a.v03.V03}). */
    public static final String LEGACY = "0.3";

    /** The {@code Major.Minor} a header or query value asks for: {@code 0.3} when it is missing or blank. */
    public static String requested(String value) {
        String version = value == null || value.isBlank() ? IMPLIED_WHEN_MISSING : value.trim();
        String[] parts = version.split("\\.");
        return parts.length >= 2 ? parts[0] + "." + parts[1] : version;
    }

    /**
     * Negotiates among the versions an interface speaks.
     *
     * @return the one of {@code spoken} that {@code requested} asks for
     * @throws A2aException -32009 naming the versions spoken, when it asks for another
     */
    public static String negotiate(String requested, java.util.List<String> spoken) {
        String majorMinor = requested(requested);
        if (spoken.contains(majorMinor)) {
            return majorMinor;
        }
        throw new A2aException(A2aError.VERSION_NOT_SUPPORTED,
                "A2A protocol version " + majorMinor + " is not supported; this endpoint speaks "
                        + String.join(" and ", spoken) + ": send the header 'A2A-Version: " + CURRENT + "'",
                java.util.Map.of("supportedVersions", String.join(",", spoken)), null);
    }

    /**
     * @param requested the header or query value, possibly null or blank
     * @return the negotiated version
     * @throws A2aException -32009 when the version is not one this service speaks
     */
    public static String negotiate(String requested) {
        String version = requested == null || requested.isBlank() ? IMPLIED_WHEN_MISSING : requested.trim();
        String[] parts = version.split("\\.");
        String majorMinor = parts.length >= 2 ? parts[0] + "." + parts[1] : version;
        if (!CURRENT.equals(majorMinor)) {
            throw new A2aException(A2aError.VERSION_NOT_SUPPORTED,
                    "A2A protocol version " + version + (requested == null || requested.isBlank()
                            ? " (implied by a missing A2A-Version header)" : "")
                            + " is not supported; this agent speaks " + CURRENT
                            + ": send the header 'A2A-Version: " + CURRENT + "'",
                    java.util.Map.of("supportedVersions", CURRENT), null);
        }
        return CURRENT;
    }
}
