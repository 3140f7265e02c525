package io.omniforge.security;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The built-in redaction rules, in the order they run, and their checks (Luhn, mod 97, phone formats). Each rule's
 * kind is the name in its placeholder: {@code [REDACTED:EMAIL]}. docs/SECURITY.md has the same table in prose.
 */
final class Rules {

    // Kinds: secrets.
    static final String PRIVATE_KEY = "PRIVATE_KEY";
    static final String JWT = "JWT";
    static final String AWS_ACCESS_KEY = "AWS_ACCESS_KEY";
    static final String AWS_SECRET_KEY = "AWS_SECRET_KEY";
    static final String GITHUB_TOKEN = "GITHUB_TOKEN";
    static final String SLACK_WEBHOOK = "SLACK_WEBHOOK";
    static final String SLACK_TOKEN = "SLACK_TOKEN";
    static final String STRIPE_KEY = "STRIPE_KEY";
    static final String OPENAI_KEY = "OPENAI_KEY";
    static final String GOOGLE_API_KEY = "GOOGLE_API_KEY";
    static final String BEARER_TOKEN = "BEARER_TOKEN";
    static final String PASSWORD = "PASSWORD";
    static final String SECRET = "SECRET";
    // Kinds: personal data.
    static final String EMAIL = "EMAIL";
    static final String IBAN = "IBAN";
    static final String CARD_NUMBER = "CARD_NUMBER";
    static final String US_SSN = "US_SSN";
    static final String PHONE = "PHONE";
    // Kinds: strict only.
    static final String RANDOM_TOKEN = "RANDOM_TOKEN";
    static final String NUMBER = "NUMBER";

    /** What a configured kind may be called: it becomes a placeholder, a metric tag and an audit field value. */
    private static final Pattern KIND_NAME = Pattern.compile("[A-Z][A-Z0-9_]{0,39}");

    private Rules() {
    }

    // ------------------------------------------------------------------------------------------ secrets

    /** The keys of {@code key=value} pairs whose value is a password; {@code pwd} only with {@code =} (see below). */
    private static final String PASSWORD_KEYS = "password|passwd|passphrase|passcode";
    private static final String SECRET_KEYS = "secret|secret[_-]?key|private[_-]?key|api[_-]?key|apikey|token";
    /** A key with up to three qualifiers in front: {@code DB_PASSWORD}, {@code spring.datasource.password}. */
    private static final String QUALIFIERS = "(?<![a-z0-9])(?<key>(?:[a-z0-9]{1,20}+[_.-]){0,3}(?:";

