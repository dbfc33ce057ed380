//! Overlaps: objectives of different units that look like the same goal,
//! found by comparing their words. Each objective becomes a bag of
//! normalised, stemmed words (its title counting double, then its
//! description and its key results' titles), weighted by how rare each word
//! is across the cycle (TF-IDF), so "customers" — on every other objective —
//! says little and "churn" says a lot; two objectives overlap when the
//! cosine of their weighted bags reaches [`OVERLAP_THRESHOLD`].

use rust_stemmers::{Algorithm, Stemmer};
use std::collections::{BTreeMap, HashMap};

/// The similarity from which two objectives are suggested as one goal.
/// Tuned on the table of pairs that must and must not match (see the
/// tests): the lowest must-match pair scores well above it, the highest
/// must-not pair well below.
pub const OVERLAP_THRESHOLD: f64 = 0.25;

/// How much a word of the title counts against one of the description or
/// a key result: titles say what the goal is.
const TITLE_WEIGHT: f64 = 2.0;

/// Most overlaps listed at once: the strongest first.
pub const MAX_OVERLAPS: usize = 20;

/// Words that say nothing about which goal this is.
const STOP_WORDS: &[&str] = &[
    "a", "about", "above", "after", "again", "all", "also", "am", "an", "and", "any", "are", "as",
    "at", "be", "because", "been", "before", "being", "below", "between", "both", "but", "by",
    "can", "could", "did", "do", "does", "doing", "down", "during", "each", "every", "few", "for",
    "from", "further", "get", "gets", "had", "has", "have", "having", "he", "her", "here", "hers",
    "him", "his", "how", "i", "if", "in", "into", "is", "it", "its", "itself", "just", "make",
    "makes", "me", "more", "most", "much", "must", "my", "no", "nor", "not", "now", "of", "off",
    "on", "once", "one", "only", "or", "other", "our", "ours", "out", "over", "own", "per", "same",
    "she", "should", "so", "some", "such", "than", "that", "the", "their", "theirs", "them",
    "then", "there", "these", "they", "this", "those", "through", "to", "too", "under", "until",
    "up", "us", "very", "was", "we", "were", "what", "when", "where", "which", "while", "who",
    "whom", "why", "will", "with", "within", "would", "you", "your", "yours",
];

/// What the comparison reads of one objective.
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectiveText<'a> {
    pub id: &'a str,
    /// The owning unit: objectives of one unit are never compared.
    pub unit_id: i64,
    pub title: &'a str,
    pub description: &'a str,
    pub key_results: Vec<&'a str>,
}

/// Two objectives that look like the same goal; `first` is the earlier in
/// the list given (the one a merge keeps).
#[derive(Debug, Clone, PartialEq)]
pub struct Overlap {
    pub first: String,
    pub second: String,
    /// Cosine similarity, 0–1.
    pub score: f64,
}

/// Lowercase words of letters and digits, without stop words, stemmed.
pub fn terms(text: &str, stemmer: &Stemmer) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .filter(|w| w.chars().count() > 1 && !STOP_WORDS.contains(&w.as_str()))
        .map(|w| stemmer.stem(&w).into_owned())
        .collect()
}

/// The weighted bag of words of one objective, before rarity.
fn bag(objective: &ObjectiveText<'_>, stemmer: &Stemmer) -> BTreeMap<String, f64> {
    let mut bag = BTreeMap::new();
    let mut add = |text: &str, weight: f64| {
        for term in terms(text, stemmer) {
            *bag.entry(term).or_insert(0.0) += weight;
        }
    };
    add(objective.title, TITLE_WEIGHT);
    add(objective.description, 1.0);
    for kr in &objective.key_results {
        add(kr, 1.0);
    }
    bag
}

