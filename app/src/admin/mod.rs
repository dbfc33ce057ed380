//! The administration area: the ambassador's place to manage people and
//! units and office screens. Everyone else gets a clear "not allowed", and every server
//! function behind it refuses them too.

use crate::auth::SignedIn;
use crate::domain::roles::Role;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

/// The frame of an administration page: its title, the tabs, and the page
/// (`children`). Each page is a route of its own that wraps itself in this
/// frame, not a child route under an `<Outlet/>`: the server renders an
/// outlet's page twice (a dry run, then the page), and a page built twice
/// hands the browser resource ids it does not make (see
/// `components::suspended`).
#[component]
pub fn AdminArea(children: ChildrenFn) -> impl IntoView {
    view! {
        <Title text="Administration · Northstar"/>
        <SignedIn
            role=Role::Ambassador
            render=move |_| {
                let children = children.clone();
                view! {
                    <main class="page">
                        <h1>"Administration"</h1>
                        <nav class="tabs" aria-label="Administration">
                            <A href="/admin" exact=true>"People"</A>
                            <A href="/admin/units">"Units"</A>
                            <A href="/admin/screens">"Office screens"</A>
                            <A href="/admin/tokens">"API tokens"</A>
                        </nav>
                        {children()}
                    </main>
                }
            }
        />
    }
}
