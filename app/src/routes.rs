//! Every page as a lazily loaded route: its view is compiled into its own
//! WebAssembly chunk (`cargo leptos build --split`), fetched when the page
//! is first visited — or preloaded by the server-rendered HTML on a first
//! load. The shell (router, header, session) stays in the main module, so
//! an office screen's TV downloads the shell and the screen, not the board.
//!
//! Each route's data is loaded by its page (resources inside the view), so
//! `data()` has nothing to do.

use leptos::prelude::*;
use leptos_router::{LazyRoute, lazy_route};

pub struct HomeRoute;

#[lazy_route]
impl LazyRoute for HomeRoute {
    fn data() -> Self {
        HomeRoute
    }
    fn view(_this: Self) -> AnyView {
        crate::mark_hydrated();
        view! { <crate::home::HomePage/> }.into_any()
    }
}

pub struct SignInRoute;

#[lazy_route]
impl LazyRoute for SignInRoute {
    fn data() -> Self {
        SignInRoute
    }
    fn view(_this: Self) -> AnyView {
        crate::mark_hydrated();
        view! { <crate::auth::SignInPage/> }.into_any()
    }
}

pub struct CyclesRoute;

#[lazy_route]
impl LazyRoute for CyclesRoute {
    fn data() -> Self {
        CyclesRoute
    }
    fn view(_this: Self) -> AnyView {
        crate::mark_hydrated();
        view! { <crate::cycles::CyclesPage/> }.into_any()
    }
}

pub struct BoardRoute;

#[lazy_route]
impl LazyRoute for BoardRoute {
    fn data() -> Self {
        BoardRoute
    }
    fn view(_this: Self) -> AnyView {
        crate::mark_hydrated();
        view! { <crate::board::BoardPage/> }.into_any()
    }
}

pub struct MapRoute;

#[lazy_route]
impl LazyRoute for MapRoute {
    fn data() -> Self {
        MapRoute
    }
    fn view(_this: Self) -> AnyView {
        crate::mark_hydrated();
        view! { <crate::board::MapPage/> }.into_any()
    }
}

pub struct ObjectiveRoute;

#[lazy_route]
impl LazyRoute for ObjectiveRoute {
    fn data() -> Self {
        ObjectiveRoute
    }
    fn view(_this: Self) -> AnyView {
        crate::mark_hydrated();
        view! { <crate::checkins::ObjectivePage/> }.into_any()
    }
}

pub struct UnitReviewRoute;

#[lazy_route]
impl LazyRoute for UnitReviewRoute {
    fn data() -> Self {
        UnitReviewRoute
    }
    fn view(_this: Self) -> AnyView {
        crate::mark_hydrated();
        view! { <crate::checkins::UnitReviewPage/> }.into_any()
    }
}

pub struct KpisRoute;

#[lazy_route]
impl LazyRoute for KpisRoute {
    fn data() -> Self {
        KpisRoute
    }
    fn view(_this: Self) -> AnyView {
        crate::mark_hydrated();
        view! { <crate::kpis::KpiListPage/> }.into_any()
    }
}

pub struct KpiRoute;

#[lazy_route]
impl LazyRoute for KpiRoute {
    fn data() -> Self {
        KpiRoute
    }
    fn view(_this: Self) -> AnyView {
        crate::mark_hydrated();
        view! { <crate::kpis::KpiPage/> }.into_any()
    }
}

pub struct LeaderboardRoute;

#[lazy_route]
impl LazyRoute for LeaderboardRoute {
    fn data() -> Self {
        LeaderboardRoute
    }
    fn view(_this: Self) -> AnyView {
        crate::mark_hydrated();
        view! { <crate::leaderboard::LeaderboardPage/> }.into_any()
    }
}

pub struct LessonsRoute;

#[lazy_route]
impl LazyRoute for LessonsRoute {
    fn data() -> Self {
        LessonsRoute
    }
    fn view(_this: Self) -> AnyView {
        crate::mark_hydrated();
        view! { <crate::lessons::LessonsPage/> }.into_any()
    }
}

pub struct ScreenRoute;