    static List<Rule> secrets() {
        String anyKey = QUALIFIERS + PASSWORD_KEYS + "|pwd|" + SECRET_KEYS + "))[\"']?\\s{0,3}+";
        return List.of(
                new Rule(PRIVATE_KEY, Pattern.compile("-----BEGIN (?:[A-Z0-9]{1,20} ){0,3}PRIVATE KEY(?: BLOCK)?-----"),
                        Rule.Spans.where(t -> t.contains("PRIVATE KEY")), Rules::toEndOfPem),
                new Rule(JWT, Pattern.compile("(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{7,}+\\.[A-Za-z0-9_-]{7,}+\\.[A-Za-z0-9_-]*+"),
                        Rule.Spans.where(t -> t.contains("eyJ")), Rule.Check.ANY),
                new Rule(AWS_ACCESS_KEY, Pattern.compile("(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Za-z0-9])"),
                        Rule.Spans.where(t -> containsAny(t, "AKIA", "ASIA", "ABIA", "ACCA")), Rule.Check.ANY),
                new Rule(AWS_SECRET_KEY, Pattern.compile("(?i)(?<![a-z0-9])(?:aws[_-]?secret[_-]?(?:access[_-]?)?key"
                        + "|secret[_-]?access[_-]?key)[\"']?\\s{0,3}+[:=]\\s{0,3}+[\"']?(?<redact>[a-z0-9/+=]{40})(?![a-z0-9/+=])"),
                        Rules::credentialSpans, Rule.Check.ANY),
                new Rule(GITHUB_TOKEN, Pattern.compile("(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{36,}+|github_pat_[A-Za-z0-9_]{22,}+)"),
                        Rule.Spans.where(t -> containsAny(t, "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_")), Rule.Check.ANY),
                new Rule(SLACK_WEBHOOK, Pattern.compile("(?i)https?://hooks\\.slack\\.com/(?:services|workflows|triggers)/[a-z0-9_/-]{8,}+"),
                        Rule.Spans.where(t -> t.contains("hooks.slack.com")), Rule.Check.ANY),
                new Rule(SLACK_TOKEN, Pattern.compile("(?<![A-Za-z0-9-])xox[abprs]-[A-Za-z0-9-]{10,}+"),
                        Rule.Spans.where(t -> t.contains("xox")), Rule.Check.ANY),
                new Rule(STRIPE_KEY, Pattern.compile("(?<![A-Za-z0-9_])(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{10,}+"),
                        Rule.Spans.where(t -> t.contains("_live_") || t.contains("_test_")), Rule.Check.ANY),
                new Rule(OPENAI_KEY, Pattern.compile("(?<![A-Za-z0-9_-])sk-[A-Za-z0-9_-]{20,}+"),
                        Rule.Spans.where(t -> t.contains("sk-")), (t, s, e) -> has(t, s + 3, e, Character::isDigit) && has(t, s + 3, e, Character::isLetter) ? e : -1),
                new Rule(GOOGLE_API_KEY, Pattern.compile("(?<![A-Za-z0-9_-])AIza[0-9A-Za-z_-]{35}(?![A-Za-z0-9_-])"),
                        Rule.Spans.where(t -> t.contains("AIza")), Rule.Check.ANY),
                // The password of a URL's userinfo, whatever the host (a name, an IP, localhost, [::1]):
                // postgresql://admin:<pw>@10.20.30.40/app. The user stays; an empty user (redis://:pw@host) too.
                new Rule(PASSWORD, Pattern.compile("(?i)(?<![a-z0-9+.-])[a-z][a-z0-9+.-]{0,30}+://[^\\s:/?#@\\[\\]\"'<>]{0,128}+"
                        + ":(?<redact>[^\\s/?#@\\[\\]\"'<>]{1,256}+)@"), Rule.Spans.where(t -> t.contains("://")), Rule.Check.ANY),
                new Rule(BEARER_TOKEN, Pattern.compile("(?i)(?<![a-z0-9])bearer\\s{1,5}+(?<redact>[a-z0-9._~+/-]{8,}+=*+)"),
                        t -> wordAfter(t, "bearer"), Rules::tokenLike),
                // key="value" and key='value' (JSON, YAML, code): any value.
                new Rule(Rules::credentialKind, Pattern.compile("(?i)" + anyKey + "[:=]\\s{0,3}+\"(?<redact>[^\"\\r\\n]++)\""),
                        Rules::credentialSpans, Rule.Check.ANY),
                new Rule(Rules::credentialKind, Pattern.compile("(?i)" + anyKey + "[:=]\\s{0,3}+'(?<redact>[^'\\r\\n]++)'"),
                        Rules::credentialSpans, Rule.Check.ANY),
                // key=value (properties, query strings, connection strings): any value of 3 characters or more.
                new Rule(Rules::credentialKind, Pattern.compile("(?i)" + anyKey + "=\\s{0,3}+(?<redact>[^\\s\"'&,;<>]{3,}+)"),
                        Rules::credentialSpans, Rule.Check.ANY),
                // key: value (YAML, prose): a value that looks like one, with a digit or a symbol, so that "the password:
                // choose a long one" stays. Without pwd, which is a shell command ("pwd: /home/me").
                new Rule(Rules::credentialKind, Pattern.compile("(?i)" + QUALIFIERS + PASSWORD_KEYS + "|" + SECRET_KEYS
                        + "))[\"']?\\s{0,3}+:\\s{0,3}+(?<redact>[^\\s\"'<>]{4,}+)"), Rules::credentialSpans, Rules::colonValue));
    }

