//! What a page reads from its route.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

/// The number in the route's `:id` (a cycle, a unit, a person, a KPI), or 0,
/// which nothing has: the page then shows "not found" from its server call.
pub fn id_param() -> impl Fn() -> i64 + Copy + Send + Sync + 'static {
    let params = use_params_map();
    move || {
        params
            .read()
            .get("id")
            .and_then(|id| id.parse::<i64>().ok())
            .unwrap_or_default()
    }
}
