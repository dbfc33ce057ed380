//! `/cycles/:id/board`: the planning board. Columns by status or by unit
//! (`?group=unit`), cards that can be dragged between columns and onto each
//! other (see `drag`), inline editing, and live updates from everyone else
//! on the board.

use super::card::Card;
use super::drag::{CardDrag, DragGhost, DropSpot};
use super::{Board, CreateObjective, get_board};
use crate::auth::SignedIn;
use crate::components::{ErrorPanel, FieldError, FormAlert, last_error};
use crate::cycles::PhaseBadge;
use crate::domain::okr::{ObjectiveKind, Status};
use crate::domain::permissions::Change;
use crate::error::AppError;
use crate::objectives::{Objective, new_client_id};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// What every part of a board shares.
#[derive(Clone, Copy)]
pub struct BoardContext {
    pub board: RwSignal<Board>,
    /// The last board-wide message (a refused move, a conflict…).
    pub notice: RwSignal<Option<String>>,
    /// The card being dragged, and where it would land.
    pub drag: CardDrag,
    pub live: RwSignal<LiveState>,
    pub presence: RwSignal<Vec<String>>,
}

/// The state of the board's live connection, as the header shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LiveState {
    Connecting,
    Live,
    Reconnecting,
    /// The session ended: the board stays as it was, marked, and stops.
    Ended(crate::live::SessionEnd),
}

impl LiveState {
    pub fn label(self) -> &'static str {
        match self {
            LiveState::Connecting => "Connecting…",
            LiveState::Live => "Live",
            LiveState::Reconnecting => "Reconnecting…",
            LiveState::Ended(_) => "Stopped",
        }
    }

    /// The dot's class: `live-dot live-live`, `… live-stopped`.
    pub fn dot_class(self) -> String {
        format!(
            "live-dot live-{}",
            self.label().trim_end_matches('…').to_lowercase()
        )
    }
}

/// What lets a server-rendered board (or map) be read before its
/// WebAssembly has loaded (`assets/hydrate.js`): the socket that says when
/// someone changed it, the version it was rendered at, and the mark
/// (`data-awake`) the page sets once it answers and its live client has
/// caught up with the board, so that what a person did meanwhile is done
/// again on the board as it is now.
#[derive(Clone)]
pub(super) struct Wake {
    pub socket: String,
    pub version: i64,
    pub page: NodeRef<leptos::html::Main>,
}

impl Wake {
    /// For `board`; the page is awake once `live` has heard from the server
    /// (or given up on it: a held press is better done late than never).
    pub fn of(board: &Board, live: RwSignal<LiveState>) -> Self {
        let page = NodeRef::new();
        Effect::new(move |_| {
            let main: Option<leptos::web_sys::HtmlElement> = page.get();
            if let Some(main) = main
                && live.get() != LiveState::Connecting
            {
                let _ = main.set_attribute("data-awake", "true");
            }
        });
        Wake {
            socket: format!("/ws/boards/{}", board.cycle.id),
            version: board.version,
            page,
        }
    }
}

/// What the live mark says while the page sleeps and its small socket
/// listens (shown by `body[data-watching]`, see `style/main.css`): the
/// page's own label says "Connecting…" until it starts.
#[component]
pub(super) fn WakeLabels(#[prop(optional)] class: &'static str) -> impl IntoView {
    view! {
        <span class=format!("wake-live {class}")>"Live"</span>
        <span class=format!("wake-down {class}")>"Reconnecting…"</span>
    }
}

impl BoardContext {
    /// A board's shared state, connecting (the live client sets it live).
    pub fn new(board: Board) -> Self {
        BoardContext {
            board: RwSignal::new(board),
            notice: RwSignal::new(None),
            drag: CardDrag::new(),
            live: RwSignal::new(LiveState::Connecting),
            presence: RwSignal::new(Vec::new()),
        }
    }

    /// Puts a saved objective into the board at once (the live event that
    /// follows replaces it again with the same content).
    pub fn saved(&self, objective: Objective) {
        self.board.update(
            |b| match b.objectives.iter_mut().find(|o| o.id == objective.id) {
                Some(existing) if existing.version <= objective.version => *existing = objective,
                Some(_) => {}
                None => b.objectives.push(objective),
            },
        );
    }
}

