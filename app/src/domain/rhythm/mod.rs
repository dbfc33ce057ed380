//! The program's rhythm: the meetings of a cycle's communication plan, when
//! they next take place, the plan a first cycle starts from, which agenda a
//! meeting opens, and the coaching questions of a one-on-one
//! ([`coaching`]). Every function takes today's date as an argument.

pub mod coaching;
pub mod planning;
#[cfg(test)]
mod tests;

use super::cycles::Calendar;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use time::{Date, Duration, Weekday};

/// The kind of meeting a plan row describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MeetingKind {
    AllHands,
    DepartmentReview,
    TeamWeekly,
    OneOnOne,
    PlanningWorkshop,
    Retrospective,
    /// A meeting the organisation names itself.
    Custom,
}

impl MeetingKind {
    pub const ALL: [MeetingKind; 7] = [
        MeetingKind::AllHands,
        MeetingKind::DepartmentReview,
        MeetingKind::TeamWeekly,
        MeetingKind::OneOnOne,
        MeetingKind::PlanningWorkshop,
        MeetingKind::Retrospective,
        MeetingKind::Custom,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MeetingKind::AllHands => "all_hands",
            MeetingKind::DepartmentReview => "department_review",
            MeetingKind::TeamWeekly => "team_weekly",
            MeetingKind::OneOnOne => "one_on_one",
            MeetingKind::PlanningWorkshop => "planning_workshop",
            MeetingKind::Retrospective => "retrospective",
            MeetingKind::Custom => "custom",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            MeetingKind::AllHands => "All-hands",
            MeetingKind::DepartmentReview => "Department review",
            MeetingKind::TeamWeekly => "Team weekly",
            MeetingKind::OneOnOne => "One-on-one",
            MeetingKind::PlanningWorkshop => "Planning workshop",
            MeetingKind::Retrospective => "Retrospective",
            MeetingKind::Custom => "Other (name it)",
        }
    }
}

/// The level of the organisation a meeting is held at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Organisation,
    Department,
    Team,
    Person,
}

impl Level {
    pub const ALL: [Level; 4] = [
        Level::Organisation,
        Level::Department,
        Level::Team,
        Level::Person,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Organisation => "organisation",
            Level::Department => "department",
            Level::Team => "team",
            Level::Person => "person",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Level::Organisation => "Organisation",
            Level::Department => "Department",
            Level::Team => "Team",
            Level::Person => "Person",
        }
    }
}

/// How often a meeting discusses OKRs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Frequency {
    Weekly,
    /// Every other week, counted from the cycle's first such weekday.
    Fortnightly,
    /// The first such weekday of each month.
    Monthly,
    /// Once, in the planning window.
    Planning,
    /// Once, in the retrospective window.
    Retrospective,
}

impl Frequency {
    pub const ALL: [Frequency; 5] = [
        Frequency::Weekly,
        Frequency::Fortnightly,
        Frequency::Monthly,
        Frequency::Planning,
        Frequency::Retrospective,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Frequency::Weekly => "weekly",
            Frequency::Fortnightly => "fortnightly",
            Frequency::Monthly => "monthly",
            Frequency::Planning => "planning",
            Frequency::Retrospective => "retrospective",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Frequency::Weekly => "Every week",
            Frequency::Fortnightly => "Every two weeks",
            Frequency::Monthly => "Once a month",
            Frequency::Planning => "Once, while planning",
            Frequency::Retrospective => "Once, in the retrospective",
        }
    }
}

macro_rules! parse_by_name {
    ($type:ty, $what:literal) => {
        impl FromStr for $type {
            type Err = String;
            fn from_str(raw: &str) -> Result<Self, String> {
                Self::ALL
                    .into_iter()
                    .find(|value| value.as_str() == raw)
                    .ok_or_else(|| format!(concat!("Choose a ", $what, " from the list.")))
            }
        }
    };
}
parse_by_name!(MeetingKind, "meeting type");
parse_by_name!(Level, "level");
parse_by_name!(Frequency, "frequency");

/// The weekdays a meeting can be held on, Monday first, as ISO numbers 1–7.
pub const WEEKDAYS: [(u8, &str); 7] = [
    (1, "Monday"),
    (2, "Tuesday"),
    (3, "Wednesday"),
    (4, "Thursday"),
    (5, "Friday"),
    (6, "Saturday"),
    (7, "Sunday"),
];

/// "Monday" for 1.
pub fn weekday_name(iso: u8) -> &'static str {
    WEEKDAYS
        .iter()
        .find(|(n, _)| *n == iso)
        .map_or("", |(_, name)| name)
}

fn weekday_of(iso: u8) -> Weekday {
    match iso {
        1 => Weekday::Monday,
        2 => Weekday::Tuesday,
        3 => Weekday::Wednesday,
        4 => Weekday::Thursday,
        5 => Weekday::Friday,
        6 => Weekday::Saturday,
        _ => Weekday::Sunday,
    }
}

