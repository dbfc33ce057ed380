//! `/units/:id/review`: this week's check-ins of a unit (and the units
//! below it), low confidence and reported problems first, and the key
//! results nobody checked in on — the page a lead opens in the team meeting.

use super::form::short_day;
use super::{ReviewItem, UnitReview, get_unit_review};
use crate::auth::SignedIn;
use crate::components::ErrorPanel;
use crate::domain::cadence::LOW_CONFIDENCE;
use crate::domain::progress::format_number;
use crate::domain::progress::format_percent;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn UnitReviewPage() -> impl IntoView {
    let unit = crate::components::id_param();
    view! {
        <SignedIn render=move |_| {
            let review = Resource::new(unit, get_unit_review);
            view! {
                <Suspense fallback=|| view! { <p class="loading page">"Loading the review…"</p> }>
                    {crate::components::suspended(move || Suspend::new(async move {
                        match review.await {
                            Ok(review) => view! { <Review review/> }.into_any(),
                            Err(error) => view! { <main class="page"><ErrorPanel error/></main> }.into_any(),
                        }
                    }))}
                </Suspense>
            }
        }/>
    }
}

#[component]
fn Review(review: UnitReview) -> impl IntoView {
    let unit_id = review.unit_id;
    let title = format!("Weekly review of {} · Northstar", review.unit_path);
    let week = format!("{} – {}", short_day(&review.from), short_day(&review.to));
    let cycle = review.cycle.as_ref().map(|c| c.name.clone());
    let unit_path = review.unit_path.clone();
    view! {
        <Title text=title/>
        <main class="page review-page">
            <header class="page-header">
                <h1>"Weekly review · " {unit_path}</h1>
                <p class="muted">
                    {cycle.map_or_else(|| "No cycle is running.".to_owned(), |c| format!("{c} · "))}
                    "Check-ins from " {week}
                    " · "
                    <a href=format!("/agendas/weekly/{unit_id}")>"Team weekly agenda"</a>
                </p>
            </header>
            <ReviewSections review/>
            <crate::kpis::UnitKpis unit_id/>
        </main>
    }
}

/// This week's check-ins, low confidence and problems first, and the key
/// results nobody checked in on: the review page's body, and the team
/// weekly agenda's.
#[component]
pub fn ReviewSections(review: UnitReview) -> impl IntoView {
    let items = review
        .items
        .into_iter()
        .map(|item| view! { <Item item/> })
        .collect_view();
    let silent = review
        .silent
        .into_iter()
        .map(|s| {
            view! {
                <li>
                    <a href=format!("/objectives/{}", s.objective_id)>{s.key_result_title}</a>
                    <span class="muted">" · " {s.objective_title}</span>
                </li>
            }
        })
        .collect_view();
    let empty = items.is_empty();
    let nobody_silent = silent.is_empty();
    view! {
        <section aria-labelledby="review-heading">
            <h2 id="review-heading">"This week's check-ins"</h2>
            {if empty {
                view! { <p class="panel muted">"No check-ins this week yet."</p> }.into_any()
            } else {
                view! { <ol class="review-list">{items}</ol> }.into_any()
            }}
        </section>
        <section class="panel" aria-labelledby="silent-heading">
            <h2 id="silent-heading">"Not checked in this week"</h2>
            {if nobody_silent {
                view! { <p class="muted">"Every key result has a check-in this week."</p> }.into_any()
            } else {
                view! { <ul class="link-list">{silent}</ul> }.into_any()
            }}
        </section>
    }
}

#[component]
fn Item(item: ReviewItem) -> impl IntoView {
    let c = item.check_in;
    let low = c.confidence <= LOW_CONFIDENCE;
    let value = format!(
        "{}{}",
        format_number(c.value),
        if item.unit_label.is_empty() {
            String::new()
        } else {
            format!(" {}", item.unit_label)
        }
    );
    let texts = [
        ("Progress", c.progress),
        ("Problems", c.problems),
        ("Plans", c.plans),
    ];
    view! {
        <li class="panel review-item" class:review-low=low>
            <header class="review-item-head">
                <div>
                    <h3>{item.key_result_title}</h3>
                    <p class="muted">
                        <a href=format!("/objectives/{}", item.objective_id)>{item.objective_title}</a>
                    </p>
                </div>
                <div class="review-numbers">
                    <span class=if low { "confidence-chip confidence-low" } else { "confidence-chip" }
                        title="Confidence">{format!("{} / 10", c.confidence)}</span>
                    <span class="muted">{value} " · " {format_percent(item.progress)}</span>
                    {item.proxy.map(|p| view! { <span class="proxy-name">"measured by a proxy: " {p}</span> })}
                </div>
            </header>
            <dl class="reflection">
                {texts.into_iter().filter(|(_, t)| !t.is_empty()).map(|(label, text)| view! {
                    <dt>{label}</dt><dd>{text}</dd>
                }).collect_view()}
            </dl>
            <p class="muted small">{c.author} " · " {short_day(&c.on)}</p>
        </li>
    }
}
