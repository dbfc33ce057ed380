//! The WebAssembly entry point: takes over the server-rendered page.

// Leptos views are deeply nested types; the board page needs more than the default 128.
#![recursion_limit = "512"]

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
