package io.omniforge.agent;

import java.util.List;

/**
 * Agents this process serves itself (the demo agents), which the registry lists beside the others and calls on
 * loopback. The registry knows them through this interface only, so that it does not depend on what serves them.
 */
public interface LocalAgents {

    /** The names of the agents served; empty when none is. */
    List<String> served();

    /** The path under this process's base URL where agent {@code name} is served (its card is under it). */
    String pathOf(String name);
}
