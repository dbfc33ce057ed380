//! The queries of each class: seeded, so every run asks the same, and every
//! query with other words than the one before (caches flatter repeats).

use super::vocabulary::{HEAD_WORDS, Rng, business_words, tags};
use super::{MEASURED, WARM_UP};
use app::lessons::ssr;

/// A search as the page's URL gives it, and the same written by hand for
/// bare FTS5 and for a bare PostgreSQL `tsquery`.
pub struct Query {
    pub q: String,
    pub cycle: String,
    pub unit: String,
    pub tag: String,
    pub achieved: &'static str,
    pub floor: String,
    /// The floor's words as a `tsquery` literal, lexemes as the index holds
    /// them (the generated words are lower-case ASCII already).
    pub pg_floor: String,
    pub variant: usize,
}

impl Query {
    fn text(q: String, floor: String, pg_floor: String) -> Query {
        Query {
            q,
            cycle: String::new(),
            unit: String::new(),
            tag: String::new(),
            achieved: "",
            floor,
            pg_floor,
            variant: 0,
        }
    }
}

/// A lexeme quoted for a `tsquery` literal.
fn lexeme(word: &str) -> String {
    format!("'{}'", word.replace('\'', "''"))
}

pub struct Class {
    pub name: &'static str,
    /// Names of the kinds of query a class alternates between (one: none).
    pub variants: &'static [&'static str],
    pub queries: Vec<Query>,
}

/// A head word half of the time, a mid-frequency word otherwise; and
/// which of the two (the variant: 0 head, 1 other).
fn word(rng: &mut Rng, words: &[&'static str]) -> (&'static str, usize) {
    if rng.chance(0.5) {
        (words[rng.below(HEAD_WORDS)], 0)
    } else {
        (words[HEAD_WORDS + rng.below(words.len() - HEAD_WORDS)], 1)
    }
}

/// The variants of a class by its (last) word: a head word (each in
/// 10–40 % of notes) or a rarer business word.
const BY_WORD: &[&str] = &["(last) word a head word", "(last) word a rarer word"];

/// A filter token as the index holds it, quoted for a hand-written FTS5
/// query and for a `tsquery`.
fn facet(kind: char, value: impl std::fmt::Display) -> (String, String) {
    let token = ssr::facet(kind, value);
    (format!("\"{token}\""), lexeme(&token))
}

/// A tag's filter token, quoted for FTS5 and for a `tsquery`.
fn tag_token(tag: &str) -> (String, String) {
    let token = ssr::tag_token(tag);
    (format!("\"{token}\""), lexeme(&token))
}

/// The queries of every class: `cycles` and `departments` (with their subtrees) from the database.
pub fn classes(cycles: &[i64], departments: &[(i64, Vec<i64>)]) -> Vec<Class> {
    let mut rng = Rng::new(0x1e55_0115);
    let (words, tags) = (business_words(), tags());
    let n = WARM_UP + MEASURED;
    let one: Vec<Query> = (0..n)
        .map(|_| {
            let (w, variant) = word(&mut rng, &words);
            Query {
                variant,
                ..Query::text(w.to_owned(), w.to_owned(), lexeme(w))
            }
        })
        .collect();
    let two: Vec<Query> = (0..n)
        .map(|_| {
            let first = words[rng.below(HEAD_WORDS)];
            let mut second = word(&mut rng, &words);
            while second.0 == first {
                second = word(&mut rng, &words);
            }
            let (second, variant) = second;
            Query {
                variant,
                ..Query::text(
                    format!("{first} {second}"),
                    format!("{first} {second}"),
                    format!("{} & {}", lexeme(first), lexeme(second)),
                )
            }
        })
        .collect();
    let prefix: Vec<Query> = (0..n)
        .map(|_| {
            let mut w = word(&mut rng, &words);
            while w.0.len() < 4 {
                w = word(&mut rng, &words);
            }
            let (w, variant) = w;
            Query {
                variant,
                ..Query::text(
                    w[..3].to_owned(),
                    format!("{}*", &w[..3]),
                    format!("{}:*", lexeme(&w[..3])),
                )
            }
        })
        .collect();
    let filtered: Vec<Query> = (0..n)
        .map(|i| {
            let (w, _) = word(&mut rng, &words);
            let mut query = Query::text(w.to_owned(), String::new(), String::new());
            query.variant = i % 3;
            match query.variant {
                0 => {
                    let cycle = *rng.pick(cycles);
                    query.cycle = cycle.to_string();
                    query.achieved = "yes";
                    let ((c, pg_c), (a, pg_a)) = (facet('c', cycle), facet('a', 1));
                    query.floor = format!("{w} AND {c} AND {a}");
                    query.pg_floor = format!("{} & {pg_c} & {pg_a}", lexeme(w));
                }
                1 => {
                    let (department, subtree) = rng.pick(departments);
                    query.unit = department.to_string();
                    let (any, pg_any): (Vec<String>, Vec<String>) =
                        subtree.iter().map(|u| facet('u', u)).unzip();
                    query.floor = format!("{w} AND ({})", any.join(" OR "));
                    query.pg_floor = format!("{} & ({})", lexeme(w), pg_any.join(" | "));
                }
                _ => {
                    let tag = tags[rng.below(20)];
                    query.tag = tag.to_owned();
                    let (token, pg_token) = tag_token(tag);
                    query.floor = format!("{w} AND {token}");
                    query.pg_floor = format!("{} & {pg_token}", lexeme(w));
                }
            }
            query
        })
        .collect();
    vec![
        Class {
            name: "one word",
            variants: BY_WORD,
            queries: one,
        },
        Class {
            name: "two words",
            variants: BY_WORD,
            queries: two,
        },
        Class {
            name: "prefix (3 letters)",
            variants: BY_WORD,
            queries: prefix,
        },
        Class {
            name: "filtered",
            variants: &[
                "word + cycle + achieved",
                "word + department subtree",
                "word + tag",
            ],
            queries: filtered,
        },
    ]
}
