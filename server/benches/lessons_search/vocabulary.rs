//! The words of the generated notes: a Zipf distribution (s = 1.05) over
//! ~25,000 words — English function words first (as in any prose), then
//! ~300 OKR/business words, then syllable-made pseudo-words for the long
//! tail — and the seeded PRNG everything is drawn with.

use std::collections::HashSet;

const ZIPF_S: f64 = 1.05;
const DISTINCT_WORDS: usize = 25_000;

/// The most frequent words of any English prose (ranks 1–35).
const FUNCTION_WORDS: &str = "\
    the and to we of a in for was on with it our that is this by as from at not be more than \
    were had but too after before so all each into when";

/// OKR and business words, most frequent first (ranks 36–335). The first
/// [`HEAD_WORDS`] are the head (each in ~10–40% of notes), the rest
/// mid-frequency (~4–10%). See [`business_words`].
const BUSINESS_WORDS: &str = "\
    team customer customers release support data process product quarter goal target project \
    users sales launch plan feedback onboarding hiring pipeline revenue churn latency quality \
    review delivery cost growth metrics testing deadline budget scope priority roadmap feature \
    features design engineering marketing partners market service platform migration security \
    incident incidents backlog sprint stakeholders communication ownership dependencies \
    resources capacity training documentation automation dashboard reporting retention \
    conversion pricing contract vendor integration performance reliability uptime outage \
    deployment infrastructure analytics experiment experiments research interviews survey hires \
    recruiting candidates manager managers leadership alignment estimate estimates weekly \
    monthly meetings workshop rollout adoption usage accounts enterprise tickets requests \
    response queue escalation staffing coverage holidays rota handover checklist baseline \
    measurement forecast invoices billing payments checkout signup trial upgrade renewal \
    renewals discount campaign campaigns leads prospects demo demos webinar content website \
    search mobile android ios api endpoint database cache caching queries server servers cloud \
    kubernetes monitoring alerts alerting logging tracing observability postmortem runbook \
    oncall compliance audit legal privacy gdpr accessibility localisation translation prototype \
    usability wireframes mockups specification requirements acceptance regression bugs defects \
    hotfix refactoring debt architecture microservices monolith throughput scalability load \
    benchmark profiling optimisation bottleneck procurement suppliers logistics warehouse \
    inventory shipping returns refunds satisfaction nps csat sentiment complaints praise \
    advocacy community forum partnerships channel resellers territory quota commission bonus \
    compensation promotion career mentoring coaching buddy interns graduates diversity inclusion \
    wellbeing burnout morale engagement attrition turnover offboarding headcount contractors \
    freelancers agency outsourcing offshore timezone remote office relocation facilities \
    equipment laptops licences subscriptions tooling workflow approvals signoff governance \
    policy risk risks mitigation contingency fallback milestone milestones dependency blocker \
    blockers slippage delays overrun savings efficiency productivity velocity cadence \
    retrospective standup kanban prioritisation tradeoffs focus clarity transparency trust \
    collaboration handoffs silos crossfunctional sponsorship executive board investors funding \
    margin profitability cashflow expenses headroom runway acquisition expansion \
    internationalisation segment personas positioning messaging branding seo newsletter \
    referrals loyalty";
pub const HEAD_WORDS: usize = 100;

pub fn business_words() -> Vec<&'static str> {
    BUSINESS_WORDS.split_whitespace().collect()
}

pub fn tags() -> Vec<&'static str> {
    TAGS.split_whitespace().collect()
}

/// Tags, most used first (drawn with Zipf s = 1.0).
const TAGS: &str = "\
    customer-support onboarding hiring performance reliability security pricing churn retention \
    growth launch migration infrastructure data-quality analytics design-system accessibility \
    mobile api billing compliance legal privacy documentation testing automation \
    incident-response on-call staffing training recruiting partnerships sales marketing seo \
    content research customers measurement process planning estimation dependencies \
    communication leadership culture remote-work cost-saving vendors procurement logistics \
    internationalisation localisation experimentation pricing-page enterprise self-serve \
    integrations observability tech-debt";