pub fn use_board() -> BoardContext {
    expect_context::<BoardContext>()
}

#[component]
pub fn BoardPage() -> impl IntoView {
    let cycle_id = cycle_param();
    // Another cycle's board in the same route loads that board (in the
    // browser; the server renders one), see `components::suspended`.
    view! {
        <SignedIn render=move |_| crate::components::suspended(move || view! { <BoardLoader cycle_id=cycle_id()/> })/>
    }
}

/// The cycle named by the route's `:id`.
pub(super) use crate::components::id_param as cycle_param;

/// Loads a cycle's board and shows it as the board, or as its alignment
/// map (`map`).
#[component]
pub(super) fn BoardLoader(cycle_id: i64, #[prop(optional)] map: bool) -> impl IntoView {
    let board = Resource::new(move || cycle_id, get_board);
    let loading = if map {
        "Loading the map…"
    } else {
        "Loading the board…"
    };
    view! {
        <Suspense fallback=move || view! { <p class="loading page">{loading}</p> }>
            // Once, not a closure (see `SignedIn`): the board's view makes
            // resources of its own, and its later changes come live.
            {Suspend::new(async move {
                match board.await {
                    Ok(board) if map => view! { <super::map::LiveMap initial=board/> }.into_any(),
                    Ok(board) => view! { <LiveBoard initial=board/> }.into_any(),
                    Err(error) => view! { <main class="page"><ErrorPanel error/></main> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn LiveBoard(initial: Board) -> impl IntoView {
    let ctx = BoardContext::new(initial);
    let wake = ctx.board.with_untracked(|board| Wake::of(board, ctx.live));
    provide_context(ctx);
    // Open editors outlive the card they are on (see `components::kept`).
    provide_context(crate::components::Kept::new());
    #[cfg(feature = "hydrate")]
    super::live_client::connect(ctx);
    super::drag::listen(ctx);

    let query = use_query_map();
    let by_unit = move || query.read().get("group").as_deref() == Some("unit");
    let from_kpi = move || {
        query
            .read()
            .get("from_kpi")
            .and_then(|id| id.parse::<i64>().ok())
    };
    let title = move || {
        ctx.board
            .with(|b| format!("{} board · Northstar", b.cycle.name))
    };

    view! {
        <Title text=title/>
        <main
            class="page page-wide board-page"
            class:board-dragging=move || ctx.drag.card.with(Option::is_some)
            data-wake-socket=wake.socket
            data-wake-version=wake.version
            node_ref=wake.page
        >
            <BoardHeader by_unit=Signal::derive(by_unit)/>
            // Built once on the server: `FromKpi` makes a resource (see `components::suspended`).
            {crate::components::suspended(move || from_kpi().map(|kpi_id| view! { <FromKpi kpi_id/> }))}
            <NewObjective/>
            <BoardNotice/>
            {move || if by_unit() { view! { <UnitColumns/> }.into_any() } else { view! { <StatusColumns/> }.into_any() }}
            <DragGhost/>
        </main>
    }
}

#[component]
fn BoardHeader(by_unit: Signal<bool>) -> impl IntoView {
    let ctx = use_board();
    let board = ctx.board;
    let cycle = move || board.with(|b| b.cycle.clone());
    let base = move || format!("/cycles/{}/board", board.with(|b| b.cycle.id));
    let others = move || {
        let me = board.with(|b| b.person_name(b.viewer.id));
        let others: Vec<String> = ctx
            .presence
            .get()
            .into_iter()
            .filter(|name| *name != me)
            .collect();
        if others.is_empty() {
            "Nobody else is here right now.".to_owned()
        } else {
            format!("Also here: {}", others.join(", "))
        }
    };
    let live_label = move || ctx.live.get().label();
    let ended = move || match ctx.live.get() {
        LiveState::Ended(reason) => Some(view! { <crate::live::SessionEndedNotice reason/> }),
        _ => None,
    };
    view! {
        <header class="board-header">
            <div>
                <h1>{move || cycle().name}</h1>
                <p class="muted">
                    {move || cycle().span()}
                    " · "
                    {move || view! { <PhaseBadge phase=cycle().phase/> }}
                </p>
            </div>
            <div class="board-tools">
                <a class="button button-small" href=move || format!("/cycles/{}/map", board.with(|b| b.cycle.id))>"Alignment map"</a>
                <nav class="segmented" aria-label="Group the board">
                    <a href=base aria-current=move || (!by_unit.get()).then_some("page")>"By status"</a>
                    <a href=move || format!("{}?group=unit", base()) aria-current=move || by_unit.get().then_some("page")>
                        "By unit"
                    </a>
                </nav>
                <p class="presence" aria-live="polite">
                    <span class=move || ctx.live.get().dot_class()></span>
                    <span class="sr-only live-label">{live_label}</span>
                    <WakeLabels class="sr-only"/>
                    {others}
                </p>
            </div>
            {ended}
        </header>
    }
}

/// A column: a drop target that sets one property of the dropped card.
#[component]
fn Column(
    title: String,
    /// What dropping here does.
    target: DropTarget,
    objectives: Signal<Vec<Objective>>,
) -> impl IntoView {
    let ctx = use_board();
    let label = format!("{title} column");
    let spot = DropSpot::Column(target);
    let drop = spot.attr();
    let over = move || ctx.drag.over.with(|over| over.as_ref() == Some(&spot));
    view! {
        <section class="column" class:drop-over=over aria-label=label data-drop=drop>
            <h2 class="column-title">
                {title}
                <span class="count">{move || objectives.with(Vec::len)}</span>
            </h2>
            <div class="cards">
                <For each=move || objectives.get() key=|o| o.id.clone() children=move |objective| view! { <Card id=objective.id/> }/>
            </div>
        </section>
    }
    .into_any()
}

/// Where a dropped card goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DropTarget {
    Status(Status),
    Unit(i64),
}

#[component]
fn StatusColumns() -> impl IntoView {
    let ctx = use_board();
    let columns = Status::ALL
        .iter()
        .map(|status| {
            let status = *status;
            let objectives = Signal::derive(move || {
                ctx.board.with(|b| b.objectives.iter().filter(|o| o.status == status).cloned().collect::<Vec<_>>())
            });
            view! { <Column title=status.label().to_owned() target=DropTarget::Status(status) objectives/> }
        })
        .collect_view();
    view! { <div class="columns">{columns}</div> }
}

#[component]
fn UnitColumns() -> impl IntoView {
    let ctx = use_board();
    // Units with objectives, and the viewer's own units, in tree order.
    let units = move || {
        ctx.board.with(|b| {
            b.units
                .iter()
                .filter(|u| {
                    b.objectives.iter().any(|o| o.unit_id == u.id) || b.viewer.units.contains(&u.id)
                })
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    view! {
        <div class="columns">
            <For
                each=units
                key=|u| u.id
                children=move |unit| {
                    let id = unit.id;
                    let objectives = Signal::derive(move || {
                        ctx.board.with(|b| b.objectives.iter().filter(|o| o.unit_id == id).cloned().collect::<Vec<_>>())
                    });
                    view! { <Column title=unit.path target=DropTarget::Unit(id) objectives/> }
                }
            />
        </div>
    }
}

/// The new-objective form prefilled from a flagged KPI (`?from_kpi=<id>`);
/// once the objective is added the board drops the parameter.
#[component]
fn FromKpi(kpi_id: i64) -> impl IntoView {
    let ctx = use_board();
    let (cycle_id, base) = ctx
        .board
        .with_untracked(|b| (b.cycle.id, format!("/cycles/{}/board", b.cycle.id)));
    let units = creatable_units(ctx.board)
        .into_iter()
        .map(|u| crate::kpis::Choice {
            id: u.id,
            label: u.path,
        })
        .collect();
    let navigate = leptos_router::hooks::use_navigate();
    let on_created = move |objective: Objective| {
        ctx.saved(objective);
        navigate(&base, Default::default());
    };
    view! { <crate::kpis::FromKpiForm kpi_id cycle_id units on_created/> }
}

/// Units the viewer may add objectives to: their own and, for a lead, the
/// units below them (the ambassador: all).
fn creatable_units(board: RwSignal<Board>) -> Vec<super::UnitChoice> {
    board.with(|b| {
        b.units
            .iter()
            .filter(|u| {
                let scope = crate::domain::permissions::Scope {
                    status: Status::Draft,
                    owner_unit: u.id,
                    shared_units: vec![],
                };
                crate::domain::permissions::check(&b.viewer.actor(), Change::Edit, &scope).is_ok()
            })
            .cloned()
            .collect()
    })
}

/// The form above the columns that adds a draft objective.
#[component]
fn NewObjective() -> impl IntoView {
    let ctx = use_board();
    let create = ServerAction::<CreateObjective>::new();
    let error = last_error(create);
    let form = NodeRef::<leptos::html::Form>::new();
    // A fresh id per form: a retried submission reuses it and is applied once.
    let client_id = RwSignal::new(new_client_id());
    Effect::new(move |_| {
        if let Some(Ok(objective)) = create.value().get() {
            ctx.saved(objective);
            client_id.set(new_client_id());
            if let Some(form) = form.get_untracked() {
                form.reset();
            }
        }
    });
    let board = ctx.board;
    let units = move || creatable_units(board);
    let cycle_id = move || board.with(|b| b.cycle.id.to_string());
    // What is typed as the title: lessons of similar objectives follow it.
    let title = RwSignal::new(String::new());
    Effect::new(move |_| {
        if let Some(Ok(_)) = create.value().get() {
            title.set(String::new());
        }
    });
    view! {
        <details class="panel new-objective" open=board.with_untracked(|b| b.objectives.is_empty())>
            <summary>"Add an objective"</summary>
            <div class="new-objective-body">
            <ActionForm action=create node_ref=form>
                <input type="hidden" name="id" value=move || client_id.get()/>
                <input type="hidden" name="cycle_id" value=cycle_id/>
                <div class="form-grid">
                    <div class="field field-wide">
                        <label for="new-objective-title">"Objective"</label>
                        <input id="new-objective-title" name="title" required maxlength="200"
                            placeholder="Customers get answers the same day" aria-describedby="new-objective-title-error"
                            on:input=move |ev| title.set(event_target_value(&ev))/>
                        <FieldError error field="title" id="new-objective-title-error"/>
                    </div>
                    <div class="field">
                        <label for="new-objective-unit">"Owning unit"</label>
                        <select id="new-objective-unit" name="unit_id" aria-describedby="new-objective-unit-error">
                            {move || units().into_iter().map(|u| view! { <option value=u.id.to_string()>{u.path}</option> }).collect_view()}
                        </select>
                        <FieldError error field="unit_id" id="new-objective-unit-error"/>
                    </div>
                    <div class="field">
                        <label for="new-objective-kind">"Kind"</label>
                        <select id="new-objective-kind" name="kind">
                            {ObjectiveKind::ALL.iter().map(|k| view! { <option value=k.as_str()>{k.label()}</option> }).collect_view()}
                        </select>
                    </div>
                </div>
                <FormAlert error fields=&["id"]/>
                <button type="submit" class="button button-primary" disabled=move || create.pending().get()>
                    "Add objective"
                </button>
            </ActionForm>
            <crate::components::ClientOnly><crate::lessons::RelatedLessons text=title/></crate::components::ClientOnly>
            </div>
        </details>
    }
}

/// The board's notice: why the last change was refused, until dismissed.
#[component]
pub fn BoardNotice() -> impl IntoView {
    let ctx = use_board();
    view! {
        <p class="board-notice" role="alert" hidden=move || ctx.notice.with(Option::is_none)>
            {move || ctx.notice.get()}
            <button type="button" class="button button-small button-quiet" on:click=move |_| ctx.notice.set(None)>
                "Dismiss"
            </button>
        </p>
    }
}

/// Shows an error from a board change in the board's notice.
pub fn notice_error(ctx: BoardContext, error: &AppError) {
    let text = match error {
        AppError::Invalid { message, .. } => message.clone(),
        other => other.to_string(),
    };
    ctx.notice.set(Some(text));
}
