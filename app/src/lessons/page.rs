//! `/lessons`: the lessons-learned database. Full-text search over every
//! closing note with highlighted matches, filters for cycle, unit, tag and
//! achieved, and pages. The search lives in the URL, so it can be shared as
//! a link; it is a plain GET form, so it works before (or without) the
//! WebAssembly; once hydrated it searches as one types.

use super::note::Tags;
use super::{
    FilterChoices, LessonHit, LessonResults, Marked, lesson_filters, score_class, search_lessons,
};
use crate::auth::SignedIn;
use crate::components::{ErrorPanel, debounced};
use crate::domain::closing::judgement;
use crate::domain::search::MAX_QUERY_CHARS;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};
use std::time::Duration;

/// How long typing must pause before the search runs.
const PAUSE: Duration = Duration::from_millis(250);
/// The URL parameters of a search, in the order they are written.
const KEYS: [&str; 5] = ["q", "cycle", "unit", "tag", "achieved"];

#[component]
pub fn LessonsPage() -> impl IntoView {
    view! {
        <Title text="Lessons learned · Northstar"/>
        <SignedIn render=|_| view! { <Lessons/> }/>
    }
}

/// `/lessons?q=…&unit=…` from the values of a search (empty ones left out).
fn search_url(values: &[(&str, String)], page: u32) -> String {
    let mut parts: Vec<String> = values
        .iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect();
    if page > 1 {
        parts.push(format!("page={page}"));
    }
    if parts.is_empty() {
        "/lessons".to_owned()
    } else {
        format!("/lessons?{}", parts.join("&"))
    }
}

