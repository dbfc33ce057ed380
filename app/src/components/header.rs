//! The bar at the top of every page: the product, where to go, who is signed in.

use crate::auth::use_session;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_location;

#[component]
pub fn Header() -> impl IntoView {
    let session = use_session();
    let user = move || session.user.get().and_then(Result::ok).flatten();
    // Office screens show the leaderboard only: no navigation, no account.
    let location = use_location();
    let on_screen = move || location.pathname.read().starts_with("/screen/");
    view! {
        <Show when=move || !on_screen()>
        <header class="topbar">
            <a class="brand" href="/">
                <span class="brand-mark" aria-hidden="true">"✦"</span>
                "Northstar"
            </a>
            <nav aria-label="Main">
                <Transition fallback=|| ()>
                    {move || {
                        user()
                            .map(|user| {
                                let admin = user.role.may_administer();
                                view! {
                                    <A href="/" exact=true>"Home"</A>
                                    <A href="/cycles">"Cycles"</A>
                                    <A href="/leaderboard">"Leaderboard"</A>
                                    <A href="/kpis">"KPIs"</A>
                                    <A href="/lessons">"Lessons"</A>
                                    <Show when=move || admin>
                                        <A href="/admin">"Administration"</A>
                                    </Show>
                                }
                            })
                    }}
                </Transition>
            </nav>
            <Transition fallback=|| ()>
                {move || {
                    user()
                        .map(|user| {
                            view! {
                                <div class="whoami">
                                    <a class="whoami-name" href="/profile" title="Your account">{user.name}</a>
                                    <span class="role-badge">{user.role.label()}</span>
                                    <ActionForm action=session.sign_out>
                                        <button type="submit" class="button button-quiet">"Sign out"</button>
                                    </ActionForm>
                                </div>
                            }
                        })
                }}
            </Transition>
        </header>
        </Show>
    }
}
