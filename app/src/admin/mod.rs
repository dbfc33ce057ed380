//! The administration area: the ambassador's place to manage people and
//! units and office screens. Everyone else gets a clear "not allowed", and every server
//! function behind it refuses them too.

use crate::auth::SignedIn;
use crate::domain::roles::Role;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{A, Outlet};

#[component]
pub fn AdminArea() -> impl IntoView {
    view! {
        <Title text="Administration · Northstar"/>
        <SignedIn
            role=Role::Ambassador
            render=|_| {
                view! {
                    <main class="page">
                        <h1>"Administration"</h1>
                        <nav class="tabs" aria-label="Administration">
                            <A href="/admin" exact=true>"People"</A>
                            <A href="/admin/units">"Units"</A>
                            <A href="/admin/screens">"Office screens"</A>
                            <A href="/admin/tokens">"API tokens"</A>
                        </nav>
                        <Outlet/>
                    </main>
                }
            }
        />
    }
}
