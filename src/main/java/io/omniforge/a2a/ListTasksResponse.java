package io.omniforge.a2a;

import java.util.List;

/** Result of ListTasks; {@code nextPageToken} is always present, empty on the last page. */
public record ListTasksResponse(List<Task> tasks, String nextPageToken, Integer pageSize, Integer totalSize) {

    public ListTasksResponse {
        tasks = List.copyOf(tasks);
        if (nextPageToken == null) {
            nextPageToken = "";
        }
    }
}
