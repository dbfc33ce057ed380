//! Turning what a person types into a full-text query (SQLite FTS5) that
//! can never be an error: every word becomes a quoted phrase, so quotes,
//! `AND`, `OR`, `NOT`, `-`, `*`, `NEAR(`, `^`, column names and unbalanced
//! parentheses are searched for as text — or dropped as punctuation —
//! instead of being read as query syntax. And back: highlighted snippets
//! into text fragments the page renders without any HTML from the database.

use serde::{Deserialize, Serialize};

/// Characters of a query that are read; the rest is ignored.
pub const MAX_QUERY_CHARS: usize = 200;
/// Words of a query that are searched for.
pub const MAX_TERMS: usize = 12;
/// The last word matches as a prefix while it is being typed, once it has
/// this many characters (shorter prefixes match too much to be useful).
pub const MIN_PREFIX: usize = 3;
/// Longest word kept (longer ones are cut: no real word is this long).
const MAX_WORD_CHARS: usize = 64;

/// Marks the start and end of a highlighted match in text from FTS5's
/// `snippet()`/`highlight()`. Control characters never stored in a note.
pub const MARK_START: char = '\u{2}';
pub const MARK_END: char = '\u{3}';

/// The words of a query, in order, and whether the last is still being typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Terms {
    pub words: Vec<String>,
    pub prefix: bool,
}

/// The words of `input`: runs of letters and digits; everything else
/// separates them. The last word is a prefix when the input ends inside it.
pub fn terms(input: &str) -> Terms {
    let input: String = input.chars().take(MAX_QUERY_CHARS).collect();
    let mut words: Vec<String> = Vec::new();
    for word in input.split(|c: char| !c.is_alphanumeric()) {
        if word.is_empty() {
            continue;
        }
        let word: String = word
            .chars()
            .take(MAX_WORD_CHARS)
            .collect::<String>()
            .to_lowercase();
        if !words.contains(&word) {
            words.push(word);
        }
        if words.len() == MAX_TERMS {
            break;
        }
    }
    let ends_in_word = input.chars().last().is_some_and(char::is_alphanumeric);
    let prefix = ends_in_word
        && words
            .last()
            .is_some_and(|w| w.chars().count() >= MIN_PREFIX)
        && input
            .split(|c: char| !c.is_alphanumeric())
            .next_back()
            .map(str::to_lowercase)
            .as_deref()
            == words.last().map(String::as_str);
    Terms { words, prefix }
}

/// The two query languages a search is written in: SQLite's FTS5 and
/// PostgreSQL's `tsquery`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    Fts5,
    TsQuery,
}

impl Syntax {
    /// A word or token as a string of the language: FTS5 in double quotes,
    /// a tsquery lexeme in single quotes, inner quotes (and, for tsquery,
    /// backslashes) escaped. There are none after [`terms`], but the quoting
    /// does not rely on that.
    pub fn quoted(self, word: &str) -> String {
        match self {
            Self::Fts5 => format!("\"{}\"", word.replace('"', "\"\"")),
            Self::TsQuery => format!("'{}'", word.replace('\\', "\\\\").replace('\'', "''")),
        }
    }

    fn prefix(self, word: &str) -> String {
        match self {
            Self::Fts5 => format!("{}*", self.quoted(word)),
            Self::TsQuery => format!("{}:*", self.quoted(word)),
        }
    }

    pub fn and(self) -> &'static str {
        match self {
            Self::Fts5 => " AND ",
            Self::TsQuery => " & ",
        }
    }

    /// Between words that must all appear: FTS5 ands phrases that follow
    /// one another (the shortest query, as the hostile table shows it).
    fn all_words(self) -> &'static str {
        match self {
            Self::Fts5 => " ",
            Self::TsQuery => self.and(),
        }
    }

    pub fn or(self) -> &'static str {
        match self {
            Self::Fts5 => " OR ",
            Self::TsQuery => " | ",
        }
    }
}

/// The words of `terms` that `keep` accepts, as strings of `syntax`; the
/// last word as a prefix while it is typed.
fn phrases(syntax: Syntax, terms: &Terms, keep: impl Fn(&str) -> bool) -> Vec<String> {
    let last = terms.words.len().saturating_sub(1);
    terms
        .words
        .iter()
        .enumerate()
        .filter(|(_, w)| keep(w))
        .map(|(i, w)| {
            if terms.prefix && i == last {
                syntax.prefix(w)
            } else {
                syntax.quoted(w)
            }
        })
        .collect()
}

/// The query for a search box: every word must appear (in any order, any
/// field); the last one as a prefix while it is typed. `None` when the
/// input has no words (the page then lists the most recent lessons).
pub fn match_query(syntax: Syntax, input: &str) -> Option<String> {
    let parts = phrases(syntax, &terms(input), |_| true);
    (!parts.is_empty()).then(|| parts.join(syntax.all_words()))
}