#[lazy_route]
impl LazyRoute for ScreenRoute {
    fn data() -> Self {
        ScreenRoute
    }
    fn view(_this: Self) -> AnyView {
        crate::mark_hydrated();
        view! { <crate::screens::ScreenPage/> }.into_any()
    }
}

pub struct AdminRoute;

#[lazy_route]
impl LazyRoute for AdminRoute {
    fn data() -> Self {
        AdminRoute
    }
    fn view(_this: Self) -> AnyView {
        crate::mark_hydrated();
        view! { <crate::admin::AdminArea/> }.into_any()
    }
}

pub struct PeopleRoute;

#[lazy_route]
impl LazyRoute for PeopleRoute {
    fn data() -> Self {
        PeopleRoute
    }
    fn view(_this: Self) -> AnyView {
        crate::mark_hydrated();
        view! { <crate::people::PeopleAdmin/> }.into_any()
    }
}

pub struct UnitsRoute;

#[lazy_route]
impl LazyRoute for UnitsRoute {
    fn data() -> Self {
        UnitsRoute
    }
    fn view(_this: Self) -> AnyView {
        crate::mark_hydrated();
        view! { <crate::units::UnitsAdmin/> }.into_any()
    }
}

pub struct ScreensAdminRoute;

#[lazy_route]
impl LazyRoute for ScreensAdminRoute {
    fn data() -> Self {
        ScreensAdminRoute
    }
    fn view(_this: Self) -> AnyView {
        crate::mark_hydrated();
        view! { <crate::screens::ScreensAdmin/> }.into_any()
    }
}

pub struct TokensAdminRoute;

#[lazy_route]
impl LazyRoute for TokensAdminRoute {
    fn data() -> Self {
        TokensAdminRoute
    }
    fn view(_this: Self) -> AnyView {
        crate::mark_hydrated();
        view! { <crate::tokens::TokensAdmin/> }.into_any()
    }
}

pub struct ProfileRoute;

#[lazy_route]
impl LazyRoute for ProfileRoute {
    fn data() -> Self {
        ProfileRoute
    }
    fn view(_this: Self) -> AnyView {
        crate::mark_hydrated();
        view! { <crate::account::ProfilePage/> }.into_any()
    }
}

pub struct ResetRoute;

#[lazy_route]
impl LazyRoute for ResetRoute {
    fn data() -> Self {
        ResetRoute
    }
    fn view(_this: Self) -> AnyView {
        crate::mark_hydrated();
        view! { <crate::account::ResetPage/> }.into_any()
    }
}

pub struct CycleRoute;

#[lazy_route]
impl LazyRoute for CycleRoute {
    fn data() -> Self {
        CycleRoute
    }
    fn view(_this: Self) -> AnyView {
        crate::mark_hydrated();
        view! { <crate::rhythm::CyclePage/> }.into_any()
    }
}

pub struct WeeklyAgendaRoute;

#[lazy_route]
impl LazyRoute for WeeklyAgendaRoute {
    fn data() -> Self {
        WeeklyAgendaRoute
    }
    fn view(_this: Self) -> AnyView {
        crate::mark_hydrated();
        view! { <crate::rhythm::WeeklyPage/> }.into_any()
    }
}

pub struct OneOnOneRoute;

#[lazy_route]
impl LazyRoute for OneOnOneRoute {
    fn data() -> Self {
        OneOnOneRoute
    }
    fn view(_this: Self) -> AnyView {
        crate::mark_hydrated();
        view! { <crate::rhythm::OneOnOnePage/> }.into_any()
    }
}

pub struct AllHandsRoute;

#[lazy_route]
impl LazyRoute for AllHandsRoute {
    fn data() -> Self {
        AllHandsRoute
    }
    fn view(_this: Self) -> AnyView {
        crate::mark_hydrated();
        view! { <crate::rhythm::AllHandsPage/> }.into_any()
    }
}

pub struct ReviewAgendaRoute;

#[lazy_route]
impl LazyRoute for ReviewAgendaRoute {
    fn data() -> Self {
        ReviewAgendaRoute
    }
    fn view(_this: Self) -> AnyView {
        crate::mark_hydrated();
        view! { <crate::rhythm::ReviewPage/> }.into_any()
    }
}
