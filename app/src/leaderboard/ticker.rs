//! The office screen's ticker: the latest check-ins and closings of the
//! current cycle, along the bottom of the screen. It tells only what the
//! screen could show anyway — a unit, the title of its key result or
//! objective, a closing's score, the day — and never who checked in nor
//! what they wrote. Frames carry it like the rows; `screen.js` merges it
//! and runs it (slowly, and only when it does not fit).

use super::Leaderboard;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use time::macros::format_description;

/// How many check-ins and closings the ticker carries.
pub const TICKER_ITEMS: usize = 12;

/// One line of the ticker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TickerItem {
    /// Stable from frame to frame (`check-in:<id>`, `closing:<id>`), so the
    /// screen can tell a new item from one it already shows.
    pub id: String,
    /// When it was saved (RFC 3339, UTC): the newest comes first.
    pub at: String,
    /// The unit whose objective it is.
    pub unit: String,
    pub event: TickerEvent,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TickerEvent {
    CheckIn { key_result: String },
    Closing { objective: String, score: f64 },
}

/// The newest [`TICKER_ITEMS`] of check-ins and closings together, newest
/// first (the id breaks ties, so every screen shows the same order).
pub fn newest(mut items: Vec<TickerItem>) -> Vec<TickerItem> {
    items.sort_by(|a, b| b.at.cmp(&a.at).then_with(|| b.id.cmp(&a.id)));
    items.truncate(TICKER_ITEMS);
    items
}

/// "Tue 2 Dec" for `2026-12-02T10:00:00.000Z`: a day that stays true
/// whenever the frame is looked at (unlike "today").
pub fn day_label(at: &str) -> String {
    at.get(..10)
        .and_then(|day| time::Date::parse(day, format_description!("[year]-[month]-[day]")).ok())
        .and_then(|day| {
            day.format(format_description!(
                "[weekday repr:short] [day padding:none] [month repr:short]"
            ))
            .ok()
        })
        .unwrap_or_default()
}

#[component]
pub fn Ticker(board: RwSignal<Leaderboard>) -> impl IntoView {
    let items = move || board.with(|b| b.ticker.clone());
    view! {
        <section class="ticker" aria-label="Latest check-ins and closings">
            <h2 class="ticker-label">"Latest"</h2>
            <div class="ticker-window">
                // The rail is what moves; the screen's script adds a copy of
                // the list to it, so the run loops without a gap.
                <div class="ticker-rail">
                    <ol class="ticker-items">
                        {move || {
                            let items = items();
                            if items.is_empty() {
                                view! { <li class="ticker-empty">"No check-ins in this cycle yet."</li> }.into_any()
                            } else {
                                items.into_iter().map(|item| view! { <Line item/> }).collect_view().into_any()
                            }
                        }}
                    </ol>
                </div>
            </div>
        </section>
    }
}

#[component]
fn Line(item: TickerItem) -> impl IntoView {
    let TickerItem {
        id,
        at,
        unit,
        event,
    } = item;
    let what = match event {
        TickerEvent::CheckIn { key_result } => view! {
            "checked in on " <span class="ticker-title">{key_result}</span>
        }
        .into_any(),
        TickerEvent::Closing { objective, score } => view! {
            "closed " <span class="ticker-title">{objective}</span>
            {format!(" · score {}", crate::domain::closing::format_score(score))}
        }
        .into_any(),
    };
    view! {
        <li class="ticker-item" data-id=id>
            <span class="ticker-unit">{unit}</span>
            <span class="ticker-what">{what}</span>
            <span class="ticker-when">{day_label(&at)}</span>
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: &str, at: &str) -> TickerItem {
        TickerItem {
            id: id.into(),
            at: at.into(),
            unit: "Platform".into(),
            event: TickerEvent::CheckIn {
                key_result: "Deploy time".into(),
            },
        }
    }

    #[test]
    fn the_newest_come_first_and_only_so_many() {
        let mut items: Vec<TickerItem> = (0..20)
            .map(|n| {
                item(
                    &format!("check-in:{n:02}"),
                    &format!("2026-12-01T10:{n:02}:00.000Z"),
                )
            })
            .collect();
        items.push(item("closing:1", "2026-12-02T09:00:00.000Z"));
        // Saved at the same moment: the id decides, the same on every screen.
        items.push(item("check-in:aa", "2026-12-01T10:19:00.000Z"));
        let latest = newest(items);
        let ids: Vec<&str> = latest.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(latest.len(), TICKER_ITEMS);
        assert_eq!(
            &ids[..4],
            ["closing:1", "check-in:aa", "check-in:19", "check-in:18"]
        );
        assert_eq!(ids[TICKER_ITEMS - 1], "check-in:10");
        assert!(newest(Vec::new()).is_empty());
    }

    #[test]
    fn a_day_reads_as_weekday_day_month() {
        assert_eq!(day_label("2026-12-02T10:00:00.000Z"), "Wed 2 Dec");
        assert_eq!(day_label("2026-11-26T23:59:59.999Z"), "Thu 26 Nov");
        assert_eq!(day_label("soon"), "");
    }
}
