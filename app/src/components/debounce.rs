//! Waiting for typing to pause before asking the server.

use leptos::prelude::*;
use std::time::Duration;

/// A signal that follows `source` once it has stopped changing for
/// `delay`. On the server (and before hydration) it holds the first value.
pub fn debounced<T>(source: Signal<T>, delay: Duration) -> ReadSignal<T>
where
    T: Clone + PartialEq + Send + Sync + 'static,
{
    let (settled, set_settled) = signal(source.get_untracked());
    let pending = StoredValue::new(None::<TimeoutHandle>);
    Effect::new(move |_| {
        let value = source.get();
        if let Some(handle) = pending.try_get_value().flatten() {
            handle.clear();
        }
        let handle = set_timeout_with_handle(
            move || {
                // The owner may be gone by now (the page was left while the
                // timer ran): then there is nothing left to update.
                if settled.try_with_untracked(|s| *s != value) == Some(true) {
                    set_settled.try_set(value);
                }
            },
            delay,
        )
        .ok();
        pending.try_set_value(handle);
    });
    on_cleanup(move || {
        if let Some(handle) = pending.try_get_value().flatten() {
            handle.clear();
        }
    });
    settled
}