    // ------------------------------------------------------------------------------------ personal data

    static List<Rule> personal() {
        return List.of(
                new Rule(EMAIL, Pattern.compile("(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}+@[A-Za-z0-9-]{1,63}+(?:\\.[A-Za-z0-9-]{1,63}+){1,8}+"),
                        Rules::emailSpans, Rules::email),
                new Rule(IBAN, Pattern.compile("(?<![A-Za-z0-9])[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]){11,30}(?![A-Za-z0-9])"),
                        Rules::ibanSpans, Rules::iban),
                new Rule(CARD_NUMBER, Pattern.compile("(?<![\\w.,+-])[2-6](?:[ -]?[0-9]){12,18}(?![\\w]|[.,-][0-9])"),
                        t -> digitRuns(t, " -", 13), Rules::card),
                new Rule(US_SSN, Pattern.compile("(?<![\\w-])(?!000|666|9[0-9]{2})[0-9]{3}(?<sep>[- ])(?!00)[0-9]{2}\\k<sep>(?!0000)[0-9]{4}(?![\\w]|-[0-9])"),
                        t -> digitRuns(t, " -", 9), Rule.Check.ANY),
                // +<country> and groups: 8 to 15 digits in all (E.164).
                new Rule(PHONE, Pattern.compile("(?<![\\w+])\\+[1-9][0-9]{0,3}+(?:[ .-]?\\([0-9]{1,5}+\\))?+(?:[ .-]?[0-9]{1,12}+){1,7}+(?![\\w]|[.-][0-9])"),
                        t -> t.indexOf('+') < 0 ? Rule.Spans.NONE : digitRuns(t, "+ .-()", 8), (t, s, e) -> groupedPrefix(t, s, e, 8, 15, false)),
                // North America: (415) 555-2671, 415-555-2671, 415.555.2671, 1-800-555-0199; area and exchange 2-9.
                new Rule(PHONE, Pattern.compile("(?<![\\w+(.-])(?<![0-9][ -])(?:1[ .-])?(?:\\([2-9][0-9]{2}\\)[ .-]?|[2-9][0-9]{2}[ .-])[2-9][0-9]{2}[ .-][0-9]{4}(?![\\w]|[.-][0-9])"),
                        t -> digitRuns(t, " .-()", 10), Rule.Check.ANY),
                // National with a trunk 0: 020 7946 0958, 06 12 34 56 78, 030-12345678; one kind of separator, 10-12 digits.
                // Neither phone rule starts in the middle of a run of digit groups (an account number, an IBAN).
                new Rule(PHONE, Pattern.compile("(?<![\\w+.-])(?<![0-9][ -])0[1-9][0-9]{0,3}+(?:[ -][0-9]{2,8}+){1,4}+(?![\\w]|[.-][0-9])"),
                        t -> digitRuns(t, " -", 10), (t, s, e) -> groupedPrefix(t, s, e, 10, 12, true)));
    }

    // --------------------------------------------------------------------------------------- strict

    static List<Rule> strict(int minDigits) {
        return List.of(
                new Rule(RANDOM_TOKEN, Pattern.compile("(?<![A-Za-z0-9+/_=-])[A-Za-z0-9+/_-]{24,}+={0,2}+"),
                        t -> tokenRuns(t, 24), Rules::randomLooking),
                new Rule(NUMBER, Pattern.compile("(?<![0-9])[0-9]{" + minDigits + ",}+"),
                        t -> digitRuns(t, "", minDigits), Rule.Check.ANY));
    }

    // ----------------------------------------------------------------------------------- configured

