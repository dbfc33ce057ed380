//! The Office screens tab of the administration: create a screen (its
//! secret address is shown once), see when each last connected, revoke.

use super::{CreateScreen, RevokeScreen, Screen, list_screens};
use crate::components::{
    ErrorPanel, FieldError, FormAlert, RowError, last_error, reload_after, report_errors,
    reset_after,
};
use crate::domain::validation;
use leptos::prelude::*;

#[component]
pub fn ScreensAdmin() -> impl IntoView {
    let create = ServerAction::<CreateScreen>::new();
    let revoke = ServerAction::<RevokeScreen>::new();
    let changes = RwSignal::new(0u32);
    let row_error = RwSignal::new(None);
    let focus = RwSignal::new(None::<i64>);
    reload_after(create, changes);
    reload_after(revoke, changes);
    report_errors(revoke, row_error);
    let screens = Resource::new(move || changes.get(), |_| list_screens());
    let error = last_error(create);
    let form = NodeRef::<leptos::html::Form>::new();
    reset_after(create, form);
    let created = move || create.value().get().and_then(Result::ok);
    let origin = move || {
        #[cfg(feature = "hydrate")]
        {
            window().location().origin().unwrap_or_default()
        }
        #[cfg(not(feature = "hydrate"))]
        {
            String::new()
        }
    };
    view! {
        <section class="panel" aria-labelledby="create-screen-heading">
            <h2 id="create-screen-heading">"Add an office screen"</h2>
            <p class="muted">"A screen shows the leaderboard without signing in, in large type for a TV. Open its address on the TV's browser."</p>
            <ActionForm action=create node_ref=form>
                <div class="form-grid">
                    <div class="field">
                        <label for="screen-name">"Name"</label>
                        <input id="screen-name" name="name" required maxlength=validation::MAX_SCREEN_NAME.to_string()
                            placeholder="Lobby TV" aria-describedby="screen-name-error"/>
                        <FieldError error field="name" id="screen-name-error"/>
                    </div>
                    <div class="field">
                        <label for="screen-rotate">"Seconds per view"</label>
                        <input id="screen-rotate" name="rotate_seconds" inputmode="numeric" value="20"
                            aria-describedby="screen-rotate-error"/>
                        <FieldError error field="rotate_seconds" id="screen-rotate-error"/>
                    </div>
                </div>
                <FormAlert error/>
                <button type="submit" class="button button-primary" disabled=move || create.pending().get()>"Add screen"</button>
            </ActionForm>
            {move || created().map(|c| {
                let address = format!("{}{}", origin(), c.path);
                view! {
                    <div class="notice notice-success" role="status">
                        <p><strong>{c.screen.name}</strong>" is ready. Open this address on the screen; it is shown only now:"</p>
                        <p><a class="screen-address" href=c.path.clone() target="_blank" rel="noopener">{address}</a></p>
                    </div>
                }
            })}
        </section>
        <section class="panel" aria-labelledby="screens-heading">
            <h2 id="screens-heading">"Office screens"</h2>
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {crate::components::suspended(move || Suspend::new(async move {
                    match screens.await {
                        Err(error) => view! { <ErrorPanel error/> }.into_any(),
                        Ok(list) if list.is_empty() => view! { <p class="muted">"No screens yet."</p> }.into_any(),
                        Ok(list) => view! {
                            <table class="table">
                                <thead><tr><th>"Name"</th><th>"Rotation"</th><th>"Last connected"</th><th>"Status"</th><th></th></tr></thead>
                                <tbody>
                                    {list.into_iter().map(|s| view! { <ScreenRow screen=s revoke error=row_error.into() focus/> }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any(),
                    }
                }))}
            </Transition>
        </section>
    }
}

#[component]
fn ScreenRow(
    screen: Screen,
    revoke: ServerAction<RevokeScreen>,
    error: Signal<Option<crate::error::AppError>>,
    focus: RwSignal<Option<i64>>,
) -> impl IntoView {
    let id = screen.id;
    let revoked = screen.revoked_at.is_some();
    let name = screen.name.clone();
    view! {
        <tr class:row-inactive=revoked>
            <td><strong>{screen.name.clone()}</strong></td>
            <td>{format!("{} s", screen.rotate_seconds)}</td>
            <td>{screen.last_connected_at.as_deref().map_or_else(|| "Never".to_owned(), timestamp)}</td>
            <td>{if revoked { "Revoked" } else { "Active" }}</td>
            <td>
                {(!revoked).then(|| view! {
                    <button type="button" class="button button-small button-danger"
                        aria-label=format!("Revoke {name}")
                        on:click=move |_| {
                            focus.set(Some(id));
                            revoke.dispatch(RevokeScreen { id });
                        }>"Revoke"</button>
                })}
                <RowError error focus id/>
            </td>
        </tr>
    }
}

/// "2026-11-26 09:14 UTC" from an RFC 3339 stamp.
fn timestamp(raw: &str) -> String {
    match (raw.get(..10), raw.get(11..16)) {
        (Some(day), Some(time)) => format!("{day} {time} UTC"),
        _ => raw.to_owned(),
    }
}