/// The first `weekday` on or after `day`.
fn on_or_after(day: Date, weekday: Weekday) -> Date {
    let ahead =
        (weekday.number_days_from_monday() + 7 - day.weekday().number_days_from_monday()) % 7;
    day + Duration::days(i64::from(ahead))
}

/// The days a meeting held `frequency` on ISO `weekday` takes place in the
/// cycle of `calendar`, in order.
pub fn occurrences(frequency: Frequency, weekday: u8, calendar: &Calendar) -> Vec<Date> {
    let weekday = weekday_of(weekday);
    let first = on_or_after(calendar.start, weekday);
    let within = |day: &Date| *day <= calendar.end;
    let days: Vec<Date> = match frequency {
        Frequency::Weekly | Frequency::Fortnightly => {
            let step = if frequency == Frequency::Weekly {
                7
            } else {
                14
            };
            std::iter::successors(Some(first), |day| Some(*day + Duration::days(step)))
                .take_while(within)
                .collect()
        }
        Frequency::Monthly => {
            let mut days = Vec::new();
            let mut month_start = calendar.start.replace_day(1).unwrap_or(calendar.start);
            while month_start <= calendar.end {
                let day = on_or_after(month_start, weekday);
                if day >= calendar.start && within(&day) {
                    days.push(day);
                }
                month_start = next_month(month_start);
            }
            days
        }
        // The window's first such weekday; if the window is shorter than a
        // week, the first one after its start.
        Frequency::Planning => vec![first].into_iter().filter(within).collect(),
        Frequency::Retrospective => vec![on_or_after(calendar.retro_start(), weekday)]
            .into_iter()
            .filter(within)
            .collect(),
    };
    days
}

fn next_month(first_of_month: Date) -> Date {
    let (year, month) = (first_of_month.year(), first_of_month.month());
    let (year, month) = if month == time::Month::December {
        (year + 1, time::Month::January)
    } else {
        (year, month.next())
    };
    Date::from_calendar_date(year, month, 1).unwrap_or(first_of_month)
}

/// The next day, from `today` on, that the meeting takes place in the cycle.
pub fn next_occurrence(
    frequency: Frequency,
    weekday: u8,
    calendar: &Calendar,
    today: Date,
) -> Option<Date> {
    occurrences(frequency, weekday, calendar)
        .into_iter()
        .find(|day| *day >= today)
}

/// The meeting date an agenda opened on `today` keeps its notes under: the
/// latest occurrence on or before today, so notes written the day after a
/// Monday stand-up still belong to it; before the first one, the first.
pub fn meeting_day(occurrences: &[Date], today: Date) -> Option<Date> {
    occurrences
        .iter()
        .rev()
        .find(|day| **day <= today)
        .or_else(|| occurrences.first())
        .copied()
}

/// Which agenda a meeting opens, and for whom: an agenda's notes are kept
/// under its key ([`AgendaKey::to_string`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum AgendaKey {
    /// A unit's team weekly.
    Weekly(i64),
    /// A person's one-on-one with their lead.
    OneOnOne(i64),
    /// The organisation's all-hands (`None`) or a department's review.
    Review(Option<i64>),
}

impl AgendaKey {
    /// The agenda's page.
    pub fn href(self) -> String {
        match self {
            AgendaKey::Weekly(unit) => format!("/agendas/weekly/{unit}"),
            AgendaKey::OneOnOne(person) => format!("/agendas/one-on-one/{person}"),
            AgendaKey::Review(None) => "/agendas/all-hands".to_owned(),
            AgendaKey::Review(Some(unit)) => format!("/agendas/review/{unit}"),
        }
    }
}

impl fmt::Display for AgendaKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AgendaKey::Weekly(unit) => write!(f, "weekly:{unit}"),
            AgendaKey::OneOnOne(person) => write!(f, "one-on-one:{person}"),
            AgendaKey::Review(None) => write!(f, "review:org"),
            AgendaKey::Review(Some(unit)) => write!(f, "review:{unit}"),
        }
    }
}

impl FromStr for AgendaKey {
    type Err = String;
    fn from_str(raw: &str) -> Result<Self, String> {
        let bad = || format!("“{raw}” is not an agenda.");
        let (kind, id) = raw.split_once(':').ok_or_else(bad)?;
        let number = || id.parse::<i64>().map_err(|_| bad());
        match kind {
            "weekly" => Ok(AgendaKey::Weekly(number()?)),
            "one-on-one" => Ok(AgendaKey::OneOnOne(number()?)),
            "review" if id == "org" => Ok(AgendaKey::Review(None)),
            "review" => Ok(AgendaKey::Review(Some(number()?))),
            _ => Err(bad()),
        }
    }
}

