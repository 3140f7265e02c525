package io.omniforge.thread;

import java.util.List;

/** One page of a listing and the cursor of the next one ({@code ""} on the last page). */
public record Page<T>(List<T> items, String nextPageToken) {
    public Page {
        items = List.copyOf(items);
        nextPageToken = nextPageToken == null ? "" : nextPageToken;
    }
}
