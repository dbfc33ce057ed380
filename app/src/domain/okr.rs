//! The vocabulary of OKRs shared by every rule: kinds, statuses, metric
//! kinds and the fallbacks of a key result that is not yet measurable.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Defines a string-backed enum: stored and sent as its snake_case name.
macro_rules! word_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            pub const ALL: &[$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                match s {
                    $($text => Ok($name::$variant),)+
                    other => Err(format!("unknown {}: {other:?}", stringify!($name))),
                }
            }
        }
    };
}

word_enum!(
    /// What an objective promises.
    ObjectiveKind {
        /// Will be achieved in full: 1.0 is success.
        Committed => "committed",
        /// A stretch: 0.7 is success.
        Aspirational => "aspirational",
    }
);

word_enum!(
    /// Where an objective is in its life.
    Status {
        Draft => "draft",
        Proposed => "proposed",
        Active => "active",
        Closed => "closed",
    }
);

word_enum!(
    /// How a key result is measured.
    MetricKind {
        Number => "number",
        Percent => "percent",
        Currency => "currency",
        /// Done or not done: progress is 0 or 1.
        Milestone => "milestone",
    }
);

word_enum!(
    /// What a key result that is not data-ready does meanwhile.
    Fallback {
        /// Wait with the key result until the data exists.
        Delay => "delay",
        /// Measure a proxy metric instead (named on the key result).
        Proxy => "proxy",
        /// Setting up the tracking is itself the key result.
        TrackingAsKeyResult => "tracking",
    }
);

word_enum!(
    /// How far the organisation is in using stretch goals.
    StretchPhase {
        /// Aspirational objectives are discouraged.
        Foundation => "foundation",
        /// At most one aspirational objective per unit per cycle.
        Intermediate => "intermediate",
        /// No limit.
        Advanced => "advanced",
    }
);

impl ObjectiveKind {
    /// The score that counts as success for this kind.
    pub fn success_score(self) -> f64 {
        match self {
            ObjectiveKind::Committed => 1.0,
            ObjectiveKind::Aspirational => 0.7,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ObjectiveKind::Committed => "Committed",
            ObjectiveKind::Aspirational => "Aspirational",
        }
    }
}

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Status::Draft => "Draft",
            Status::Proposed => "Proposed",
            Status::Active => "Active",
            Status::Closed => "Closed",
        }
    }
}

impl Fallback {
    pub fn label(self) -> &'static str {
        match self {
            Fallback::Delay => "Delay until the data exists",
            Fallback::Proxy => "Use a proxy metric",
            Fallback::TrackingAsKeyResult => "Tracking is itself the key result",
        }
    }
}

/// The milestone "tracking is itself a key result" adds for the key result
/// titled `title`, kept within `max` characters.
pub fn tracking_title(title: &str, max: usize) -> String {
    let (head, tail) = ("Tracking for “", "” is in place");
    let room = max.saturating_sub(head.chars().count() + tail.chars().count());
    let title = title.trim();
    let shown: String = if title.chars().count() > room {
        let cut: String = title.chars().take(room.saturating_sub(1)).collect();
        format!("{}…", cut.trim_end())
    } else {
        title.to_owned()
    };
    format!("{head}{shown}{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tracking_milestone_names_its_key_result_within_the_limit() {
        assert_eq!(
            tracking_title("Net revenue retention", 200),
            "Tracking for “Net revenue retention” is in place"
        );
        let long = "x".repeat(300);
        let title = tracking_title(&long, 200);
        assert_eq!(title.chars().count(), 200);
        assert!(title.ends_with("x…” is in place"));
    }

    #[test]
    fn every_word_round_trips() {
        for kind in ObjectiveKind::ALL {
            assert_eq!(kind.as_str().parse::<ObjectiveKind>(), Ok(*kind));
        }
        for status in Status::ALL {
            assert_eq!(status.as_str().parse::<Status>(), Ok(*status));
        }
        for metric in MetricKind::ALL {
            assert_eq!(metric.as_str().parse::<MetricKind>(), Ok(*metric));
        }
        for fallback in Fallback::ALL {
            assert_eq!(fallback.as_str().parse::<Fallback>(), Ok(*fallback));
        }
        for phase in StretchPhase::ALL {
            assert_eq!(phase.as_str().parse::<StretchPhase>(), Ok(*phase));
        }
        assert!("Draft".parse::<Status>().is_err());
    }

    #[test]
    fn success_depends_on_the_kind() {
        assert_eq!(ObjectiveKind::Aspirational.success_score(), 0.7);
        assert_eq!(ObjectiveKind::Committed.success_score(), 1.0);
    }
}