/// The agenda a meeting of `kind` at `level` opens for `person`, who
/// belongs to `unit` (their team for a team meeting, their department for a
/// department meeting): a team weekly opens the unit's weekly, a one-on-one
/// the person's, an all-hands the organisation's review, a department
/// review the department's; a custom meeting the agenda of its level. A
/// planning workshop and a retrospective have none: the cycle page is
/// theirs (its planning checklist and its retrospective list).
pub fn agenda_for(
    kind: MeetingKind,
    level: Level,
    unit: Option<i64>,
    person: i64,
) -> Option<AgendaKey> {
    let by_level = |level| match level {
        Level::Organisation => Some(AgendaKey::Review(None)),
        Level::Department => unit.map(|unit| AgendaKey::Review(Some(unit))),
        Level::Team => unit.map(AgendaKey::Weekly),
        Level::Person => Some(AgendaKey::OneOnOne(person)),
    };
    match kind {
        MeetingKind::PlanningWorkshop | MeetingKind::Retrospective => None,
        MeetingKind::TeamWeekly => by_level(Level::Team),
        MeetingKind::OneOnOne => by_level(Level::Person),
        MeetingKind::AllHands => by_level(Level::Organisation),
        MeetingKind::DepartmentReview => by_level(Level::Department),
        MeetingKind::Custom => by_level(level),
    }
}

/// Whether a meeting of `kind` at `level` brings its discussion points to
/// the agenda `key` (which unit it is held for is checked apart).
pub fn feeds(kind: MeetingKind, level: Level, key: AgendaKey) -> bool {
    let same = |a: Option<AgendaKey>| {
        a.is_some_and(|a| std::mem::discriminant(&a) == std::mem::discriminant(&key))
    };
    match key {
        // The all-hands and a department's review are both reviews: tell them apart.
        AgendaKey::Review(None) => {
            agenda_for(kind, level, None, 0) == Some(AgendaKey::Review(None))
        }
        AgendaKey::Review(Some(_)) => {
            agenda_for(kind, level, Some(0), 0) == Some(AgendaKey::Review(Some(0)))
        }
        _ => same(agenda_for(kind, level, Some(0), 0)),
    }
}

/// A meeting of the plan, as typed or drawn from the default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingDraft {
    pub kind: MeetingKind,
    pub custom_name: String,
    pub level: Level,
    pub frequency: Frequency,
    pub weekday: u8,
    pub format: String,
    pub owner: String,
    pub points: String,
}

/// The plan a first cycle starts from, drawn from the OKR guide: OKRs in the
/// meetings people already hold (team weeklies, all-hands, one-on-ones),
/// planning with clear expectations, and a retrospective nobody skips.
pub fn default_plan() -> Vec<MeetingDraft> {
    let row = |kind, level, frequency, weekday, format: &str, owner: &str, points: &[&str]| {
        MeetingDraft {
            kind,
            custom_name: String::new(),
            level,
            frequency,
            weekday,
            format: format.to_owned(),
            owner: owner.to_owned(),
            points: points.join("\n"),
        }
    };
    vec![
        row(
            MeetingKind::PlanningWorkshop,
            Level::Organisation,
            Frequency::Planning,
            2,
            "Half a day in the first week of the cycle, with every lead",
            "OKR ambassador",
            &[
                "The strategic priorities, and why they matter now",
                "Which units take part this cycle, and what is expected of them",
                "Top-level objectives broad enough to engage teams, clear enough to act on",
                "Why important and why urgent, for every objective",
                "Work that needs more than one team: shared objectives and who decides",
            ],
        ),
        row(
            MeetingKind::AllHands,
            Level::Organisation,
            Frequency::Monthly,
            5,
            "10 minutes in the monthly all-hands",
            "OKR ambassador",
            &[
                "Progress against the expected line, unit by unit",
                "The biggest movers and the KPIs that recovered",
                "One lesson learned worth sharing",
            ],
        ),
        row(
            MeetingKind::DepartmentReview,
            Level::Department,
            Frequency::Fortnightly,
            3,
            "20 minutes in the department leads' meeting",
            "Department lead",
            &[
                "Where are we behind the expected line, and why?",
                "Dependencies between our teams and with other departments",
                "What do we stop doing to make room?",
            ],
        ),
        row(
            MeetingKind::TeamWeekly,
            Level::Team,
            Frequency::Weekly,
            1,
            "15 minutes at the start of the Monday stand-up",
            "Team lead",
            &[
                "Everyone checks in before the meeting",
                "Low confidence and problems first: what would help?",
                "Key results nobody checked in on",
                "What do we do differently this week?",
            ],
        ),
        row(
            MeetingKind::OneOnOne,
            Level::Person,
            Frequency::Fortnightly,
            4,
            "The first 10 minutes of the regular one-on-one",
            "Lead",
            &[
                "Coaching, not a status report: what is in the way?",
                "Is the confidence honest, and what would raise it?",
                "What did you learn since last time?",
            ],
        ),
        row(
            MeetingKind::Retrospective,
            Level::Team,
            Frequency::Retrospective,
            4,
            "One hour per team, before its objectives are closed",
            "Team lead",
            &[
                "What went well, what did not, and why — whether or not we hit the target",
                "Lessons to carry into the next cycle",
                "A closing note for every objective",
            ],
        ),
    ]
}
