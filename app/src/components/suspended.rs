//! A part of a page that waits for its data, built once on the server.

/// Wraps `move || Suspend::new(async move { … })`, a part of a page that
/// waits for a resource: in the browser it stays that closure, so the part
/// follows its resource when it reloads; on the server it is built once.
///
/// Why: the server renders a reactive closure twice, a dry run that starts
/// the loads and then the page, and each run builds the part anew with the
/// resources, `<Suspense>`s and `<Transition>`s inside it. When the data
/// were already there at the dry run, the server handed out two sets of
/// ids where the browser makes one, and the browser read the first set's
/// values: loaded by a part the server had thrown away, an error once that
/// part's owner was gone. It then rendered what the server had not sent,
/// and hydration panicked (about one page load in ten on some pages;
/// `routing::a_page_hands_the_browser_the_same_loaded_resources_every_time`
/// in the server's tests).
#[cfg(feature = "ssr")]
pub fn suspended<F, V>(part: F) -> V
where
    F: Fn() -> V,
{
    part()
}

/// In the browser: the closure itself (see the server's version).
#[cfg(not(feature = "ssr"))]
pub fn suspended<F, V>(part: F) -> F
where
    F: Fn() -> V,
{
    part
}
