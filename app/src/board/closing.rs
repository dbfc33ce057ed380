//! Closing an objective from its card: "Close" opens the closing-note form
//! inside the card; once closed, the card shows the final score judged
//! against the objective's kind. Open boards move the card to "Closed" live
//! (the close publishes a board event like every other change).
//!
//! The form is kept by the board: when a colleague closes the objective
//! while it is open, the card moves to "Closed" with what was typed, says
//! who closed it, and points to their note.

use super::page::use_board;
use crate::components::{KeptText, kept};
use crate::domain::closing::{format_score, judgement, verdict};
use crate::domain::okr::Status;
use crate::domain::permissions::Change;
use crate::lessons::closing_form::Closing;
use crate::lessons::{ClosingForm, NoteDraft, score_class};
use crate::objectives::Objective;
use leptos::prelude::*;

#[component]
pub fn CardClosing(objective: Memo<Option<Objective>>) -> impl IntoView {
    let ctx = use_board();
    let board = ctx.board;
    let Some(initial) = objective.get_untracked() else {
        return ().into_any();
    };
    let (closing, draft) = kept(Some(format!("close:{}", initial.id)), || {
        (RwSignal::new(false), NoteDraft::new())
    });
    // Closed while the form is open: by someone else (said beside what was
    // typed), or by this person, whose close may reach the board before its
    // reply does and rebuild the card in "Closed" (the form is done then).
    let closed_by = Memo::new(move |_| {
        objective.with(|o| {
            o.as_ref()
                .filter(|o| o.status == Status::Closed)
                .map(|o| board.with(|b| b.person_name(b.viewer.id) == o.updated_by))
        })
    });
    let closed = Memo::new(move |_| closed_by.get() == Some(false));
    Effect::new(move |_| {
        if closed_by.get() == Some(true) {
            closing.set(false);
        }
    });
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
                    aria-label=format!("Close {title}")
                    on:click=move |_| {
                        if let Some(o) = objective.get_untracked() {
                            draft.start_closing(&o);
                        }
                        closing.set(true);
                    }>"Close…"</button>
            }
        })}
        {move || (closing.get() && closed.get()).then(|| objective.get_untracked().map(|o| view! {
            <ClosedMeanwhile objective=o draft on_discard=Callback::new(move |_| closing.set(false))/>
        }))}
        {move || (closing.get() && !closed.get()).then(|| objective.get_untracked().map(|o| view! {
            <div class="card-closing" data-no-drag="">
                <h4>"Close with a closing note"</h4>
                <ClosingForm closing=Closing::New(o) draft
                    on_closed=Callback::new(move |closed: Objective| {
                        closing.set(false);
                        ctx.saved(closed);
                    })
                    on_cancel=Callback::new(move |_| closing.set(false))/>
            </div>
        }))}
    }
    .into_any()
}

/// A closing note typed while a colleague closed the objective: who closed
/// it and with what score, what was typed (kept, to be added to their note
/// or sent to them), and a way to let it go.
#[component]
fn ClosedMeanwhile(
    objective: Objective,
    draft: NoteDraft,
    on_discard: Callback<()>,
) -> impl IntoView {
    let score = objective
        .score
        .map(|s| format!(" with a score of {}", format_score(s)))
        .unwrap_or_default();
    view! {
        <div class="card-closing" draggable="false" role="group" aria-label="Your closing note">
            <p class="inline-conflict" role="status">
                {format!("{} closed this objective meanwhile{score}. What you wrote is kept here: add what their note lacks.", objective.updated_by)}
            </p>
            <KeptText typed=draft.typed()/>
            <div class="form-actions">
                <a class="button button-small" href=format!("/objectives/{}", objective.id)>"Read their note"</a>
                <button type="button" class="button button-small" on:click=move |_| on_discard.run(())>"Discard mine"</button>
            </div>
        </div>
    }
}
