//! The queries of each class: seeded, so every run asks the same, and every
//! query with other words than the one before (caches flatter repeats).

use super::vocabulary::{HEAD_WORDS, Rng, business_words, tags};
use super::{MEASURED, WARM_UP};
use app::lessons::ssr;

/// A search as the page's URL gives it, and the same written by hand for bare FTS5.
pub struct Query {
    pub q: String,
    pub cycle: String,
    pub unit: String,
    pub tag: String,
    pub achieved: &'static str,
    pub floor: String,
    pub variant: usize,
}

impl Query {
    fn text(q: String, floor: String) -> Query {
        Query {
            q,
            cycle: String::new(),
            unit: String::new(),
            tag: String::new(),
            achieved: "",
            floor,
            variant: 0,
        }
    }
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

/// A filter token as the index holds it, quoted for a hand-written query.
fn facet(kind: char, value: impl std::fmt::Display) -> String {
    format!("\"{}\"", ssr::facet(kind, value))
}

/// A tag's filter token, quoted.
fn tag_token(tag: &str) -> String {
    format!("\"{}\"", ssr::tag_token(tag))
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
                ..Query::text(w.to_owned(), w.to_owned())
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
                ..Query::text(format!("{first} {second}"), format!("{first} {second}"))
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
                ..Query::text(w[..3].to_owned(), format!("{}*", &w[..3]))
            }
        })
        .collect();
    let filtered: Vec<Query> = (0..n)
        .map(|i| {
            let (w, _) = word(&mut rng, &words);
            let mut query = Query::text(w.to_owned(), String::new());
            query.variant = i % 3;
            match query.variant {
                0 => {
                    let cycle = *rng.pick(cycles);
                    query.cycle = cycle.to_string();
                    query.achieved = "yes";
                    query.floor = format!("{w} AND {} AND {}", facet('c', cycle), facet('a', 1));
                }
                1 => {
                    let (department, subtree) = rng.pick(departments);
                    query.unit = department.to_string();
                    let any: Vec<String> = subtree.iter().map(|u| facet('u', u)).collect();
                    query.floor = format!("{w} AND ({})", any.join(" OR "));
                }
                _ => {
                    let tag = tags[rng.below(20)];
                    query.tag = tag.to_owned();
                    query.floor = format!("{w} AND {}", tag_token(tag));
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