/// Percent-encodes a URL query value.
fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            b' ' => "+".to_owned(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

#[component]
fn Lessons() -> impl IntoView {
    let query = use_query_map();
    let param = move |key: &str| query.with(|q| q.get(key).unwrap_or_default());
    let results = Resource::new(
        move || (KEYS.map(param), param("page")),
        |([q, cycle, unit, tag, achieved], page)| {
            search_lessons(q, cycle, unit, tag, achieved, page)
        },
    );
    let filters = Resource::new(|| (), |_| lesson_filters());

    // What the form shows; the URL follows it.
    let fields =
        KEYS.map(|key| RwSignal::new(query.with_untracked(|q| q.get(key).unwrap_or_default())));
    let [text, cycle, unit, tag, achieved] = fields;
    let navigate = use_navigate();
    let go = move |replace: bool| {
        let values: Vec<(&str, String)> = KEYS
            .iter()
            .zip(fields)
            .map(|(k, f)| (*k, f.get_untracked()))
            .collect();
        let url = search_url(&values, 1);
        navigate(
            &url,
            NavigateOptions {
                replace,
                scroll: false,
                ..Default::default()
            },
        );
    };
    // Search as one types, once typing pauses; each pause replaces the
    // history entry instead of adding one per word.
    let settled = debounced(text.into(), PAUSE);
    Effect::new({
        let go = go.clone();
        move |previous: Option<String>| {
            let now = settled.get();
            if previous.is_some_and(|p| p != now)
                && query.with_untracked(|q| q.get("q").unwrap_or_default()) != now
            {
                go(true);
            }
            now
        }
    });
    let on_filter = {
        let go = go.clone();
        move |signal: RwSignal<String>| {
            let go = go.clone();
            move |ev: leptos::ev::Event| {
                signal.set(event_target_value(&ev));
                go(false);
            }
        }
    };
    let select = move |name: &'static str,
                       label: &'static str,
                       any: &'static str,
                       signal: RwSignal<String>,
                       options: Vec<(String, String)>| {
        let handler = on_filter(signal);
        view! {
            <label class="filter">
                <span class="filter-label">{label}</span>
                <select name=name on:change=handler prop:value=move || signal.get()>
                    <option value="" selected=move || signal.with(String::is_empty)>{any}</option>
                    {options.into_iter().map(|(value, text)| {
                        let chosen = value.clone();
                        view! { <option value=value selected=move || signal.with(|s| *s == chosen)>{text}</option> }
                    }).collect_view()}
                </select>
            </label>
        }
    };
    let filter_bar = move |f: FilterChoices| {
        let pairs = |choices: Vec<super::Choice>| {
            choices
                .into_iter()
                .map(|c| (c.value, c.label))
                .collect::<Vec<_>>()
        };
        let tags = f
            .tags
            .into_iter()
            .map(|t| (t.clone(), format!("#{t}")))
            .collect();
        let achieved_options = vec![
            ("yes".to_owned(), "Achieved".to_owned()),
            ("no".to_owned(), "Not achieved".to_owned()),
        ];
        view! {
            {select("cycle", "Cycle", "Any cycle", cycle, pairs(f.cycles))}
            {select("unit", "Unit", "Any unit", unit, pairs(f.units))}
            {select("tag", "Tag", "Any tag", tag, tags)}
            {select("achieved", "Outcome", "Achieved or not", achieved, achieved_options)}
        }
    };
    view! {
        <main class="page lessons-page">
            <h1>"Lessons learned"</h1>
            <p class="muted lead">"Every closing note, searchable: what went well, what did not, and what the next team should know."</p>
            <form method="get" action="/lessons" role="search" class="panel lesson-search"
                on:submit={
                    let go = go.clone();
                    move |ev| {
                        ev.prevent_default();
                        go(false);
                    }
                }>
                <div class="search-line">
                    <label for="lesson-query" class="sr-only">"Search lessons"</label>
                    <input id="lesson-query" type="search" name="q" maxlength=MAX_QUERY_CHARS.to_string()
                        placeholder="Search lessons: onboarding, latency, hiring…" autocomplete="off"
                        value=text.get_untracked() on:input=move |ev| text.set(event_target_value(&ev))/>
                    <button type="submit" class="button button-primary">"Search"</button>
                </div>
                <div class="filters">
                    <Transition fallback=|| ()>
                        {move || {
                            let bar = filter_bar.clone();
                            Suspend::new(async move { filters.await.ok().map(bar) })
                        }}
                    </Transition>
                </div>
            </form>
            <Transition fallback=|| view! { <p class="loading">"Searching…"</p> }>
                {crate::components::suspended(move || Suspend::new(async move {
                    match results.await {
                        Err(error) => view! { <ErrorPanel error/> }.into_any(),
                        Ok(results) => {
                            let values: Vec<(&str, String)> = KEYS.iter().map(|k| (*k, param(k))).collect();
                            view! { <Results results values/> }.into_any()
                        }
                    }
                }))}
            </Transition>
        </main>
    }
}

#[component]
fn Results(results: LessonResults, values: Vec<(&'static str, String)>) -> impl IntoView {
    let LessonResults {
        hits,
        page,
        has_more,
        searched,
    } = results;
    let filtered = values.iter().skip(1).any(|(_, v)| !v.is_empty());
    if hits.is_empty() {
        let message = if page > 1 {
            "No more lessons on this page."
        } else if searched || filtered {
            "No lesson matches. Try fewer or other words, or fewer filters."
        } else {
            "No closing notes yet. When objectives are closed, their lessons appear here."
        };
        return view! { <p class="panel muted" role="status">{message}</p> }.into_any();
    }
    let heading = if searched {
        "Best matches"
    } else {
        "Most recent lessons"
    };
    let previous = (page > 1).then(|| search_url(&values, page - 1));
    let next = has_more.then(|| search_url(&values, page + 1));
    view! {
        <section aria-labelledby="results-heading">
            <h2 id="results-heading" class="results-heading">
                {heading}
                {(page > 1).then(|| format!(" · page {page}"))}
            </h2>
            <ol class="lesson-list">
                {hits.into_iter().map(|hit| view! { <Lesson hit/> }).collect_view()}
            </ol>
            <nav class="pager" aria-label="Pages">
                {previous.map(|href| view! { <a class="button" href=href rel="prev">"← Previous"</a> })}
                {next.map(|href| view! { <a class="button" href=href rel="next">"Next →"</a> })}
            </nav>
        </section>
    }
    .into_any()
}

#[component]
fn Lesson(hit: LessonHit) -> impl IntoView {
    let closed = crate::checkins::short_day(&hit.closed_on);
    view! {
        <li class="panel lesson">
            <header class="lesson-head">
                <h3 class="lesson-title">
                    <a href=format!("/objectives/{}", hit.objective_id)><Marked fragments=hit.title/></a>
                </h3>
                <span class=score_class(hit.kind, hit.score)>{judgement(hit.kind, hit.score)}</span>
            </header>
            <p class="lesson-snippet">
                <span class="lesson-field">{hit.field} ": "</span>
                <Marked fragments=hit.snippet/>
            </p>
            <footer class="lesson-meta">
                <span>{hit.unit}</span>
                <span>{hit.cycle}</span>
                <span>{format!("{} · {closed}", hit.author)}</span>
                <Tags tags=hit.tags/>
            </footer>
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn searches_are_written_into_the_url() {
        let values = vec![
            ("q", "on-call & \"rota\"".to_owned()),
            ("cycle", String::new()),
            ("unit", "4".to_owned()),
        ];
        assert_eq!(
            search_url(&values, 2),
            "/lessons?q=on-call+%26+%22rota%22&unit=4&page=2"
        );
        assert_eq!(search_url(&[("q", " ".into())], 1), "/lessons");
        assert_eq!(encode("Über"), "%C3%9Cber");
    }
}
