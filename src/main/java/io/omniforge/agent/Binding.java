package io.omniforge.agent;

import io.omniforge.a2a.AgentCard;
import io.omniforge.a2a.AgentInterface;
import io.omniforge.a2a.v03.V03;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The interfaces (binding and protocol version) the downstream client speaks, in the order the registry prefers
 * them: a newer version first, then JSON-RPC. Each has its {@link Dialect} in {@link AgentClient}.
 */
public enum Binding {
    JSONRPC_10(AgentInterface.JSONRPC, "1.0"),
    HTTP_JSON_10(AgentInterface.HTTP_JSON, "1.0"),
    JSONRPC_03(AgentInterface.JSONRPC, V03.VERSION);

    private final String protocolBinding;
    private final String protocolVersion;

    Binding(String protocolBinding, String protocolVersion) {
        this.protocolBinding = protocolBinding;
        this.protocolVersion = protocolVersion;
    }

    public String protocolBinding() {
        return protocolBinding;
    }

    public String protocolVersion() {
        return protocolVersion;
    }

    /** {@code JSONRPC 1.0}. */
    @Override
    public String toString() {
        return protocolBinding + " " + protocolVersion;
    }

    /**
     * Whether an interface is this one: the same binding (case aside) and Major.Minor version; a 1.0 binding takes any
     * 1.x, and an interface that states no version (a 1.0 card may leave it out) is taken as 1.0.
     */
    boolean matches(AgentInterface i) {
        if (i.url() == null || i.url().isBlank() || !protocolBinding.equalsIgnoreCase(i.protocolBinding())) {
            return false;
        }
        String version = i.protocolVersion() == null || i.protocolVersion().isBlank() ? "1.0" : V03.majorMinor(i.protocolVersion());
        return protocolVersion.startsWith("1.") ? version.startsWith("1.") : protocolVersion.equals(version);
    }

    /** The binding an interface is spoken in, if the client speaks it. */
    public static Optional<Binding> of(AgentInterface i) {
        return Arrays.stream(values()).filter(b -> b.matches(i)).findFirst();
    }

    /**
     * The interface of a card the client calls: of the bindings in this enum's order, the first one the card offers
     * (among several interfaces of one binding, the card's first), stated with this binding's name and version.
     */
    public static Optional<AgentInterface> choose(AgentCard card) {
        List<AgentInterface> offered = card.supportedInterfaces() == null ? List.of() : card.supportedInterfaces();
        for (Binding b : values()) {
            for (AgentInterface i : offered) {
                if (b.matches(i)) {
                    return Optional.of(new AgentInterface(i.url(), b.protocolBinding, i.tenant(), b.protocolVersion));
                }
            }
        }
        return Optional.empty();
    }

    /** Why a card cannot be called: what it offers against what the client speaks. */
    static String refusal(AgentCard card) {
        List<AgentInterface> offered = card.supportedInterfaces() == null ? List.of() : card.supportedInterfaces();
        String offers = offered.isEmpty() ? "no interface" : offered.stream()
                .map(i -> i.protocolBinding() + " " + (i.protocolVersion() == null ? "(no version)" : i.protocolVersion())
                        + " at " + i.url())
                .collect(Collectors.joining(", "));
        return "agent card '" + card.name() + "' offers " + offers + "; the gateway speaks "
                + Arrays.stream(values()).map(Binding::toString).collect(Collectors.joining(", "));
    }
}