/// The strongest pairs of objectives of different units scoring at least
/// [`OVERLAP_THRESHOLD`] (at most [`MAX_OVERLAPS`]), strongest first,
/// except pairs `skip` says are known (linked to each other, told apart
/// before).
pub fn find(objectives: &[ObjectiveText<'_>], skip: impl Fn(&str, &str) -> bool) -> Vec<Overlap> {
    pairs(objectives, OVERLAP_THRESHOLD)
        .into_iter()
        .filter(|&(i, j, _)| !skip(objectives[i].id, objectives[j].id))
        .take(MAX_OVERLAPS)
        .map(|pair| overlap(objectives, pair))
        .collect()
}

/// Every pair scoring at least `threshold`, strongest first: [`find`]
/// without its limit, and the tests' view of the margins.
pub fn find_with(
    objectives: &[ObjectiveText<'_>],
    skip: impl Fn(&str, &str) -> bool,
    threshold: f64,
) -> Vec<Overlap> {
    pairs(objectives, threshold)
        .into_iter()
        .filter(|&(i, j, _)| !skip(objectives[i].id, objectives[j].id))
        .map(|pair| overlap(objectives, pair))
        .collect()
}

fn overlap(objectives: &[ObjectiveText<'_>], (i, j, score): (usize, usize, f64)) -> Overlap {
    Overlap {
        first: objectives[i].id.to_owned(),
        second: objectives[j].id.to_owned(),
        score,
    }
}

/// Pairs (by index, the earlier first) of objectives of different units
/// scoring at least `threshold`, strongest first, ties by id.
fn pairs(objectives: &[ObjectiveText<'_>], threshold: f64) -> Vec<(usize, usize, f64)> {
    let stemmer = Stemmer::create(Algorithm::English);
    let bags: Vec<BTreeMap<String, f64>> = objectives.iter().map(|o| bag(o, &stemmer)).collect();
    // Each word gets a number, in order of first appearance, and the list
    // of objectives that use it with the word's count there.
    let mut number: HashMap<&str, usize> = HashMap::new();
    let mut postings: Vec<Vec<(usize, f64)>> = Vec::new();
    for (doc, bag) in bags.iter().enumerate() {
        for (term, tf) in bag {
            let next = number.len();
            let t = *number.entry(term.as_str()).or_insert(next);
            if t == postings.len() {
                postings.push(Vec::new());
            }
            postings[t].push((doc, *tf));
        }
    }
    // Rarity: a word on every objective weighs little, one on two weighs
    // much. The weights replace the counts in place.
    let n = bags.len();
    let mut norms = vec![0.0_f64; n];
    for list in &mut postings {
        let idf = ((n as f64 + 1.0) / list.len() as f64).ln();
        for (doc, weight) in list.iter_mut() {
            *weight *= idf;
            norms[*doc] += *weight * *weight;
        }
    }
    for norm in &mut norms {
        *norm = norm.sqrt();
    }
    // A word on most objectives pairs everything with everything and
    // weighs next to nothing: it counts in a score, but cannot make a pair
    // on its own.
    let common = (n as f64 / 2.0).max(2.0);
    let mut terms_of: Vec<Vec<(usize, f64)>> = vec![Vec::new(); n];
    for (t, list) in postings.iter().enumerate() {
        for &(doc, weight) in list {
            terms_of[doc].push((t, weight));
        }
    }
    // For each objective, the dot products with every later one, gathered
    // word by word through the lists (a sparse product: pairs sharing no
    // word cost nothing).
    let mut found: Vec<(usize, usize, f64)> = Vec::new();
    let mut dot = vec![0.0_f64; n];
    let mut paired = vec![false; n];
    let mut seen = vec![false; n];
    let mut touched: Vec<usize> = Vec::new();
    for i in 0..n {
        for &(t, mine) in &terms_of[i] {
            let list = &postings[t];
            let rare = list.len() as f64 <= common;
            // The list is in objective order: the later ones are at its end.
            let later = list.partition_point(|(doc, _)| *doc <= i);
            for &(j, weight) in &list[later..] {
                if !seen[j] {
                    seen[j] = true;
                    touched.push(j);
                }
                dot[j] += mine * weight;
                paired[j] |= rare;
            }
        }
        for j in touched.drain(..) {
            seen[j] = false;
            let product = std::mem::take(&mut dot[j]);
            let shares_rare = std::mem::take(&mut paired[j]);
            if !shares_rare
                || objectives[i].unit_id == objectives[j].unit_id
                || norms[i] == 0.0
                || norms[j] == 0.0
            {
                continue;
            }
            let score = product / (norms[i] * norms[j]);
            if score >= threshold {
                found.push((i, j, score));
            }
        }
    }
    let id = |k: usize| objectives[k].id;
    found.sort_unstable_by(|x, y| {
        y.2.total_cmp(&x.2)
            .then_with(|| id(x.0).cmp(id(y.0)))
            .then_with(|| id(x.1).cmp(id(y.1)))
    });
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A cycle's objectives, as a planning team writes them: (unit, title,
    /// description, key results).
    const CYCLE: &[(i64, &str, &str, &[&str])] = &[
        (
            1,
            "Reduce customer churn",
            "Customers leave after the first renewal.",
            &[
                "Monthly churn from 4 % to 2 %",
                "Exit interviews with 20 customers",
            ],
        ),
        (
            2,
            "Fewer customers churn at renewal",
            "",
            &["Churn at renewal below 2 %"],
        ),
        (
            3,
            "The web app feels instant",
            "Slow pages are the top complaint.",
            &["p95 page load under 1 s"],
        ),
        (
            4,
            "Pages load in under a second",
            "Page load time hurts conversion.",
            &["p95 page load 0.8 s"],
        ),
        (
            5,
            "Reduce cloud costs",
            "The cloud bill grows faster than revenue.",
            &["Cloud bill per customer from 12 to 8"],
        ),
        (
            6,
            "Onboarding new customers takes a day",
            "",
            &["Time to first value under 24 hours"],
        ),
        (
            7,
            "New customers are onboarded within a day",
            "Trials stall during setup.",
            &["Onboarding completed within 24 hours for 80 % of customers"],
        ),
        (
            8,
            "Deploys are boring",
            "Fear of deploying slows every team down.",
            &["Deploy time 10 min", "Rollbacks per month 1"],
        ),
        (
            9,
            "Customers get answers the same day",
            "Waiting is the main reason for churn.",
            &["Median first reply 4 h"],
        ),
        (
            10,
            "Engineering ships something customers notice every week",
            "",
            &["Weeks with a customer-visible release"],
        ),
        (
            11,
            "Grow revenue in Germany",
            "",
            &["Revenue in Germany from 1.2 M to 2 M"],
        ),
        (
            12,
            "Grow the engineering team",
            "",
            &["Hire five engineers"],
        ),
    ];

    /// Pairs (by index) that are the same goal in other words.
    const MUST: &[(usize, usize)] = &[(0, 1), (2, 3), (5, 6)];
    /// Pairs that share words but not the goal.
    const MUST_NOT: &[(usize, usize)] = &[
        (0, 4),   // "reduce"
        (0, 8),   // "customers", "churn" in the description
        (8, 9),   // "customers"
        (10, 11), // "grow"
        (4, 10),  // "cloud" vs "engineering": nothing
        (7, 9),   // "every", "week"
        (5, 8),   // "customers", "day"
        (9, 11),  // "engineering" / "engineers"
    ];

    fn cycle() -> Vec<ObjectiveText<'static>> {
        CYCLE
            .iter()
            .enumerate()
            .map(|(i, (unit, title, description, krs))| ObjectiveText {
                id: ID[i],
                unit_id: *unit,
                title,
                description,
                key_results: krs.to_vec(),
            })
            .collect()
    }

    const ID: [&str; 12] = [
        "o0", "o1", "o2", "o3", "o4", "o5", "o6", "o7", "o8", "o9", "o10", "o11",
    ];

    fn pair(found: &[Overlap], (i, j): (usize, usize)) -> Option<f64> {
        found
            .iter()
            .find(|o| {
                (o.first == ID[i] && o.second == ID[j]) || (o.first == ID[j] && o.second == ID[i])
            })
            .map(|o| o.score)
    }

    #[test]
    fn words_are_normalised_and_stemmed_and_stop_words_go() {
        let stemmer = Stemmer::create(Algorithm::English);
        assert_eq!(
            terms(
                "Customers CHURN; the customer churned — onboarding, onboarded!",
                &stemmer
            ),
            ["custom", "churn", "custom", "churn", "onboard", "onboard"]
        );
        assert!(terms("the of and a to", &stemmer).is_empty());
    }

    #[test]
    fn the_same_goal_in_other_words_matches_and_shared_words_alone_do_not() {
        let found = find(&cycle(), |_, _| false);
        let mut scores = Vec::new();
        for &must in MUST {
            let score = pair(&found, must);
            assert!(score.is_some(), "{must:?} must match: {found:#?}");
            scores.push(score.unwrap());
        }
        for &not in MUST_NOT {
            assert_eq!(pair(&found, not), None, "{not:?} must not match");
        }
        // Exactly the pairs that should, nothing else.
        assert_eq!(found.len(), MUST.len(), "{found:#?}");
        // A margin on both sides of the threshold.
        let weakest = scores.iter().copied().fold(f64::MAX, f64::min);
        assert!(weakest >= OVERLAP_THRESHOLD + 0.04, "{weakest}");
        let all = find_with(&cycle(), |_, _| false, 0.0);
        let strongest_other = MUST_NOT
            .iter()
            .filter_map(|&not| pair(&all, not))
            .fold(0.0, f64::max);
        assert!(
            strongest_other <= OVERLAP_THRESHOLD - 0.04,
            "{strongest_other}"
        );
    }

    #[test]
    fn objectives_of_one_unit_and_known_pairs_are_not_suggested() {
        let mut same_unit = cycle();
        same_unit[1].unit_id = same_unit[0].unit_id;
        assert_eq!(pair(&find(&same_unit, |_, _| false), (0, 1)), None);
        let told_apart = find(&cycle(), |a, b| {
            [a, b] == ["o0", "o1"] || [a, b] == ["o1", "o0"]
        });
        assert_eq!(pair(&told_apart, (0, 1)), None);
        assert!(pair(&told_apart, (2, 3)).is_some());
    }

    #[test]
    fn the_strongest_come_first_and_the_same_input_gives_the_same_list() {
        let found = find(&cycle(), |_, _| false);
        assert!(found.windows(2).all(|w| w[0].score >= w[1].score));
        assert_eq!(found, find(&cycle(), |_, _| false));
    }
}
