//! The home page: who is signed in, their units, and the organisation.

use crate::auth::{CurrentUser, SignedIn};
use crate::components::ErrorPanel;
use crate::units::{list_units, tree_of};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <Title text="Home · Northstar"/>
        <SignedIn render=|user| view! { <Home user/> }/>
    }
}

#[component]
fn Home(user: CurrentUser) -> impl IntoView {
    let units = Resource::new(|| (), |_| list_units());
    let first_name = user
        .name
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_owned();
    let my_units = user.units.clone();
    view! {
        <main class="page">
            <h1>"Welcome, " {first_name}</h1>
            <div class="grid-two">
                <section class="panel" aria-labelledby="me-heading">
                    <h2 id="me-heading">"Signed in as"</h2>
                    <p class="person-line">
                        <strong>{user.name.clone()}</strong>
                        <span class="role-badge">{user.role.label()}</span>
                    </p>
                    <p class="muted">{user.email.clone()}</p>
                    <h3>"Your units"</h3>
                    {if my_units.is_empty() {
                        view! {
                            <p class="muted">"You do not belong to a unit yet. Your ambassador can add you to one."</p>
                        }
                            .into_any()
                    } else {
                        view! {
                            <ul class="unit-list" aria-label="Your units">
                                {my_units
                                    .into_iter()
                                    .map(|u| view! {
                                        <li>
                                            {u.display()} " · "
                                            <a href=format!("/units/{}/review", u.id)>"Weekly review"</a>
                                        </li>
                                    })
                                    .collect_view()}
                            </ul>
                        }
                            .into_any()
                    }}
                </section>
                <section class="panel" aria-labelledby="org-heading">
                    <h2 id="org-heading">"The organisation"</h2>
                    <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                        {move || Suspend::new(async move {
                            match units.await {
                                Ok(units) => {
                                    let tree = tree_of(&units);
                                    let counts: std::collections::HashMap<i64, i64> =
                                        units.iter().map(|u| (u.id, u.member_count)).collect();
                                    let rows = tree
                                        .ordered()
                                        .into_iter()
                                        .map(|(node, depth)| {
                                            let members = counts.get(&node.id).copied().unwrap_or(0);
                                            view! {
                                                <li style=format!("--depth: {depth}")>
                                                    <span>{node.name.clone()}</span>
                                                    <span class="muted">{people_count(members)}</span>
                                                </li>
                                            }
                                        })
                                        .collect_view();
                                    view! { <ul class="tree">{rows}</ul> }.into_any()
                                }
                                Err(error) => view! { <ErrorPanel error/> }.into_any(),
                            }
                        })}
                    </Suspense>
                </section>
            </div>
        </main>
    }
}

/// "1 person", "3 people".
pub fn people_count(n: i64) -> String {
    if n == 1 {
        "1 person".into()
    } else {
        format!("{n} people")
    }
}