/// Any of the typed words (the last as a prefix while it is typed): what a
/// snippet marks. A snippet is one field, and the search's own query asks
/// for every word somewhere in the note, not in each field.
pub fn any_word_query(syntax: Syntax, input: &str) -> Option<String> {
    let parts = phrases(syntax, &terms(input), |_| true);
    (!parts.is_empty()).then(|| parts.join(syntax.or()))
}

/// Words too common to say what a text is about.
const STOP_WORDS: &[&str] = &[
    "about", "after", "again", "all", "also", "and", "any", "are", "because", "been", "before",
    "being", "but", "can", "could", "did", "does", "doing", "down", "each", "for", "from",
    "further", "had", "has", "have", "having", "her", "here", "him", "his", "how", "into", "its",
    "just", "more", "most", "much", "not", "now", "off", "once", "only", "other", "our", "out",
    "over", "own", "same", "she", "should", "some", "such", "than", "that", "the", "their", "them",
    "then", "there", "these", "they", "this", "those", "through", "too", "under", "until", "very",
    "was", "were", "what", "when", "where", "which", "while", "who", "whom", "why", "will", "with",
    "would", "you", "your", "get", "make", "new", "one", "per", "use", "way", "we", "us",
];

/// The query for lessons related to a draft: any of its meaningful words
/// (three letters or more, not a stop word), best matches first. `None`
/// when the text has none.
pub fn related_query(syntax: Syntax, text: &str) -> Option<String> {
    let meaningful = |w: &str| w.chars().count() >= MIN_PREFIX && !STOP_WORDS.contains(&w);
    let parts = phrases(syntax, &terms(text), meaningful);
    (!parts.is_empty()).then(|| parts.join(syntax.or()))
}

/// A piece of a snippet: plain text, or a match to highlight.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fragment {
    pub text: String,
    pub hit: bool,
}

/// Splits text marked with [`MARK_START`]/[`MARK_END`] into fragments.
pub fn fragments(marked: &str) -> Vec<Fragment> {
    let mut out: Vec<Fragment> = Vec::new();
    let mut current = String::new();
    let mut hit = false;
    let flush = |text: &mut String, hit: bool, out: &mut Vec<Fragment>| {
        if !text.is_empty() {
            out.push(Fragment {
                text: std::mem::take(text),
                hit,
            });
        }
    };
    for c in marked.chars() {
        match c {
            MARK_START => {
                flush(&mut current, hit, &mut out);
                hit = true;
            }
            MARK_END => {
                flush(&mut current, hit, &mut out);
                hit = false;
            }
            other => current.push(other),
        }
    }
    flush(&mut current, hit, &mut out);
    out
}

/// Whether any fragment is a match.
pub fn has_hit(fragments: &[Fragment]) -> bool {
    fragments.iter().any(|f| f.hit)
}

/// Starts every filter token of the index (cycle, unit, tag, achieved). A
/// private-use character: the index's tokenizer keeps it inside a token,
/// [`terms`] treats it as a separator, and [`clean_text`] keeps it out of
/// stored text — so no typed word and no note can match a filter token.
pub const FACET_MARK: char = '\u{E000}';

/// Removes control characters other than line breaks and tabs from stored
/// text, so the highlight marks can never come from a note itself; the
/// filter tokens' mark, so a note cannot pose as another cycle or unit; and
/// the bidirectional overrides and isolates, so a title cannot show its
/// words in an order other than the one stored ("Trojan Source").
pub fn clean_text(raw: &str) -> String {
    raw.chars()
        .filter(|&c| {
            (!c.is_control() || matches!(c, '\n' | '\t')) && c != FACET_MARK && !is_bidi_control(c)
        })
        .collect()
}

