//! The sign-in page and the guards that keep pages to the right people.

use super::{CurrentUser, use_session};
use crate::components::{ErrorPanel, FieldError, FormAlert, last_error};
use crate::domain::roles::Role;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;

#[component]
pub fn SignInPage() -> impl IntoView {
    let session = use_session();
    let error = last_error(session.sign_in);
    let signed_in = move || session.user.get().and_then(Result::ok).flatten().is_some();
    view! {
        <Title text="Sign in · Northstar"/>
        // Someone already signed in has nothing to do here.
        <Transition fallback=|| ()>
            <Show when=signed_in>
                <Redirect path="/"/>
            </Show>
        </Transition>
        <main class="auth-page">
            <section class="panel auth-panel" aria-labelledby="sign-in-heading">
                <h1 id="sign-in-heading">"Sign in to Northstar"</h1>
                <p class="muted">"Your organisation's objectives and key results, in one place."</p>
                <ActionForm action=session.sign_in>
                    <div class="field">
                        <label for="sign-in-email">"Email"</label>
                        <input
                            id="sign-in-email"
                            type="email"
                            name="email"
                            autocomplete="username"
                            required
                            maxlength="254"
                            aria-describedby="sign-in-email-error"
                        />
                        <FieldError error field="email" id="sign-in-email-error"/>
                    </div>
                    <div class="field">
                        <label for="sign-in-password">"Password"</label>
                        <input
                            id="sign-in-password"
                            type="password"
                            name="password"
                            autocomplete="current-password"
                            required
                            maxlength="256"
                            aria-describedby="sign-in-password-error"
                        />
                        <FieldError error field="password" id="sign-in-password-error"/>
                    </div>
                    <FormAlert error fields=&["credentials"]/>
                    <button type="submit" class="button button-primary" disabled=move || session.sign_in.pending().get()>
                        "Sign in"
                    </button>
                </ActionForm>
            </section>
        </main>
    }
}

/// Renders `render(user)` for a signed-in person, sends visitors to the
/// sign-in page, and (with `role`) shows [`NotAllowed`] to everyone whose
/// role is not that one.
#[component]
pub fn SignedIn<F, V>(render: F, #[prop(optional)] role: Option<Role>) -> impl IntoView
where
    F: Fn(CurrentUser) -> V + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let session = use_session();
    // A Suspend, not a closure returning one: the server renders a closure
    // twice (a dry run that starts the page's loads, then the page), and
    // each run would create the page's resources anew. When the session was
    // already known at the dry run, the first set took the ids the browser
    // then read, with values loaded by a discarded page (an error, once its
    // owner was gone): the browser rendered what the server had not sent
    // and hydration panicked. Signing out leaves the page by a redirect, so
    // nothing here needs to follow the session.
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {Suspend::new(async move {
                match session.user.await {
                    Ok(Some(user)) if role.is_none_or(|r| r == user.role) => render(user).into_any(),
                    Ok(Some(_)) => view! { <NotAllowed/> }.into_any(),
                    Ok(None) => view! { <Redirect path="/sign-in"/> }.into_any(),
                    Err(error) => view! { <ErrorPanel error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// What someone sees on a page their role does not open. On the server it
/// also answers 403, so the refusal is not just cosmetic.
#[component]
pub fn NotAllowed() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(axum::http::StatusCode::FORBIDDEN);
    }
    view! {
        <Title text="Not allowed · Northstar"/>
        <main class="page">
            <section class="panel panel-narrow" aria-labelledby="not-allowed-heading">
                <h1 id="not-allowed-heading">"Not allowed"</h1>
                <p>
                    "This page is for the OKR ambassador, who runs the program. "
                    "If you need a change to people or units, ask your ambassador."
                </p>
                <p><a href="/">"Back to your home page"</a></p>
            </section>
        </main>
    }
}
