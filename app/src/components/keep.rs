//! What a card's open editors hold, kept by the board rather than by the
//! card. A card that moves to another column (a colleague closes its
//! objective, gives it to another unit, proposes it) is built anew there;
//! its editors and forms come back open, with what was typed, and say what
//! changed meanwhile.
//!
//! Kept state is made of signals owned by the board, made the first time a
//! key asks for it and handed back on every later ask. It never reads a
//! card's own signals (those go with the card): whatever follows the
//! objective reads the board.

use leptos::prelude::*;
use std::any::Any;
use std::collections::HashMap;
use std::sync::Arc;

#[derive(Clone, Copy)]
pub struct Kept {
    owner: StoredValue<Owner>,
    entries: StoredValue<HashMap<String, Arc<dyn Any + Send + Sync>>>,
}

impl Kept {
    /// Keeps state for as long as the current owner (the board) lives.
    pub fn new() -> Self {
        Kept {
            owner: StoredValue::new(Owner::current().unwrap_or_default()),
            entries: StoredValue::new(HashMap::new()),
        }
    }

    /// The state kept under `key`, made by `make` (under the board) on the
    /// first ask. A key always holds one type; asking for another makes a
    /// fresh value (and keeps that one instead).
    pub fn get_or_make<T>(&self, key: &str, make: impl FnOnce() -> T) -> T
    where
        T: Copy + Send + Sync + 'static,
    {
        let found = self.entries.with_value(|entries| {
            entries
                .get(key)
                .and_then(|value| value.downcast_ref::<T>().copied())
        });
        if let Some(found) = found {
            return found;
        }
        let made = self.owner.with_value(|owner| owner.with(make));
        self.entries
            .update_value(|entries| _ = entries.insert(key.to_owned(), Arc::new(made)));
        made
    }
}

impl Default for Kept {
    fn default() -> Self {
        Kept::new()
    }
}

/// The state for `key`: kept by the board when there is one and a key is
/// given, made here (and gone with the component) otherwise.
pub fn kept<T>(key: Option<String>, make: impl FnOnce() -> T) -> T
where
    T: Copy + Send + Sync + 'static,
{
    match (key, use_context::<Kept>()) {
        (Some(key), Some(kept)) => kept.get_or_make(&key, make),
        _ => make(),
    }
}

/// Whether a `<details>` is open, from its `toggle` event: a kept signal
/// follows it so the section comes back open when its card is rebuilt.
pub fn details_open(ev: &leptos::ev::Event) -> bool {
    event_target::<web_sys::HtmlDetailsElement>(ev).open()
}

/// Whether a section that is built when first opened has been opened: once
/// true it stays true, so closing it keeps what was typed.
pub fn opened_once(open: RwSignal<bool>) -> Memo<bool> {
    Memo::new(move |before: Option<&bool>| before.copied().unwrap_or(false) || open.get())
}

/// What someone typed into a form that can no longer be sent (the
/// objective was closed meanwhile), shown back so nothing typed is lost.
#[component]
pub fn KeptText(typed: Vec<(&'static str, String)>) -> impl IntoView {
    let rows = typed
        .into_iter()
        .map(|(label, text)| view! { <dt>{label}</dt><dd>{text}</dd> })
        .collect_view();
    view! { <dl class="kept-text">{rows}</dl> }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_hands_back_the_same_state_and_keys_do_not_mix() {
        let owner = Owner::new();
        owner.with(|| {
            provide_context(Kept::new());
            let first = kept(Some("title:1".into()), || RwSignal::new(String::from("a")));
            first.set("typed".into());
            let again = kept(Some("title:1".into()), || RwSignal::new(String::new()));
            assert_eq!(again.get_untracked(), "typed");
            let other = kept(Some("title:2".into()), || RwSignal::new(String::from("b")));
            assert_eq!(other.get_untracked(), "b");
            let unkept = kept(None, || RwSignal::new(String::from("c")));
            assert_eq!(unkept.get_untracked(), "c");
        });
    }

    #[test]
    fn kept_state_outlives_the_component_that_asked_for_it() {
        let owner = Owner::new();
        owner.with(|| {
            provide_context(Kept::new());
            let card = Owner::current().unwrap().child();
            let made = card.with(|| kept(Some("close:1".into()), || RwSignal::new(1)));
            // The card goes (a colleague moved it); its state stays.
            card.cleanup();
            drop(card);
            assert_eq!(made.try_get_untracked(), Some(1));
            let card = Owner::current().unwrap().child();
            let again = card.with(|| kept(Some("close:1".into()), || RwSignal::new(2)));
            assert_eq!(again.get_untracked(), 1);
        });
    }
}