/// The characters that change the direction text is shown in.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Hostile inputs and the query each becomes: every one is plain quoted
/// phrases (each is also run against real FTS5 in `lessons::ssr`).
#[cfg(test)]
pub(crate) const HOSTILE: &[(&str, Option<&str>)] = &[
    ("", None),
    ("   ", None),
    ("\"", None),
    ("\"unbalanced", Some("\"unbalanced\"*")),
    ("say \"hello world\"", Some("\"say\" \"hello\" \"world\"")),
    (
        "onboarding AND hiring",
        Some("\"onboarding\" \"and\" \"hiring\"*"),
    ),
    ("a OR b", Some("\"a\" \"or\" \"b\"")),
    ("NOT", Some("\"not\"*")),
    ("-churn", Some("\"churn\"*")),
    ("churn -", Some("\"churn\"")),
    ("*", None),
    ("cach*", Some("\"cach\"")),
    ("NEAR(a b, 3)", Some("\"near\" \"a\" \"b\" \"3\"")),
    ("((((", None),
    ("(latency", Some("\"latency\"*")),
    ("latency)", Some("\"latency\"")),
    ("title: secret", Some("\"title\" \"secret\"*")),
    ("{title lessons}: x", Some("\"title\" \"lessons\" \"x\"")),
    ("^start", Some("\"start\"*")),
    ("a + b", Some("\"a\" \"b\"")),
    (
        "'; DROP TABLE closing_notes; --",
        Some("\"drop\" \"table\" \"closing\" \"notes\""),
    ),
    ("Über Qualität", Some("\"über\" \"qualität\"*")),
    ("日本語", Some("\"日本語\"*")),
    ("emoji 🚀 launch", Some("\"emoji\" \"launch\"*")),
    ("\u{0}\u{2}null", Some("\"null\"*")),
    ("ab", Some("\"ab\"")),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_inputs_become_quoted_phrases() {
        for (input, expected) in HOSTILE {
            assert_eq!(
                match_query(Syntax::Fts5, input).as_deref(),
                *expected,
                "{input:?}"
            );
        }
    }

    /// The same hostile inputs, as PostgreSQL lexemes: only quoted words,
    /// anded, the typed prefix as `:*`.
    #[test]
    fn hostile_inputs_become_quoted_lexemes() {
        for (input, expected) in HOSTILE {
            let expected = expected.map(|fts5| {
                fts5.split(' ')
                    .map(|word| word.replace('"', "'").replace('*', ":*"))
                    .collect::<Vec<_>>()
                    .join(" & ")
            });
            assert_eq!(match_query(Syntax::TsQuery, input), expected, "{input:?}");
        }
        assert_eq!(
            related_query(Syntax::TsQuery, "Reduce the onboarding time").as_deref(),
            Some("'reduce' | 'onboarding' | 'time':*")
        );
        // Quotes and backslashes could not end a lexeme early.
        assert_eq!(Syntax::TsQuery.quoted(r"it's\"), r"'it''s\\'");
    }

    #[test]
    fn the_last_word_is_a_prefix_only_while_typed() {
        assert_eq!(
            match_query(Syntax::Fts5, "onb").as_deref(),
            Some("\"onb\"*")
        );
        assert_eq!(
            match_query(Syntax::Fts5, "onb ").as_deref(),
            Some("\"onb\"")
        );
        assert_eq!(match_query(Syntax::Fts5, "on").as_deref(), Some("\"on\""));
        assert_eq!(
            match_query(Syntax::Fts5, "cache cach").as_deref(),
            Some("\"cache\" \"cach\"*")
        );
        // A repeated word is searched once.
        assert_eq!(
            match_query(Syntax::Fts5, "cache cache").as_deref(),
            Some("\"cache\"*")
        );
    }

    #[test]
    fn long_inputs_are_bounded() {
        let many = (0..50)
            .map(|i| format!("w{i}"))
            .collect::<Vec<_>>()
            .join(" ");
        assert_eq!(terms(&many).words.len(), MAX_TERMS);
        let huge = "x".repeat(10_000);
        let query = match_query(Syntax::Fts5, &huge).unwrap();
        assert!(query.len() < 80, "{query}");
    }

    #[test]
    fn related_lessons_use_meaningful_words() {
        assert_eq!(
            related_query(Syntax::Fts5, "Reduce the onboarding time for new hires").as_deref(),
            Some("\"reduce\" OR \"onboarding\" OR \"time\" OR \"hires\"*")
        );
        assert_eq!(related_query(Syntax::Fts5, "We and the"), None);
        assert_eq!(related_query(Syntax::Fts5, ""), None);
    }

    #[test]
    fn snippets_become_fragments() {
        let marked =
            format!("Cut {MARK_START}latency{MARK_END} by caching {MARK_START}hot{MARK_END}");
        let parts = fragments(&marked);
        assert_eq!(
            parts,
            vec![
                Fragment {
                    text: "Cut ".into(),
                    hit: false
                },
                Fragment {
                    text: "latency".into(),
                    hit: true
                },
                Fragment {
                    text: " by caching ".into(),
                    hit: false
                },
                Fragment {
                    text: "hot".into(),
                    hit: true
                },
            ]
        );
        assert!(has_hit(&parts));
        assert!(!has_hit(&fragments("plain <b>html</b> stays text")));
        assert_eq!(fragments("plain <b>")[0].text, "plain <b>");
    }

    #[test]
    fn stored_text_loses_control_characters() {
        assert_eq!(clean_text("a\u{2}b\u{3}c\nd\te\u{0}"), "abc\nd\te");
        assert_eq!(clean_text("in \u{E000}c12"), "in c12");
    }

    #[test]
    fn stored_text_loses_direction_overrides() {
        assert_eq!(
            clean_text("Ship \u{202E}gnol\u{202C} v2 \u{2067}x\u{2069}\u{200F}"),
            "Ship gnol v2 x"
        );
        // Letters of right-to-left scripts stay: only the controls go.
        assert_eq!(clean_text("שלום مرحبا"), "שלום مرحبا");
    }
}
