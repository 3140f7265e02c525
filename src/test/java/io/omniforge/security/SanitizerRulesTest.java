package io.omniforge.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each built-in rule (standard trust) with values it must redact, and near misses it must leave alone: the same
 * shape with a wrong prefix, a wrong length, a failed checksum, an invalid range, or a word that only looks like one.
 */
class SanitizerRulesTest {

    private static final String GITHUB = "ghp_" + "a1B2".repeat(9);
    private static final String PAT = "github_pat_11ABCDEFG0" + "123456789012_" + "abcdefghij".repeat(5) + "ABCDEFGHI";
    private static final String JWT = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0"
            + "IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
    private static final String PEM = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA1c7+9z5Pad7OejecsQ0bu3aumD7bRq7C\n"
            + "Yjx1n9Zw0Ql2dKD4bHUkzXQ1bvXbZP==\n-----END RSA PRIVATE KEY-----";

    static Stream<Arguments> findings() {
        return Stream.of(
                // secrets
                finding("AWS_ACCESS_KEY", "key AKIAIOSFODNN7EXAMPLE here", "key [REDACTED:AWS_ACCESS_KEY] here"),
                finding("AWS_ACCESS_KEY", "temporary ASIAY34FZKBOKMUTVV7A,", "temporary [REDACTED:AWS_ACCESS_KEY],"),
                finding("AWS_SECRET_KEY", "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                        "aws_secret_access_key = [REDACTED:AWS_SECRET_KEY]"),
                finding("AWS_SECRET_KEY", "{\"SecretAccessKey\": \"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\"}",
                        "{\"SecretAccessKey\": \"[REDACTED:AWS_SECRET_KEY]\"}"),
                finding("GITHUB_TOKEN", "token " + GITHUB + ".", "token [REDACTED:GITHUB_TOKEN]."),
                finding("GITHUB_TOKEN", "gho_" + "Zz9Y".repeat(9), "[REDACTED:GITHUB_TOKEN]"),
                finding("GITHUB_TOKEN", "pat " + PAT, "pat [REDACTED:GITHUB_TOKEN]"),
                finding("SLACK_TOKEN", "bot xoxb-2345678901-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
                        "bot [REDACTED:SLACK_TOKEN]"),
                finding("SLACK_WEBHOOK", "post to https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX now",
                        "post to [REDACTED:SLACK_WEBHOOK] now"),
                finding("STRIPE_KEY", "sk_live_4eC39HqLyjWDarjtT1zdp7dc", "[REDACTED:STRIPE_KEY]"),
                finding("STRIPE_KEY", "rk_live_51H8sAbCdEfGhIjKlMn and sk_test_4eC39HqLyjWDarjtT1zdp7dc",
                        "[REDACTED:STRIPE_KEY] and [REDACTED:STRIPE_KEY]"),
                finding("OPENAI_KEY", "OPENAI_API_KEY is sk-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdEFGH",
                        "OPENAI_API_KEY is [REDACTED:OPENAI_KEY]"),
                finding("OPENAI_KEY", "sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z_Ab3dEf6hIj9kLm2n", "[REDACTED:OPENAI_KEY]"),
                finding("GOOGLE_API_KEY", "key=AIzaSyDaGmWKa4JsXZ-HjGw7ISLn_3namBGewQe&cx=1", "key=[REDACTED:GOOGLE_API_KEY]&cx=1"),
                finding("PRIVATE_KEY", "here:\n" + PEM + "\nthanks", "here:\n[REDACTED:PRIVATE_KEY]\nthanks"),
                finding("PRIVATE_KEY", "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA (cut off)",
                        "[REDACTED:PRIVATE_KEY]"),
                finding("JWT", "id_token " + JWT + " expires", "id_token [REDACTED:JWT] expires"),
                finding("BEARER_TOKEN", "Authorization: Bearer abc123DEF456ghi789", "Authorization: Bearer [REDACTED:BEARER_TOKEN]"),
                finding("BEARER_TOKEN", "bearer 9f8e7d6c5b4a3f2e1d0c", "bearer [REDACTED:BEARER_TOKEN]"),
                finding("PASSWORD", "password=hunter2", "password=[REDACTED:PASSWORD]"),
                finding("PASSWORD", "DB_PASSWORD=s3cr3t! and more", "DB_PASSWORD=[REDACTED:PASSWORD] and more"),
                finding("PASSWORD", "passwd: Tr0ub4dor&3", "passwd: [REDACTED:PASSWORD]"),
                finding("PASSWORD", "{\"password\": \"correct horse battery\"}", "{\"password\": \"[REDACTED:PASSWORD]\"}"),
                finding("PASSWORD", "Server=db;Uid=app;Pwd=Sup3rSecret;", "Server=db;Uid=app;Pwd=[REDACTED:PASSWORD];"),
                finding("PASSWORD", "spring.datasource.password='letmein'", "spring.datasource.password='[REDACTED:PASSWORD]'"),
                finding("PASSWORD", "postgresql://admin:Pg-4dm1n@10.20.30.40:5432/app",
                        "postgresql://admin:[REDACTED:PASSWORD]@10.20.30.40:5432/app"),
                finding("PASSWORD", "DATABASE_URL is mysql://root:toor@localhost/shop", "DATABASE_URL is mysql://root:[REDACTED:PASSWORD]@localhost/shop"),
                finding("PASSWORD", "redis://:s3cret@127.0.0.1:6379/0", "redis://:[REDACTED:PASSWORD]@127.0.0.1:6379/0"),
                finding("PASSWORD", "https://bob:p%40ss@[::1]:8443/x", "https://bob:[REDACTED:PASSWORD]@[::1]:8443/x"),
                finding("PASSWORD", "amqp://guest:guest@rabbit.internal:5672/", "amqp://guest:[REDACTED:PASSWORD]@rabbit.internal:5672/"),
                finding("SECRET", "secret: 9f8e7d6c", "secret: [REDACTED:SECRET]"),
                finding("SECRET", "api_key=abcd1234", "api_key=[REDACTED:SECRET]"),
                finding("SECRET", "https://x.test/cb?access_token=abc123&x=1", "https://x.test/cb?access_token=[REDACTED:SECRET]&x=1"),
                finding("SECRET", "client_secret: \"plain words\"", "client_secret: \"[REDACTED:SECRET]\""),
                finding("SECRET", "token=abcdef", "token=[REDACTED:SECRET]"),
                // personal data
                finding("EMAIL", "write to jane.doe+billing@example.co.uk.", "write to [REDACTED:EMAIL]."),
                finding("EMAIL", "<bob@mail.example.com>", "<[REDACTED:EMAIL]>"),
                finding("PHONE", "call +1 (415) 555-2671 today", "call [REDACTED:PHONE] today"),
                finding("PHONE", "+44 20 7946 0958", "[REDACTED:PHONE]"),
                finding("PHONE", "+44 (0)20 7946 0958", "[REDACTED:PHONE]"),
                finding("PHONE", "mobile +4915112345678.", "mobile [REDACTED:PHONE]."),
                finding("PHONE", "(415) 555-2671", "[REDACTED:PHONE]"),
                finding("PHONE", "415-555-2671 or 415.555.2671", "[REDACTED:PHONE] or [REDACTED:PHONE]"),
                finding("PHONE", "1-800-555-0199", "[REDACTED:PHONE]"),
                finding("PHONE", "tel 020 7946 0958", "tel [REDACTED:PHONE]"),
                finding("PHONE", "06 12 34 56 78", "[REDACTED:PHONE]"),
                finding("PHONE", "030-12345678", "[REDACTED:PHONE]"),
                finding("CARD_NUMBER", "card 4111 1111 1111 1111 exp 12/27", "card [REDACTED:CARD_NUMBER] exp 12/27"),
                finding("CARD_NUMBER", "4111-1111-1111-1111", "[REDACTED:CARD_NUMBER]"),
                finding("CARD_NUMBER", "4111111111111111", "[REDACTED:CARD_NUMBER]"),
                finding("CARD_NUMBER", "5555 5555 5555 4444", "[REDACTED:CARD_NUMBER]"),
                finding("CARD_NUMBER", "amex 3782 822463 10005", "amex [REDACTED:CARD_NUMBER]"),
                finding("CARD_NUMBER", "6011111111111117 2026", "[REDACTED:CARD_NUMBER] 2026"),
                finding("IBAN", "IBAN DE89 3704 0044 0532 0130 00 Berlin", "IBAN [REDACTED:IBAN] Berlin"),
                finding("IBAN", "GB82 WEST 1234 5698 7654 32", "[REDACTED:IBAN]"),
                finding("IBAN", "to FR1420041010050500013M02606.", "to [REDACTED:IBAN]."),
                finding("IBAN", "NL91ABNA0417164300", "[REDACTED:IBAN]"),
                finding("US_SSN", "SSN 536-22-1234", "SSN [REDACTED:US_SSN]"),
                finding("US_SSN", "123 45 6789", "[REDACTED:US_SSN]"));
    }

    private static Arguments finding(String kind, String text, String expected) {
        return Arguments.of(kind, text, expected);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("findings")
    void redacts(String kind, String text, String expected) {
        Sanitized s = Sanitizers.standard(text);
        assertEquals(expected, s.message().text());
        assertEquals(Map.of(kind, expected.split("\\[REDACTED:", -1).length - 1), s.counts());
    }

    static Stream<Arguments> nearMisses() {
        return Stream.of(
                miss("AWS_ACCESS_KEY", "AKIA1234 is too short"),
                miss("AWS_ACCESS_KEY", "lower case akiaiosfodnn7example"),
                miss("AWS_ACCESS_KEY", "inside a word XAKIAIOSFODNN7EXAMPLE"),
                miss("AWS_ACCESS_KEY", "one too long AKIAIOSFODNN7EXAMPLE1"),
                miss("AWS_SECRET_KEY", "aws_secret_access_key=tooShort"),
                miss("GITHUB_TOKEN", "ghp_short and ghx_" + "a1B2".repeat(9)),
                miss("SLACK_TOKEN", "xoxo-hugs-and-kisses, xoxb-123"),
                miss("SLACK_WEBHOOK", "see https://api.slack.com/messaging/webhooks"),
                miss("STRIPE_KEY", "publishable pk_live_4eC39HqLyjWDarjtT1zdp7dc, sk_live_abc"),
                miss("OPENAI_KEY", "sk-learn and scikit-learn"),
                miss("OPENAI_KEY", "sk-this-is-only-a-slug-name-without-digits"),
                miss("OPENAI_KEY", "task-1234567890abcdefghijklmn"),
                miss("GOOGLE_API_KEY", "AIza123 is short"),
                miss("PRIVATE_KEY", "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A\n-----END PUBLIC KEY-----"),
                miss("PRIVATE_KEY", "-----BEGIN CERTIFICATE-----"),
                miss("PRIVATE_KEY", "keep your private key private"),
                miss("JWT", "eyJhbGciOiJIUzI1NiJ9 alone, and eyJ.eyJ.x"),
                miss("BEARER_TOKEN", "the bearer of this letter; bearer instruments; Bearer token"),
                miss("PASSWORD", "Reset your password: click the link below."),
                miss("PASSWORD", "Use a strong password: at least 12 characters, with a mix."),
                miss("PASSWORD", "password reset, passwords must be long, Password: N/A"),
                miss("PASSWORD", "pwd: /home/me"),
                miss("PASSWORD", "http://localhost:8080/a2a and https://10.0.0.1:8443/x?a=b@c"),
                miss("SECRET", "the token: it expires. Token: 5. max_tokens=1024, prompt_tokens: 12"),
                miss("SECRET", "the secret: is out; a token bucket; api key rotation"),
                miss("EMAIL", "user@localhost, name@1.2.3, @handle, a@b.c, version@2.0, foo@bar"),
                miss("PHONE", "123-456-7890 has area code 1, (012) 345-6789 too"),
                miss("PHONE", "ext 555-0100, on 2026-11-23 at 10:30, host 10.0.0.1, +1.5% up, $1,299.99"),
                miss("PHONE", "+1 234 is too short; 1 2 3 4 5 6 7 8 9 10"),
                miss("PHONE", "01.02.2026 and 05-11-2026 14:30"),
                miss("CARD_NUMBER", "4111 1111 1111 1112 fails Luhn"),
                miss("CARD_NUMBER", "1234 5678 9012 3456 starts with 1"),
                miss("CARD_NUMBER", "ISBN 9780306406157 and 978-0-306-40615-7"),
                miss("CARD_NUMBER", "mixed 4111-1111 1111-1111"),
                miss("CARD_NUMBER", "timestamp 1763942400000"),
                miss("IBAN", "DE89 3704 0044 0532 0130 01 fails mod 97"),
                miss("IBAN", "XX89370400440532013000 is no country"),
                miss("IBAN", "DE8937040044053201300 is one short"),
                miss("US_SSN", "000-12-3456 666-12-3456 900-12-3456"),
                miss("US_SSN", "123-00-4567 123-45-0000 123-45-67890 123 45-6789"));
    }

    private static Arguments miss(String kind, String text) {
        return Arguments.of(kind, text);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("nearMisses")
    void leavesNearMissesAlone(String kind, String text) {
        Sanitized s = Sanitizers.standard(text);
        assertEquals(Map.of(), s.counts(), "near miss of " + kind);
        assertEquals(text, s.message().text());
    }

    @Test
    void aPlaceholderIsNeverRedactedAgainNorCountedTwice() {
        Sanitized once = Sanitizers.standard("mail jane@example.com, password=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
                + ".eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U");
        assertEquals("mail [REDACTED:EMAIL], password=[REDACTED:JWT]", once.message().text());
        assertEquals(Map.of("EMAIL", 1, "JWT", 1), once.counts());
        Sanitized twice = Sanitizers.standard(once.message().text());
        assertFalse(twice.redacted(), twice.counts().toString());
    }

    @Test
    void severalFindingsOfSeveralKindsAreCountedByKind() {
        Sanitized s = Sanitizers.standard("a@example.com b@example.org AKIAIOSFODNN7EXAMPLE +44 20 7946 0958");
        assertEquals(Map.of("EMAIL", 2, "AWS_ACCESS_KEY", 1, "PHONE", 1), s.counts());
        assertEquals(4, s.total());
        assertTrue(s.redacted());
    }
}
