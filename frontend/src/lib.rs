//! The WebAssembly entry point: takes over the server-rendered page.

// Leptos views are deeply nested types; the board page needs more than the default 128.
#![recursion_limit = "512"]

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Lazy: the routes' views are WebAssembly chunks (`--split`); hydration
    // waits until the current page's chunks are loaded.
    leptos::mount::hydrate_lazy(app::App);
}