/// splitmix64: small, fast, deterministic.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn float(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1_u64 << 53) as f64
    }

    /// Uniform in 0..n.
    pub fn below(&mut self, n: usize) -> usize {
        ((self.float() * n as f64) as usize).min(n - 1)
    }

    /// Uniform in lo..=hi.
    pub fn between(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.float() < p
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Ranks 0..len drawn with probability ∝ 1 / (rank + 1)^s.
pub struct Zipf(Vec<f64>);

impl Zipf {
    pub fn new(len: usize, s: f64) -> Zipf {
        let mut total = 0.0;
        let mut cumulative: Vec<f64> = (1..=len)
            .map(|r| {
                total += (r as f64).powf(-s);
                total
            })
            .collect();
        cumulative.iter_mut().for_each(|c| *c /= total);
        Zipf(cumulative)
    }

    pub fn sample(&self, rng: &mut Rng) -> usize {
        let u = rng.float();
        self.0.partition_point(|c| *c < u).min(self.0.len() - 1)
    }
}

/// Every word, by rank, and the distribution they are drawn from.
pub struct Vocabulary {
    pub words: Vec<String>,
    zipf: Zipf,
}

impl Vocabulary {
    pub fn new(rng: &mut Rng) -> Vocabulary {
        let mut words: Vec<String> = FUNCTION_WORDS
            .split_whitespace()
            .chain(BUSINESS_WORDS.split_whitespace())
            .map(str::to_owned)
            .collect();
        let mut seen: HashSet<String> = words.iter().cloned().collect();
        assert_eq!(seen.len(), words.len(), "a word is listed twice");
        const ONSETS: &[&str] = &[
            "b", "c", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "z",
            "br", "cr", "dr", "fl", "gr", "pl", "pr", "st", "tr", "sh", "ch", "th",
        ];
        const VOWELS: &[&str] = &["a", "e", "i", "o", "u", "ai", "ea", "io", "ou"];
        const CODAS: &[&str] = &["", "", "n", "r", "s", "t", "l", "m", "nd", "st", "x"];
        while words.len() < DISTINCT_WORDS {
            let syllables = if rng.chance(0.6) { 2 } else { 3 };
            let word: String = (0..syllables)
                .map(|_| {
                    format!(
                        "{}{}{}",
                        rng.pick(ONSETS),
                        rng.pick(VOWELS),
                        rng.pick(CODAS)
                    )
                })
                .collect();
            if seen.insert(word.clone()) {
                words.push(word);
            }
        }
        Vocabulary {
            zipf: Zipf::new(words.len(), ZIPF_S),
            words,
        }
    }

    fn word(&self, rng: &mut Rng) -> &str {
        &self.words[self.zipf.sample(rng)]
    }

    /// A title: `count` words, the first capitalised, no full stop.
    pub fn title(&self, rng: &mut Rng, count: usize) -> String {
        let words: Vec<&str> = (0..count).map(|_| self.word(rng)).collect();
        capitalised(&words.join(" "))
    }

    /// Prose of `count` words: sentences of 6–14 words, a few commas.
    pub fn prose(&self, rng: &mut Rng, count: usize) -> String {
        let mut out = String::with_capacity(count * 8);
        let mut left_in_sentence = 0;
        for _ in 0..count {
            let word = self.word(rng);
            if left_in_sentence == 0 {
                if !out.is_empty() {
                    out.push_str(". ");
                }
                out.push_str(&capitalised(word));
                left_in_sentence = rng.between(6, 14);
            } else {
                out.push_str(if rng.chance(0.06) { ", " } else { " " });
                out.push_str(word);
            }
            left_in_sentence -= 1;
        }
        out.push('.');
        out
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}
