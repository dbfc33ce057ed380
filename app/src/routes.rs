//! Every page as a lazily loaded route, its code in one of a few groups of
//! pages that are used together: each group is one split point of the
//! WebAssembly (`cargo leptos build --split`), fetched when a page of it
//! is first visited — or preloaded by the server-rendered HTML on a first
//! load. The shell (router, header, session) stays in the main module, so
//! an office screen's TV downloads the shell and the screen, not the board.
//!
//! Why groups and not a split point per page: the splitter gives every set
//! of split points that share a function a chunk of its own. With one
//! split point per page (24 of them) the board needed 398 chunks, 580 KiB
//! as sent: hundreds of requests on a slow link, each compressed alone.
//! With six groups a page needs at most a few dozen, and those compress
//! together.
//!
//! Each route's data is loaded by its page (resources inside the view), so
//! `data()` has nothing to do.

use crate::admin::AdminArea;
use leptos::lazy;
use leptos::prelude::*;
use leptos_router::LazyRoute;

/// Pages a route can show; each belongs to one group below.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    // Planning: cycles, the board, the map, an objective.
    Cycles,
    Cycle,
    Board,
    Map,
    Objective,
    // The week's rhythm: home, the agendas, a unit's review.
    Home,
    Weekly,
    OneOnOne,
    AllHands,
    ReviewAgenda,
    UnitReview,
    // Watching: the leaderboard, lessons, KPIs.
    Leaderboard,
    Lessons,
    Kpis,
    Kpi,
    // One's account and the administration.
    Profile,
    People,
    Units,
    ScreensAdmin,
    TokensAdmin,
    // Signed out: small on purpose.
    SignIn,
    Reset,
    // An office screen (a TV runs no WebAssembly; a laptop showing one does).
    Screen,
}

// The groups. A group's function is its split point, and holds its own
// pages' views and nothing else: a function two groups called would be
// shared, and take every page with it into a chunk of its own.

#[lazy]
fn planning_pages(page: Page) -> AnyView {
    crate::mark_hydrated();
    match page {
        Page::Cycles => view! { <crate::cycles::CyclesPage/> }.into_any(),
        Page::Cycle => view! { <crate::rhythm::CyclePage/> }.into_any(),
        Page::Board => view! { <crate::board::BoardPage/> }.into_any(),
        Page::Map => view! { <crate::board::MapPage/> }.into_any(),
        Page::Objective => view! { <crate::checkins::ObjectivePage/> }.into_any(),
        other => unreachable!("{other:?} is not one of the planning pages"),
    }
}

#[lazy]
fn rhythm_pages(page: Page) -> AnyView {
    crate::mark_hydrated();
    match page {
        Page::Home => view! { <crate::home::HomePage/> }.into_any(),
        Page::Weekly => view! { <crate::rhythm::WeeklyPage/> }.into_any(),
        Page::OneOnOne => view! { <crate::rhythm::OneOnOnePage/> }.into_any(),
        Page::AllHands => view! { <crate::rhythm::AllHandsPage/> }.into_any(),
        Page::ReviewAgenda => view! { <crate::rhythm::ReviewPage/> }.into_any(),
        Page::UnitReview => view! { <crate::checkins::UnitReviewPage/> }.into_any(),
        other => unreachable!("{other:?} is not one of the rhythm pages"),
    }
}

#[lazy]
fn watching_pages(page: Page) -> AnyView {
    crate::mark_hydrated();
    match page {
        Page::Leaderboard => view! { <crate::leaderboard::LeaderboardPage/> }.into_any(),
        Page::Lessons => view! { <crate::lessons::LessonsPage/> }.into_any(),
        Page::Kpis => view! { <crate::kpis::KpiListPage/> }.into_any(),
        Page::Kpi => view! { <crate::kpis::KpiPage/> }.into_any(),
        other => unreachable!("{other:?} is not one of the watching pages"),
    }
}

