package io.omniforge.support;

import io.omniforge.a2a.Message;
import io.omniforge.a2a.Part;
import io.omniforge.security.ContextSanitizer;
import io.quarkus.test.Mock;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * Test stand-in for the sanitizer: redacts {@code CANARY-<digits>} only, so a test can prove that every crossing
 * from one agent to another goes through the sanitizer (the real redaction rules come with the security issue).
 */
@Mock
@ApplicationScoped
public class CanarySanitizer extends ContextSanitizer {

    @Override
    public Message sanitize(Message message, String from, String to) {
        List<Part> parts = message.parts().stream()
                .map(p -> p.text() == null ? p : new Part(p.text().replaceAll("CANARY-\\d+", "[REDACTED:CANARY]"), null,
                        null, null, p.mediaType(), p.filename(), p.metadata()))
                .toList();
        return new Message(message.messageId(), message.contextId(), message.taskId(), message.role(), parts,
                message.metadata(), message.extensions(), message.referenceTaskIds());
    }
}
