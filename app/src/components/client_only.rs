//! Parts of a page that exist only in the browser, after hydration.

use leptos::prelude::*;

/// Renders `children` once the page has hydrated, and nothing before: not
/// on the server, not while hydrating. For lists that load their own data
/// inside a page whose data is itself a resource — a resource created
/// while another resolves does not hydrate reliably (a mismatch panics).
#[component]
pub fn ClientOnly(children: ChildrenFn) -> impl IntoView {
    let mounted = RwSignal::new(false);
    // Effects run in the browser only, after hydration.
    Effect::new(move |_| mounted.set(true));
    move || mounted.get().then(|| children())
}