#[lazy]
fn account_pages(page: Page) -> AnyView {
    crate::mark_hydrated();
    match page {
        Page::Profile => view! { <crate::account::ProfilePage/> }.into_any(),
        Page::People => view! { <AdminArea><crate::people::PeopleAdmin/></AdminArea> }.into_any(),
        Page::Units => view! { <AdminArea><crate::units::UnitsAdmin/></AdminArea> }.into_any(),
        Page::ScreensAdmin => {
            view! { <AdminArea><crate::screens::ScreensAdmin/></AdminArea> }.into_any()
        }
        Page::TokensAdmin => {
            view! { <AdminArea><crate::tokens::TokensAdmin/></AdminArea> }.into_any()
        }
        other => unreachable!("{other:?} is not one of the account pages"),
    }
}

#[lazy]
fn signed_out_pages(page: Page) -> AnyView {
    crate::mark_hydrated();
    match page {
        Page::SignIn => view! { <crate::auth::SignInPage/> }.into_any(),
        Page::Reset => view! { <crate::account::ResetPage/> }.into_any(),
        other => unreachable!("{other:?} is not one of the signed-out pages"),
    }
}

#[lazy]
fn screen_pages(page: Page) -> AnyView {
    crate::mark_hydrated();
    match page {
        Page::Screen => view! { <crate::screens::ScreenPage/> }.into_any(),
        other => unreachable!("{other:?} is not one of the screen pages"),
    }
}

/// A route showing `page` from the group whose split point is `group`
/// (and whose preloading function the `lazy` macro named `preload`).
macro_rules! routes {
    ($($route:ident => $group:ident, $preload:ident, $page:ident;)*) => {
        $(
            pub struct $route;

            impl LazyRoute for $route {
                fn data() -> Self {
                    $route
                }

                async fn view(_this: Self) -> AnyView {
                    $group(Page::$page).await
                }

                async fn preload() {
                    // The server renders every page at once.
                    #[cfg(target_arch = "wasm32")]
                    $preload().await;
                }
            }
        )*
    };
}

routes! {
    CyclesRoute => planning_pages, __preload_planning_pages, Cycles;
    CycleRoute => planning_pages, __preload_planning_pages, Cycle;
    BoardRoute => planning_pages, __preload_planning_pages, Board;
    MapRoute => planning_pages, __preload_planning_pages, Map;
    ObjectiveRoute => planning_pages, __preload_planning_pages, Objective;
    HomeRoute => rhythm_pages, __preload_rhythm_pages, Home;
    WeeklyAgendaRoute => rhythm_pages, __preload_rhythm_pages, Weekly;
    OneOnOneRoute => rhythm_pages, __preload_rhythm_pages, OneOnOne;
    AllHandsRoute => rhythm_pages, __preload_rhythm_pages, AllHands;
    ReviewAgendaRoute => rhythm_pages, __preload_rhythm_pages, ReviewAgenda;
    UnitReviewRoute => rhythm_pages, __preload_rhythm_pages, UnitReview;
    LeaderboardRoute => watching_pages, __preload_watching_pages, Leaderboard;
    LessonsRoute => watching_pages, __preload_watching_pages, Lessons;
    KpisRoute => watching_pages, __preload_watching_pages, Kpis;
    KpiRoute => watching_pages, __preload_watching_pages, Kpi;
    ProfileRoute => account_pages, __preload_account_pages, Profile;
    PeopleRoute => account_pages, __preload_account_pages, People;
    UnitsRoute => account_pages, __preload_account_pages, Units;
    ScreensAdminRoute => account_pages, __preload_account_pages, ScreensAdmin;
    TokensAdminRoute => account_pages, __preload_account_pages, TokensAdmin;
    SignInRoute => signed_out_pages, __preload_signed_out_pages, SignIn;
    ResetRoute => signed_out_pages, __preload_signed_out_pages, Reset;
    ScreenRoute => screen_pages, __preload_screen_pages, Screen;
}
