package io.omniforge.a2a;

/** The result of SendMessage: a task, or a direct message. */
public record SendMessageResponse(Task task, Message message) {

    public SendMessageResponse {
        if ((task == null) == (message == null)) {
            throw new IllegalArgumentException("a SendMessage result holds exactly one of task or message");
        }
    }

    public static SendMessageResponse of(Task task) {
        return new SendMessageResponse(task, null);
    }

    public static SendMessageResponse of(Message message) {
        return new SendMessageResponse(null, message);
    }
}