    /**
     * The patterns of {@code omniforge.sanitizer.patterns.<KIND>}, compiled once.
     *
     * @throws IllegalArgumentException naming the key, for a kind or an expression that cannot be used
     */
    static List<Rule> configured(Map<String, String> patterns) {
        List<Rule> rules = new ArrayList<>();
        patterns.forEach((name, regex) -> {
            String key = "omniforge.sanitizer.patterns." + name;
            String kind = name.toUpperCase(Locale.ROOT);
            if (!KIND_NAME.matcher(kind).matches()) {
                throw new IllegalArgumentException(key + ": a kind is a letter, then letters, digits or _ (at most 40)");
            }
            Pattern pattern;
            try {
                pattern = Pattern.compile(regex);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException(key + " is not a valid regular expression: " + e.getDescription());
            }
            if (pattern.matcher("").matches()) {
                throw new IllegalArgumentException(key + " matches the empty text; it would redact nothing useful");
            }
            rules.add(new Rule(kind, pattern, Rule.Spans.where(t -> true), Rule.Check.ANY));
        });
        return rules;
    }

    // -------------------------------------------------------------------------------------- checks

    /** A PEM private key runs to its END line; a key cut off before it, to the end of the text. */
    private static int toEndOfPem(String text, int start, int end) {
        int footer = text.indexOf("-----END", end);
        if (footer < 0) {
            return text.length();
        }
        int close = text.indexOf("-----", footer + 8);
        return close < 0 ? text.length() : close + 5;
    }

    /** A bearer token has a digit, a symbol or both cases: "the bearer instruments" is no token. */
    private static int tokenLike(String text, int start, int end) {
        boolean lower = false;
        boolean upper = false;
        for (int i = start; i < end; i++) {
            char c = text.charAt(i);
            if (Character.isDigit(c) || "._~+/-=".indexOf(c) >= 0) {
                return end;
            }
            lower |= Character.isLowerCase(c);
            upper |= Character.isUpperCase(c);
        }
        return lower && upper ? end : -1;
    }

    /** {@code key: value}: trailing punctuation is the sentence's; what is left needs a digit or a symbol. */
    private static int colonValue(String text, int start, int end) {
        int e = end;
        while (e > start && ".,;:!?)]}".indexOf(text.charAt(e - 1)) >= 0) {
            e--;
        }
        if (e - start < 4) {
            return -1;
        }
        return has(text, start, e, c -> !Character.isLetter(c)) ? e : -1;
    }

