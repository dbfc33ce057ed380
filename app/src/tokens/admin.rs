//! The API tokens tab of the administration: create a token (its secret is
//! shown once), see what each may do and when it was last used, revoke.

use super::{ApiToken, CreateApiToken, RevokeApiToken, list_api_tokens};
use crate::components::{
    ErrorPanel, FieldError, FormAlert, RowError, last_error, reload_after, report_errors,
    reset_after,
};
use leptos::prelude::*;

#[component]
pub fn TokensAdmin() -> impl IntoView {
    let create = ServerAction::<CreateApiToken>::new();
    let revoke = ServerAction::<RevokeApiToken>::new();
    let changes = RwSignal::new(0u32);
    let row_error = RwSignal::new(None);
    let focus = RwSignal::new(None::<i64>);
    reload_after(create, changes);
    reload_after(revoke, changes);
    report_errors(revoke, row_error);
    let tokens = Resource::new(move || changes.get(), |_| list_api_tokens());
    let error = last_error(create);
    let form = NodeRef::<leptos::html::Form>::new();
    reset_after(create, form);
    let created = move || create.value().get().and_then(Result::ok);
    view! {
        <section class="panel" aria-labelledby="create-token-heading">
            <h2 id="create-token-heading">"Add an API token"</h2>
            <p class="muted">"Another system uses a token to push KPI readings or read the OKRs. See "
                <code>"docs/api.md"</code>" for the requests it can make."</p>
            <ActionForm action=create node_ref=form>
                <div class="form-grid">
                    <div class="field">
                        <label for="token-name">"Name"</label>
                        <input id="token-name" name="name" required maxlength="80"
                            placeholder="Helpdesk export" aria-describedby="token-name-error"/>
                        <FieldError error field="name" id="token-name-error"/>
                    </div>
                    <div class="field">
                        <label for="token-scope">"May"</label>
                        // The whole select waits for the KPIs: comment markers
                        // inside a <select> would not survive the HTML parser.
                        <Transition fallback=|| view! { <select id="token-scope" name="scope" disabled=true></select> }>
                            {crate::components::suspended(move || Suspend::new(async move {
                                let kpis = tokens.await.map(|list| list.kpis).unwrap_or_default();
                                view! {
                                    <select id="token-scope" name="scope" aria-describedby="token-scope-error">
                                        <option value="kpi:write">"Record readings of every KPI"</option>
                                        {kpis.into_iter().map(|k| view! {
                                            <option value=format!("kpi:write:{}", k.id)>{format!("Record readings of {}", k.label)}</option>
                                        }).collect_view()}
                                        <option value="read">"Read objectives and key results"</option>
                                    </select>
                                }
                            }))}
                        </Transition>
                        <FieldError error field="scope" id="token-scope-error"/>
                    </div>
                </div>
                <FormAlert error/>
                <button type="submit" class="button button-primary" disabled=move || create.pending().get()>"Add token"</button>
            </ActionForm>
            {move || created().map(|c| view! {
                <div class="notice notice-success" role="status">
                    <p><strong>{c.token.name.clone()}</strong>" is ready. Copy the token now; it is shown only once:"</p>
                    <p><code class="token-secret">{c.secret}</code></p>
                </div>
            })}
        </section>
        <section class="panel" aria-labelledby="tokens-heading">
            <h2 id="tokens-heading">"API tokens"</h2>
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {crate::components::suspended(move || Suspend::new(async move {
                    match tokens.await {
                        Err(error) => view! { <ErrorPanel error/> }.into_any(),
                        Ok(list) if list.tokens.is_empty() => view! { <p class="muted">"No tokens yet."</p> }.into_any(),
                        Ok(list) => view! {
                            <table class="table">
                                <thead><tr><th>"Name"</th><th>"May"</th><th>"Created"</th><th>"Last used"</th><th>"Status"</th><th></th></tr></thead>
                                <tbody>
                                    {list.tokens.into_iter().map(|t| view! { <TokenRow token=t revoke error=row_error.into() focus/> }).collect_view()}
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
fn TokenRow(
    token: ApiToken,
    revoke: ServerAction<RevokeApiToken>,
    error: Signal<Option<crate::error::AppError>>,
    focus: RwSignal<Option<i64>>,
) -> impl IntoView {
    let id = token.id;
    let revoked = token.revoked_at.is_some();
    let name = token.name.clone();
    let day = |raw: &str| raw.get(..16).unwrap_or(raw).replace('T', " ");
    view! {
        <tr class:row-inactive=revoked>
            <td><strong>{token.name.clone()}</strong></td>
            <td>{token.scope_words()}</td>
            <td>{format!("{} by {}", day(&token.created_at), token.created_by)}</td>
            <td>{token.last_used_at.as_deref().map_or_else(|| "Never".to_owned(), |t| format!("{} UTC", day(t)))}</td>
            <td>{if revoked { "Revoked" } else { "Active" }}</td>
            <td>
                {(!revoked).then(|| view! {
                    <button type="button" class="button button-small button-danger"
                        aria-label=format!("Revoke {name}")
                        on:click=move |_| {
                            focus.set(Some(id));
                            revoke.dispatch(RevokeApiToken { id });
                        }>"Revoke"</button>
                })}
                <RowError error focus id/>
            </td>
        </tr>
    }
}
