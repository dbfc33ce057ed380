//! The profile page (`/profile`) and the page a reset link opens (`/reset/:token`).

use super::{ChangeMyName, ChangeMyPassword, ResetPassword, check_password_reset};
use crate::auth::{SignedIn, use_session};
use crate::components::{FieldError, FormAlert, last_error};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn ProfilePage() -> impl IntoView {
    view! {
        <Title text="Your account · Northstar"/>
        <SignedIn render=|user| {
            view! {
                <main class="page">
                    <header class="page-header">
                        <h1>"Your account"</h1>
                        <p class="muted">{user.email.clone()} " · " {user.role.label()}</p>
                    </header>
                    <div class="account-panels">
                        <NameForm name=user.name.clone()/>
                        <PasswordForm/>
                    </div>
                </main>
            }
        }/>
    }
}

#[component]
fn NameForm(name: String) -> impl IntoView {
    let session = use_session();
    let action = ServerAction::<ChangeMyName>::new();
    let error = last_error(action);
    let saved = move || action.value().with(|v| matches!(v, Some(Ok(_))));
    // The header shows the name too.
    Effect::new(move |_| {
        if saved() {
            session.user.refetch();
        }
    });
    view! {
        <section class="panel" aria-labelledby="name-heading">
            <h2 id="name-heading">"Name"</h2>
            <ActionForm action>
                <div class="field">
                    <label for="profile-name">"Your name, as colleagues see it"</label>
                    <input id="profile-name" name="name" value=name required maxlength="100"
                        autocomplete="name" aria-describedby="profile-name-error"/>
                    <FieldError error field="name" id="profile-name-error"/>
                </div>
                <FormAlert error/>
                <button type="submit" class="button button-primary" disabled=move || action.pending().get()>
                    "Save name"
                </button>
                <p class="form-status" role="status">{move || saved().then_some("Saved.")}</p>
            </ActionForm>
        </section>
    }
}

#[component]
fn PasswordForm() -> impl IntoView {
    let action = ServerAction::<ChangeMyPassword>::new();
    let error = last_error(action);
    let form = NodeRef::<leptos::html::Form>::new();
    let changed = move || action.value().with(|v| matches!(v, Some(Ok(_))));
    // Passwords do not stay on screen once they have done their work.
    Effect::new(move |_| {
        if changed()
            && let Some(form) = form.get_untracked()
        {
            form.reset();
        }
    });
    view! {
        <section class="panel" aria-labelledby="password-heading">
            <h2 id="password-heading">"Password"</h2>
            <p class="muted">"Changing it signs you out everywhere else."</p>
            <ActionForm action node_ref=form>
                <PasswordField error name="current_password" id="current-password" label="Current password"/>
                <NewPasswordFields error prefix="profile"/>
                <FormAlert error/>
                <button type="submit" class="button button-primary" disabled=move || action.pending().get()>
                    "Change password"
                </button>
                <p class="form-status" role="status">
                    {move || changed().then_some("Password changed. Your other sessions have been signed out.")}
                </p>
            </ActionForm>
        </section>
    }
}

/// One password input with its label and its error.
#[component]
fn PasswordField(
    error: Signal<Option<crate::error::AppError>>,
    /// The server function's argument (and the field errors name).
    name: &'static str,
    #[prop(into)] id: String,
    label: &'static str,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    let autocomplete = if name == "current_password" {
        "current-password"
    } else {
        "new-password"
    };
    let minlength = (name == "new_password").then_some("10");
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <input id=id type="password" name=name required minlength=minlength maxlength="256"
                autocomplete=autocomplete aria-describedby=error_id.clone()/>
            <FieldError error field=name id=error_id/>
        </div>
    }
}

/// A new password, typed twice.
#[component]
fn NewPasswordFields(
    error: Signal<Option<crate::error::AppError>>,
    prefix: &'static str,
) -> impl IntoView {
    view! {
        <PasswordField error name="new_password" id=format!("{prefix}-new-password") label="New password"/>
        <PasswordField error name="repeat_password" id=format!("{prefix}-repeat-password") label="New password, again"/>
    }
}

/// Where a reset link leads: whose it is, and a form for the new password.
#[component]
pub fn ResetPage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let owner = Resource::new(token, check_password_reset);
    let action = ServerAction::<ResetPassword>::new();
    let error = last_error(action);
    let done = move || action.value().with(|v| matches!(v, Some(Ok(_))));
    view! {
        <Title text="Set a new password · Northstar"/>
        <main class="auth-page">
            <section class="panel auth-panel" aria-labelledby="reset-heading">
                <h1 id="reset-heading">"Set a new password"</h1>
                <Suspense fallback=|| view! { <p class="loading">"Checking the link…"</p> }>
                    {crate::components::suspended(move || Suspend::new(async move {
                        match owner.await {
                            Err(error) => view! { <p class="form-alert" role="alert">{error.to_string()}</p> }.into_any(),
                            Ok(name) => view! {
                                <Show
                                    when=done
                                    fallback=move || view! {
                                        <p class="muted">"For " <strong>{name.clone()}</strong> ". The link works once."</p>
                                        <ActionForm action>
                                            <input type="hidden" name="token" value=token/>
                                            <NewPasswordFields error prefix="reset"/>
                                            <FormAlert error/>
                                            <button type="submit" class="button button-primary" disabled=move || action.pending().get()>
                                                "Set password"
                                            </button>
                                        </ActionForm>
                                    }
                                >
                                    <p role="status">"Your password is set, and every earlier session has been signed out."</p>
                                    <a class="button button-primary" href="/sign-in" rel="external">"Sign in"</a>
                                </Show>
                            }.into_any(),
                        }
                    }))}
                </Suspense>
            </section>
        </main>
    }
}