    /**
     * Where a credential pair can be: around each ':' or '=' right after a word ending in a key word (case aside),
     * from far enough back for the key and its qualifiers to the end of the line (a value never spans lines).
     */
    private static int[] credentialSpans(String text) {
        SpanList out = new SpanList();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != ':' && c != '=') {
                continue;
            }
            int j = i;
            for (int spaces = 0; j > 0 && spaces < 3 && text.charAt(j - 1) == ' '; spaces++) {
                j--;
            }
            if (j > 0 && (text.charAt(j - 1) == '"' || text.charAt(j - 1) == '\'')) {
                j--;
            }
            for (String word : KEY_ENDINGS) {
                if (j >= word.length() && text.regionMatches(true, j - word.length(), word, 0, word.length())) {
                    int end = i;
                    while (end < text.length() && text.charAt(end) != '\n' && text.charAt(end) != '\r') {
                        end++;
                    }
                    out.add(Math.max(0, j - KEY_REACH), end);
                    i = end;
                    break;
                }
            }
        }
        return out.toArray();
    }

    /** How far before its separator a key with its qualifiers can start. */
    private static final int KEY_REACH = 100;

    private static final List<String> KEY_ENDINGS = List.of("password", "passwd", "passphrase", "passcode", "pwd", "secret",
            "key", "token");

    /** PASSWORD for the password keys, SECRET for the others. */
    private static String credentialKind(Matcher m) {
        String key = m.group("key").toLowerCase(Locale.ROOT);
        return key.contains("pass") || key.endsWith("pwd") ? PASSWORD : SECRET;
    }

    /** The domain ends with a top-level domain of letters, and no label starts or ends with a hyphen. */
    private static int email(String text, int start, int end) {
        int at = text.indexOf('@', start);
        String[] labels = text.substring(at + 1, end).split("\\.");
        String tld = labels[labels.length - 1];
        if (tld.length() < 2 || tld.length() > 24 || !tld.chars().allMatch(Character::isLetter)) {
            return -1;
        }
        for (String label : labels) {
            if (label.isEmpty() || label.startsWith("-") || label.endsWith("-")) {
                return -1;
            }
        }
        return end;
    }

    /** The IBAN lengths of the countries of the IBAN registry. */
    private static final Map<String, Integer> IBAN_LENGTHS = ibanLengths("AD24 AE23 AL28 AT20 AZ28 BA20 BE16 BG22 BH22 BR29"
            + " BY28 CH21 CR22 CY28 CZ24 DE22 DK18 DO28 EE20 EG29 ES24 FI18 FO18 FR27 GB22 GE22 GI23 GL18 GR27 GT28 HR21"
            + " HU28 IE22 IL23 IQ23 IS26 IT27 JO30 KW30 KZ20 LB28 LC32 LI21 LT20 LU20 LV21 MC27 MD24 ME22 MK19 MR27 MT31"
            + " MU30 NL18 NO15 PK24 PL28 PS29 PT25 QA29 RO24 RS22 SA24 SC31 SE24 SI19 SK24 SM27 ST25 SV28 TL23 TN24 TR26"
            + " UA29 VA22 VG24 XK20");

    private static Map<String, Integer> ibanLengths(String table) {
        Map<String, Integer> lengths = new java.util.HashMap<>();
        for (String entry : table.split(" ")) {
            lengths.put(entry.substring(0, 2), Integer.parseInt(entry.substring(2)));
        }
        return Map.copyOf(lengths);
    }

    /**
     * As many characters as the country's IBAN has (written in groups of four when spaced), ending at the end of a
     * word, with the mod-97 check: the candidate may run on into the next words.
     */
    private static int iban(String text, int start, int end) {
        Integer length = IBAN_LENGTHS.get(text.substring(start, start + 2));
        if (length == null) {
            return -1;
        }
        StringBuilder compact = new StringBuilder(length);
        boolean spaced = false;
        int i = start;
        for (; i < end && compact.length() < length; i++) {
            char c = text.charAt(i);
            if (c == ' ') {
                if (compact.length() % 4 != 0) {
                    return -1;
                }
                spaced = true;
            } else {
                if (spaced && compact.length() % 4 == 0 && text.charAt(i - 1) != ' ') {
                    return -1;
                }
                compact.append(c);
            }
        }
        if (compact.length() != length || (i < text.length() && Character.isLetterOrDigit(text.charAt(i)))) {
            return -1;
        }
        String rearranged = compact.substring(4) + compact.substring(0, 4);
        StringBuilder numeric = new StringBuilder(rearranged.length() * 2);
        for (int k = 0; k < rearranged.length(); k++) {
            numeric.append(Character.digit(rearranged.charAt(k), 36));
        }
        return new BigInteger(numeric.toString()).mod(BigInteger.valueOf(97)).intValue() == 1 ? i : -1;
    }

    /**
     * A card number: 13 to 19 digits, at most one kind of separator, groups of 3 to 6 digits with a first group of 4,
     * and the Luhn check. The longest such prefix wins (the candidate may run on into the next number).
     */
    private static int card(String text, int start, int end) {
        char separator = 0;
        for (int i = start; i < end; i++) {
            char c = text.charAt(i);
            if (c == ' ' || c == '-') {
                if (separator != 0 && c != separator) {
                    return -1;
                }
                separator = c;
            }
        }
        if (separator != 0) {
            String[] groups = text.substring(start, end).split(String.valueOf(separator));
            if (groups[0].length() != 4) {
                return -1;
            }
        }
        return longestPrefix(text, start, end, prefix -> {
            String digits = prefix.replaceAll("[ -]", "");
            if (digits.length() < 13 || digits.length() > 19) {
                return false;
            }
            if (prefix.length() != digits.length()) {
                for (String group : prefix.split("[ -]")) {
                    if (group.length() < 3 || group.length() > 6) {
                        return false;
                    }
                }
            }
            return luhn(digits);
        });
    }

    static boolean luhn(String digits) {
        int sum = 0;
        boolean twice = false;
        for (int i = digits.length() - 1; i >= 0; i--) {
            int d = digits.charAt(i) - '0';
            if (twice) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            twice = !twice;
        }
        return sum % 10 == 0;
    }

    /** Phone numbers in groups: between min and max digits (and one kind of separator); the longest such prefix. */
    private static int groupedPrefix(String text, int start, int end, int min, int max, boolean oneSeparator) {
        return longestPrefix(text, start, end, prefix -> {
            int digits = 0;
            char separator = 0;
            for (int i = 0; i < prefix.length(); i++) {
                char c = prefix.charAt(i);
                if (c >= '0' && c <= '9') {
                    digits++;
                } else if (c == ' ' || c == '.' || c == '-') {
                    if (oneSeparator && separator != 0 && c != separator) {
                        return false;
                    }
                    separator = c;
                }
            }
            return digits >= min && digits <= max;
        });
    }

    /**
     * The end of the longest prefix of [start, end) that ends at the end of a group of digits (before a separator,
     * or at {@code end}) and passes {@code valid}; -1 when none does.
     */
    private static int longestPrefix(String text, int start, int end, java.util.function.Predicate<String> valid) {
        for (int e = end; e > start; e--) {
            boolean groupEnd = e == end || !Character.isDigit(text.charAt(e));
            if (groupEnd && Character.isDigit(text.charAt(e - 1)) && valid.test(text.substring(start, e))) {
                return e;
            }
        }
        return -1;
    }

    /**
     * Strict: a run of 24 or more that looks random, not like words: letters and digits, the spread of a random string
     * (3 bits a character or more), and a change between lower case, upper case and digit at one character in four
     * or more (symbols aside), which "the-quick-brown-fox-2" and "handle_request_v2_for_users" do not have.
     */
    private static int randomLooking(String text, int start, int end) {
        int[] seen = new int[128];
        int alphanumerics = 0;
        int changes = 0;
        int digits = 0;
        int previous = -1;
        for (int i = start; i < end; i++) {
            char c = text.charAt(i);
            seen[c & 127]++;
            int kind = Character.isDigit(c) ? 0 : Character.isLowerCase(c) ? 1 : Character.isUpperCase(c) ? 2 : -1;
            if (kind >= 0) {
                alphanumerics++;
                digits += kind == 0 ? 1 : 0;
                changes += previous >= 0 && kind != previous ? 1 : 0;
                previous = kind;
            }
        }
        if (digits == 0 || digits == alphanumerics || changes * 4 < alphanumerics) {
            return -1;
        }
        double n = end - start;
        double entropy = 0;
        for (int count : seen) {
            if (count > 0) {
                double p = count / n;
                entropy -= p * Math.log(p) / Math.log(2);
            }
        }
        return entropy >= 3.0 ? end : -1;
    }

    // ----------------------------------------------------------------------------------- text helpers

    /** The runs of digits and {@code separators} that hold at least {@code min} digits. */
    static int[] digitRuns(String text, String separators, int min) {
        return runs(text, c -> (c >= '0' && c <= '9') || separators.indexOf(c) >= 0, c -> c >= '0' && c <= '9', min);
    }

    /** The runs of characters a token is made of (letters, digits, + / _ - =), 24 or more, with a digit. */
    private static int[] tokenRuns(String text, int min) {
        return runs(text, c -> (c < 128 && Character.isLetterOrDigit(c)) || "+/_-=".indexOf(c) >= 0,
                c -> c >= '0' && c <= '9', min, 1);
    }

    private static int[] runs(String text, IntPredicate member, IntPredicate counted, int minCounted) {
        return runs(text, member, counted, 0, minCounted);
    }

    /**
     * The maximal runs of {@code member} characters at least {@code minLength} long with at least {@code minCounted}
     * {@code counted} characters, as start and end pairs.
     */
    private static int[] runs(String text, IntPredicate member, IntPredicate counted, int minLength, int minCounted) {
        SpanList out = new SpanList();
        int start = -1;
        int count = 0;
        for (int i = 0; i <= text.length(); i++) {
            boolean in = i < text.length() && member.test(text.charAt(i));
            if (in) {
                if (start < 0) {
                    start = i;
                    count = 0;
                }
                count += counted.test(text.charAt(i)) ? 1 : 0;
            } else if (start >= 0) {
                if (count >= minCounted && i - start >= minLength) {
                    out.add(start, i);
                }
                start = -1;
            }
        }
        return out.toArray();
    }

    /** Around each '@': the characters of a local part before it and of a domain after it. */
    private static int[] emailSpans(String text) {
        SpanList out = new SpanList();
        for (int at = text.indexOf('@'); at >= 0; at = text.indexOf('@', at + 1)) {
            int s = at;
            while (s > 0 && (Character.isLetterOrDigit(text.charAt(s - 1)) || "._%+-".indexOf(text.charAt(s - 1)) >= 0)) {
                s--;
            }
            int e = at + 1;
            while (e < text.length() && (Character.isLetterOrDigit(text.charAt(e)) || text.charAt(e) == '-' || text.charAt(e) == '.')) {
                e++;
            }
            if (s < at && e > at + 1) {
                out.add(s, e);
            }
        }
        return out.toArray();
    }

    /** From each word that starts like an IBAN (two capitals, two digits) to the end of its run of capitals, digits and spaces. */
    private static int[] ibanSpans(String text) {
        SpanList out = new SpanList();
        for (int i = 0; i + 15 <= text.length(); i++) {
            if (isUpper(text.charAt(i)) && isUpper(text.charAt(i + 1)) && isDigit(text.charAt(i + 2))
                    && isDigit(text.charAt(i + 3)) && (i == 0 || !Character.isLetterOrDigit(text.charAt(i - 1)))) {
                int e = i + 4;
                while (e < text.length() && (isUpper(text.charAt(e)) || isDigit(text.charAt(e)) || text.charAt(e) == ' ')) {
                    e++;
                }
                out.add(i, e);
                i = e;
            }
        }
        return out.toArray();
    }

    /** Spans in the order they are found; one that overlaps the previous one is merged into it. */
    private static final class SpanList {
        private int[] pairs = Rule.Spans.NONE;
        private int n;

        void add(int start, int end) {
            if (n > 0 && start <= pairs[n - 1]) {
                pairs[n - 1] = Math.max(pairs[n - 1], end);
                return;
            }
            if (n + 2 > pairs.length) {
                pairs = java.util.Arrays.copyOf(pairs, Math.max(8, pairs.length * 2));
            }
            pairs[n++] = start;
            pairs[n++] = end;
        }

        int[] toArray() {
            return n == pairs.length ? pairs : java.util.Arrays.copyOf(pairs, n);
        }
    }

    private static boolean isUpper(char c) {
        return c >= 'A' && c <= 'Z';
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean has(String text, int start, int end, IntPredicate test) {
        for (int i = start; i < end; i++) {
            if (test.test(text.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    private static boolean containsAny(String text, String... needles) {
        for (String needle : needles) {
            if (text.contains(needle)) {
                return true;
            }
        }
        return false;
    }

    /** From each {@code keyword} (lower case, found in any case) to the end of the word after it. */
    private static int[] wordAfter(String text, String keyword) {
        SpanList out = new SpanList();
        char lower = keyword.charAt(0);
        char upper = Character.toUpperCase(lower);
        int n = keyword.length();
        for (int i = 0; i + n <= text.length(); i++) {
            char c = text.charAt(i);
            if ((c == lower || c == upper) && text.regionMatches(true, i, keyword, 0, n)) {
                int e = i + n;
                while (e < text.length() && Character.isWhitespace(text.charAt(e))) {
                    e++;
                }
                while (e < text.length() && !Character.isWhitespace(text.charAt(e))) {
                    e++;
                }
                out.add(i, e);
                i = e - 1;
            }
        }
        return out.toArray();
    }
}
