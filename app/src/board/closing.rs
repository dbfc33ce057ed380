//! Closing an objective from its card: "Close" opens the closing-note form
//! inside the card; once closed, the card shows the final score judged
//! against the objective's kind. Open boards move the card to "Closed" live
//! (the close publishes a board event like every other change).

use super::Objective;
use super::page::use_board;
use crate::domain::closing::{format_score, judgement, verdict};
use crate::domain::okr::Status;
use crate::domain::permissions::Change;
use crate::lessons::closing_form::Closing;
use crate::lessons::{ClosingForm, score_class};
use leptos::prelude::*;

#[component]
pub fn CardClosing(objective: Memo<Option<Objective>>) -> impl IntoView {
    let ctx = use_board();
    let board = ctx.board;
    let closing = RwSignal::new(false);
    // Closing is offered on active cards; drafts and proposals are closed
    // from the cycle's retrospective list when they never got going.
    let may_close = Memo::new(move |_| {
        objective.with(|o| {
            o.as_ref().is_some_and(|o| {
                o.status == Status::Active && board.with(|b| b.may(Change::Close, o))
            })
        })
    });
    let score = move || {
        objective.with(|o| {
            o.as_ref().and_then(|o| {
                let score = o.score.filter(|_| o.status == Status::Closed)?;
                Some(view! {
                    <p class=score_class(o.kind, score) title=judgement(o.kind, score)>
                        <span class="score-number">{format_score(score)}</span>
                        <span class="score-words">{verdict(o.kind, score).as_str()}</span>
                    </p>
                })
            })
        })
    };
    view! {
        {score}
        {move || (may_close.get() && !closing.get()).then(|| {
            let title = objective.with(|o| o.as_ref().map(|o| o.title.clone()).unwrap_or_default());
            view! {
                <button type="button" class="button button-small card-close" draggable="false"
                    aria-label=format!("Close {title}") on:click=move |_| closing.set(true)>"Close…"</button>
            }
        })}
        {move || closing.get().then(|| objective.get_untracked().map(|o| view! {
            <div class="card-closing" draggable="false"
                on:dragstart=|ev: leptos::ev::DragEvent| { ev.prevent_default(); ev.stop_propagation(); }>
                <h4>"Close with a closing note"</h4>
                <ClosingForm closing=Closing::New(o)
                    on_closed=Callback::new(move |closed: Objective| {
                        ctx.saved(closed);
                        closing.set(false);
                    })
                    on_cancel=Callback::new(move |_| closing.set(false))/>
            </div>
        }))}
    }
}
