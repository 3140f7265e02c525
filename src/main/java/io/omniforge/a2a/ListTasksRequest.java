package io.omniforge.a2a;

import java.time.Instant;

/** Params of ListTasks: filters and a cursor. */
public record ListTasksRequest(
        String tenant,
        String contextId,
        TaskState status,
        Integer pageSize,
        String pageToken,
        Integer historyLength,
        Instant statusTimestampAfter,
        Boolean includeArtifacts) {

    public static final int MAX_PAGE_SIZE = 100;
    public static final int DEFAULT_PAGE_SIZE = 50;

    public ListTasksRequest {
        if (pageSize != null && (pageSize < 1 || pageSize > MAX_PAGE_SIZE)) {
            throw new IllegalArgumentException(
                    "params.pageSize must be between 1 and " + MAX_PAGE_SIZE + " inclusive, got " + pageSize);
        }
        if (historyLength != null && historyLength < 0) {
            throw new IllegalArgumentException("params.historyLength must be zero or more, got " + historyLength);
        }
    }

    public int effectivePageSize() {
        return pageSize == null ? DEFAULT_PAGE_SIZE : pageSize;
    }
}
