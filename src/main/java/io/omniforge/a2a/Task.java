package io.omniforge.a2a;

import java.util.List;
import java.util.Map;

/** A stateful unit of work, with its status, artifacts and history. */
public record Task(
        String id,
        String contextId,
        TaskStatus status,
        List<Artifact> artifacts,
        List<Message> history,
        Map<String, Object> metadata) {

    public Task {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("task.id is required");
        }
        if (status == null) {
            throw new IllegalArgumentException("task.status is required");
        }
        artifacts = A2aJson.copy(artifacts);
        history = A2aJson.copy(history);
        metadata = A2aJson.copy(metadata);
    }

    public Task withStatus(TaskStatus newStatus) {
        return new Task(id, contextId, newStatus, artifacts, history, metadata);
    }

    public Task withArtifacts(List<Artifact> newArtifacts) {
        return new Task(id, contextId, status, newArtifacts, history, metadata);
    }

    public Task withHistory(List<Message> newHistory) {
        return new Task(id, contextId, status, artifacts, newHistory, metadata);
    }

    public Task withMetadata(Map<String, Object> newMetadata) {
        return new Task(id, contextId, status, artifacts, history, newMetadata);
    }

    /**
     * The task after one of its own stream events: a status update sets the status (and adds its message to the
     * history), an artifact update adds, replaces or appends to the artifact with its id, a message joins the
     * history, a task replaces this one.
     */
    public Task applying(StreamResponse e) {
        if (e.task() != null) {
            return e.task();
        }
        if (e.message() != null) {
            return withHistory(plus(history, e.message()));
        }
        if (e.statusUpdate() != null) {
            TaskStatus newStatus = e.statusUpdate().status();
            Task t = withStatus(newStatus);
            return newStatus.message() != null ? t.withHistory(plus(history, newStatus.message())) : t;
        }
        TaskArtifactUpdateEvent a = e.artifactUpdate();
        java.util.List<Artifact> list = artifacts == null ? new java.util.ArrayList<>() : new java.util.ArrayList<>(artifacts);
        int at = -1;
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i).artifactId().equals(a.artifact().artifactId())) {
                at = i;
            }
        }
        if (at < 0) {
            list.add(a.artifact());
        } else if (a.isAppend()) {
            java.util.List<Part> parts = new java.util.ArrayList<>(list.get(at).parts());
            parts.addAll(a.artifact().parts());
            list.set(at, list.get(at).withParts(parts));
        } else {
            list.set(at, a.artifact());
        }
        return withArtifacts(list);
    }

    /**
     * {@link #applying} each event in turn, with each run of artifact updates applied at once: an artifact streamed
     * in many chunks is copied once per run, not once per chunk.
     */
    public Task applyingAll(List<StreamResponse> events) {
        Task t = this;
        int i = 0;
        while (i < events.size()) {
            if (events.get(i).artifactUpdate() == null) {
                t = t.applying(events.get(i++));
                continue;
            }
            java.util.List<Artifact> list = t.artifacts == null ? new java.util.ArrayList<>() : new java.util.ArrayList<>(t.artifacts);
            java.util.Map<Integer, java.util.List<Part>> grown = new java.util.HashMap<>();
            for (; i < events.size() && events.get(i).artifactUpdate() != null; i++) {
                TaskArtifactUpdateEvent a = events.get(i).artifactUpdate();
                int at = lastIndexOf(list, a.artifact().artifactId());
                if (at < 0) {
                    list.add(a.artifact());
                } else if (a.isAppend()) {
                    Artifact existing = list.get(at);
                    grown.computeIfAbsent(at, k -> new java.util.ArrayList<>(existing.parts())).addAll(a.artifact().parts());
                } else {
                    list.set(at, a.artifact());
                    grown.remove(at);
                }
            }
            grown.forEach((at, parts) -> list.set(at, list.get(at).withParts(parts)));
            t = t.withArtifacts(list);
        }
        return t;
    }

    private static int lastIndexOf(List<Artifact> list, String artifactId) {
        for (int i = list.size() - 1; i >= 0; i--) {
            if (list.get(i).artifactId().equals(artifactId)) {
                return i;
            }
        }
        return -1;
    }

    private static <T> List<T> plus(List<T> list, T item) {
        List<T> out = list == null ? new java.util.ArrayList<>() : new java.util.ArrayList<>(list);
        out.add(item);
        return out;
    }

    /**
     * The task as a client asked to see it: at most {@code historyLength} of the latest messages (none and
     * no field for 0, all for null), and artifacts only when asked for.
     */
    public Task view(Integer historyLength, boolean includeArtifacts) {
        List<Message> h = history;
        if (historyLength != null && h != null) {
            if (historyLength == 0) {
                h = null;
            } else if (h.size() > historyLength) {
                h = h.subList(h.size() - historyLength, h.size());
            }
        }
        return new Task(id, contextId, status, includeArtifacts ? artifacts : null, h, metadata);
    }
}
