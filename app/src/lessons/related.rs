//! Past lessons beside a draft: the three closing notes that best match
//! what the draft is about, refreshed as its title is typed.

use super::{LessonHit, Marked, find_related_lessons, score_class};
use crate::components::debounced;
use crate::domain::closing::judgement;
use leptos::prelude::*;
use std::time::Duration;

/// How long typing must pause before lessons are looked up.
const PAUSE: Duration = Duration::from_millis(300);

#[component]
pub fn RelatedLessons(#[prop(into)] text: Signal<String>) -> impl IntoView {
    let settled = debounced(text, PAUSE);
    // In the browser only: it sits inside pages whose own data is a
    // resource (the board, the objective page), and a resource created
    // while another resolves does not hydrate reliably.
    let lessons = LocalResource::new(move || {
        let text = settled.get();
        async move {
            if text.trim().is_empty() {
                Ok(Vec::new())
            } else {
                find_related_lessons(text).await
            }
        }
    });
    view! {
        <aside class="related-lessons" aria-labelledby="related-heading" aria-live="polite">
            <h3 id="related-heading">"Lessons from earlier objectives"</h3>
            <Transition fallback=|| view! { <p class="muted">"Looking…"</p> }>
                {crate::components::suspended(move || Suspend::new(async move {
                    match lessons.await {
                        Ok(hits) if hits.is_empty() => view! {
                            <p class="muted">
                                {if settled.with(|t| t.trim().is_empty()) {
                                    "Type a title: closing notes of similar objectives appear here."
                                } else {
                                    "No closing note matches these words yet."
                                }}
                            </p>
                        }.into_any(),
                        Ok(hits) => view! {
                            <ul class="related-list">
                                {hits.into_iter().map(|hit| view! { <RelatedLesson hit/> }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(_) => view! { <p class="muted">"Lessons could not be loaded just now."</p> }.into_any(),
                    }
                }))}
            </Transition>
        </aside>
    }
}

#[component]
fn RelatedLesson(hit: LessonHit) -> impl IntoView {
    view! {
        <li class="related-lesson">
            <a class="related-title" href=format!("/objectives/{}", hit.objective_id)><Marked fragments=hit.title/></a>
            <p class=score_class(hit.kind, hit.score)>{judgement(hit.kind, hit.score)}</p>
            <p class="related-snippet"><span class="lesson-field">{hit.field} ": "</span><Marked fragments=hit.snippet/></p>
            <p class="muted">{format!("{} · {}", hit.unit, hit.cycle)}</p>
        </li>
    }
}
