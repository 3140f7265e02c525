package io.omniforge.security;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;
import java.util.Optional;

/**
 * {@code omniforge.security.agent-urls.*}: where agents registered at run time may live. By default only public
 * addresses: loopback, link-local (cloud metadata), private, shared (CGNAT), unspecified, multicast and reserved
 * addresses are refused unless allowed here. Agents declared in configuration, the demo agents and the flows are not
 * checked: the operator put them there.
 */
@ConfigMapping(prefix = "omniforge.security.agent-urls")
public interface AgentUrlConfig {

    /** Networks (CIDR, such as {@code 10.20.0.0/16} or {@code fd00:ab::/32}) whose addresses are allowed. */
    Optional<List<String>> allowedNetworks();

    /**
     * Host names allowed whatever they resolve to: exact ({@code agents.internal}) or a domain and its subdomains
     * ({@code *.agents.internal}), without case.
     */
    Optional<List<String>> allowedHosts();

    /** Allow loopback addresses ({@code 127.0.0.0/8}, {@code ::1}). */
    @WithDefault("false")
    boolean allowLoopback();

    /** Allow private addresses ({@code 10.0.0.0/8}, {@code 172.16.0.0/12}, {@code 192.168.0.0/16}, {@code fc00::/7}). */
    @WithDefault("false")
    boolean allowPrivate();
}
