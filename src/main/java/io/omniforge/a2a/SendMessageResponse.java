package io.omniforge.a2a;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.util.Objects;

/**
 * The result of SendMessage: a task, or a direct message. A task may come with its JSON already made (the store's
 * copy of the same task), which is then written as it is instead of serializing the task a second time.
 */
@JsonSerialize(using = SendMessageResponse.Writer.class)
public final class SendMessageResponse {

    private final Task task;
    private final Message message;
    private final String taskJson;

    @JsonCreator
    public SendMessageResponse(@JsonProperty("task") Task task, @JsonProperty("message") Message message) {
        this(task, message, null);
    }

    private SendMessageResponse(Task task, Message message, String taskJson) {
        if ((task == null) == (message == null)) {
            throw new IllegalArgumentException("a SendMessage result holds exactly one of task or message");
        }
        this.task = task;
        this.message = message;
        this.taskJson = taskJson;
    }

    public static SendMessageResponse of(Task task) {
        return new SendMessageResponse(task, null);
    }

    public static SendMessageResponse of(Message message) {
        return new SendMessageResponse(null, message);
    }

    /** {@code task}, whose JSON (as this service's mapper writes it) is {@code taskJson}. */
    public static SendMessageResponse of(Task task, String taskJson) {
        return new SendMessageResponse(Objects.requireNonNull(task), null, Objects.requireNonNull(taskJson));
    }

    public Task task() {
        return task;
    }

    public Message message() {
        return message;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SendMessageResponse r && Objects.equals(r.task, task) && Objects.equals(r.message, message);
    }

    @Override
    public int hashCode() {
        return Objects.hash(task, message);
    }

    @Override
    public String toString() {
        return "SendMessageResponse[task=" + task + ", message=" + message + "]";
    }

    /** {@code {"task": ...}} or {@code {"message": ...}}; a task's ready JSON goes out as it is. */
    public static final class Writer extends StdSerializer<SendMessageResponse> {

        public Writer() {
            super(SendMessageResponse.class);
        }

        @Override
        public void serialize(SendMessageResponse value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            gen.writeStartObject();
            if (value.taskJson != null) {
                gen.writeFieldName("task");
                gen.writeRawValue(value.taskJson);
            } else if (value.task != null) {
                gen.writeFieldName("task");
                provider.defaultSerializeValue(value.task, gen);
            } else {
                gen.writeFieldName("message");
                provider.defaultSerializeValue(value.message, gen);
            }
            gen.writeEndObject();
        }
    }
}
