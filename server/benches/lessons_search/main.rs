//! Lessons search latency: how long the `/lessons` search takes over
//! 100,000 and 1,000,000 closing notes, beside bare SQLite FTS5 (the floor);
//! and at 100,000 notes on PostgreSQL, beside a bare `ts_rank` query.
//!
//! For each size the generator (`generate.rs`) builds or reuses
//! `target/bench/lessons-<N>.db`; the file is then read once so the OS page
//! cache is warm (a running server's steady state), and opened with
//! `server::storage::connect`, the server's own pool.
//!
//! Four query classes, each 30 unmeasured then 300 measured queries, every
//! query with other words (seeded, so every run asks the same):
//! - one word: a head word (in ~10–40% of notes) or a mid-frequency word (~4–10%);
//! - two words: a head word and another word;
//! - prefix: the first three letters of a word, as while typing;
//! - filtered: a word and, in turn, cycle + achieved, a department (its
//!   subtree of units), or a tag.
//!
//! "Ours" is the path of the `search_lessons` server function after its
//! session check: `load_tree`, `Search::parse` with the URL's values, then
//! `app::lessons::ssr::search` (sanitising, facets, bm25 via `rank`, the
//! page's highlight and three snippets). The floor is one raw FTS5 query
//! through the same pool, the words written by hand:
//! `SELECT rowid, snippet(…) FROM lessons_fts WHERE lessons_fts MATCH ?
//! ORDER BY bm25(lessons_fts) LIMIT 10`. Ours and the floor alternate query
//! by query (which goes first alternates too).
//!
//! The PostgreSQL pass (sizes up to [`POSTGRES_UP_TO`]) writes the same
//! notes with the same generator into a database on a throwaway cluster
//! (`common/postgres.rs`; made anew in every run, then `VACUUM ANALYZE`),
//! reads its files into the page cache, and runs the same queries through
//! the same server code, which takes its PostgreSQL path
//! (`app::lessons::ssr::postgres`: the weighted `tsvector`, its GIN index,
//! `ts_rank`, `ts_headline`). Its floor is
//! `SELECT id, ts_headline(…, lessons, q, …) FROM closing_notes,
//! (SELECT CAST($1 AS tsquery) AS q) s WHERE search @@ q
//! ORDER BY ts_rank(search, q) DESC LIMIT 10`, the `tsquery` written by
//! hand with the index's own lexemes.
//!
//! Targets: every class's p95 within 1.5× the floor's, and under 10 ms at
//! 100,000 notes. Run with `make bench-lessons`; one size:
//! `cargo bench -p server --bench lessons_search -- 100000`; one engine:
//! `-- 100000 --sqlite` or `-- 100000 --postgres` (`--explain` prints
//! PostgreSQL's plan of one floor query per class).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a benchmark that cannot set up should stop loudly"
)]

mod generate;
#[path = "../../tests/support/postgres_cluster.rs"]
mod postgres;
#[path = "../common/process.rs"]
mod process;
mod queries;
mod stats;
mod vocabulary;

use app::lessons::ssr::{Search, search};
use app::sql::Pool;
use app::units::ssr::load_tree;
use process::CpuWatch;
use queries::{Class, Query, classes};
use stats::{Row, Summary, median, ms, print_table, summary, thousands};
use std::io::Read;
use std::time::{Duration, Instant};

const SIZES: [usize; 2] = [100_000, 1_000_000];
/// The PostgreSQL pass runs at sizes up to this: its data is written anew in
/// every run (1,000,000 notes would add a quarter of an hour or more).
const POSTGRES_UP_TO: usize = 100_000;
const WARM_UP: usize = 30;
const MEASURED: usize = 300;
/// Measured queries per class whose matching notes are counted (for the table).
const COUNTED: usize = 60;
const FLOOR_SQL: &str = "SELECT rowid, snippet(lessons_fts, -1, '[', ']', '…', 24) FROM lessons_fts \
     WHERE lessons_fts MATCH $1 ORDER BY bm25(lessons_fts) LIMIT 10";
const PG_FLOOR_SQL: &str = "SELECT id, ts_headline('lessons_search', lessons, q, \
     'StartSel=[, StopSel=], MaxWords=24, MinWords=8, MaxFragments=1, FragmentDelimiter=…') \
     FROM closing_notes, (SELECT CAST($1 AS tsquery) AS q) AS s WHERE search @@ q \
     ORDER BY ts_rank(search, q) DESC LIMIT 10";
const PG_COUNT_SQL: &str = "SELECT count(*) FROM closing_notes WHERE search @@ CAST($1 AS tsquery)";

/// Which engine a pass runs on: the floor's query and words differ.
#[derive(Clone, Copy, PartialEq)]
enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    fn name(self) -> &'static str {
        match self {
            Engine::Sqlite => "SQLite",
            Engine::Postgres => "PostgreSQL",
        }
    }

    /// The floor's words for `query`.
    fn words(self, query: &Query) -> &str {
        match self {
            Engine::Sqlite => &query.floor,
            Engine::Postgres => &query.pg_floor,
        }
    }
}

fn main() {
    // `cargo bench -- 100000` runs one size (cargo adds `--bench`, which is skipped).
    let args: Vec<String> = std::env::args().skip(1).collect();
    let sizes: Vec<usize> = args
        .iter()
        .filter_map(|a| a.replace([',', '_'], "").parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        SIZES.to_vec()
    } else {
        sizes
    };
    let only = |flag: &str| args.iter().any(|a| a == flag);
    let engines = match (only("--sqlite"), only("--postgres")) {
        (true, false) => vec![Engine::Sqlite],
        (false, true) => vec![Engine::Postgres],
        _ => vec![Engine::Sqlite, Engine::Postgres],
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(run_all(sizes, engines));
}

/// One search the way the server function runs it: total time, the
/// `load_tree` part, and the hits on the page.
async fn ours(pool: &Pool, query: &Query) -> (Duration, Duration, usize) {
    let started = Instant::now();
    let tree = load_tree(pool).await.unwrap();
    let tree_loaded = started.elapsed();
    let hits = match Search::parse(
        &tree,
        &query.q,
        &query.cycle,
        &query.unit,
        &query.tag,
        query.achieved,
        "1",
    ) {
        Some(parsed) => search(pool, &tree, &parsed).await.unwrap().hits.len(),
        None => 0,
    };
    (started.elapsed(), tree_loaded, hits)
}

/// The floor: bare FTS5 or a bare `ts_rank` query, ranked and with one
/// snippet, the same pool.
async fn floor(pool: &Pool, engine: Engine, query: &Query) -> (Duration, usize) {
    let sql = match engine {
        Engine::Sqlite => FLOOR_SQL,
        Engine::Postgres => PG_FLOOR_SQL,
    };
    let words = engine.words(query);
    let started = Instant::now();
    let rows: Vec<(i64, String)> = sqlx::query_as(sql)
        .bind(words)
        .fetch_all(pool)
        .await
        .unwrap_or_else(|e| panic!("floor query {words:?}: {e}"));
    (started.elapsed(), rows.len())
}

#[derive(Default)]
struct Measured {
    ours: Vec<f64>,
    floor: Vec<f64>,
    tree: Vec<f64>,
    variant: Vec<usize>,
    /// Queries where ours found nothing but the floor did, or the other way round.
    disagreements: usize,
    empty: usize,
}

async fn measure(pool: &Pool, engine: Engine, class: &Class) -> Measured {
    let mut m = Measured::default();
    for (i, query) in class.queries.iter().enumerate() {
        let ((took, tree, hits), (floor_took, rows)) = if i % 2 == 0 {
            let o = ours(pool, query).await;
            (o, floor(pool, engine, query).await)
        } else {
            let f = floor(pool, engine, query).await;
            (ours(pool, query).await, f)
        };
        if i < WARM_UP {
            continue;
        }
        m.ours.push(ms(took));
        m.tree.push(ms(tree));
        m.floor.push(ms(floor_took));
        m.variant.push(query.variant);
        m.disagreements += usize::from((hits == 0) != (rows == 0));
        m.empty += usize::from(rows == 0);
    }
    m
}

/// Notes matching the class's first measured queries (the floor's words).
async fn matches(pool: &Pool, engine: Engine, class: &Class) -> Vec<u64> {
    let sql = match engine {
        Engine::Sqlite => "SELECT count(*) FROM lessons_fts WHERE lessons_fts MATCH $1",
        Engine::Postgres => PG_COUNT_SQL,
    };
    let mut counts = Vec::with_capacity(COUNTED);
    for query in class.queries.iter().skip(WARM_UP).take(COUNTED) {
        let count: i64 = sqlx::query_scalar(sql)
            .bind(engine.words(query))
            .fetch_one(pool)
            .await
            .unwrap();
        counts.push(count as u64);
    }
    counts
}

/// PostgreSQL's plan of the floor for `query`, as it ran (`--explain`).
async fn explain(pool: &Pool, query: &Query) {
    let plan: Vec<String> =
        sqlx::query_scalar(&format!("EXPLAIN (ANALYZE, BUFFERS) {PG_FLOOR_SQL}"))
            .bind(&query.pg_floor)
            .fetch_all(pool)
            .await
            .unwrap();
    println!("    plan of the floor for {:?}:", query.pg_floor);
    for line in plan {
        println!("      {line}");
    }
}

/// Reads the file once, so the OS caches it as it would for a running server.
fn warm_page_cache(path: &std::path::Path) -> f64 {
    let started = Instant::now();
    let mut file = std::fs::File::open(path).unwrap();
    let mut buffer = vec![0_u8; 1 << 20];
    while file.read(&mut buffer).unwrap() > 0 {}
    started.elapsed().as_secs_f64()
}

/// Reads every file under `dir` once (a PostgreSQL data directory).
fn warm_folder(dir: &std::path::Path) -> f64 {
    let started = Instant::now();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            warm_folder(&path);
        } else if path.is_file() {
            warm_page_cache(&path);
        }
    }
    started.elapsed().as_secs_f64()
}

async fn run_sqlite(n: usize, rows: &mut Vec<Row>, details: &mut Vec<String>) {
    let data = generate::ensure(n).await;
    let warm = warm_page_cache(&data.path);
    let pool = server::storage::connect(&format!("sqlite://{}", data.path.display()))
        .await
        .unwrap();
    let version: String = sqlx::query_scalar("SELECT sqlite_version()")
        .fetch_one(&pool)
        .await
        .unwrap();
    let line = format!(
        "{}: {} notes, {:.1} MB, generated in {:.1} s{}; SQLite {version}; file read into the page cache in {warm:.1} s",
        data.path.display(),
        thousands(data.notes as u64),
        data.bytes as f64 / 1e6,
        data.generation_seconds,
        if data.reused {
            " (by an earlier run, reused)"
        } else {
            ""
        },
    );
    println!("{line}");
    details.push(line);
    run_classes(Engine::Sqlite, n, &pool, None, rows, details).await;
    pool.close().await;
}

async fn run_postgres(
    cluster: &postgres::Cluster,
    n: usize,
    rows: &mut Vec<Row>,
    details: &mut Vec<String>,
) {
    let (pool, seconds, bytes) = generate::into_postgres(cluster, n).await;
    let warm = warm_folder(&cluster.data_dir());
    let version: String = sqlx::query_scalar("SHOW server_version")
        .fetch_one(&pool)
        .await
        .unwrap();
    let line = format!(
        "PostgreSQL {version}: {} notes, {:.1} MB, generated in {seconds:.1} s and vacuumed; \
         data directory read into the page cache in {warm:.1} s",
        thousands(n as u64),
        bytes as f64 / 1e6,
    );
    println!("{line}");
    details.push(line);
    run_classes(Engine::Postgres, n, &pool, Some(cluster), rows, details).await;
    pool.close().await;
}

/// Every query class on `pool`, ours beside the floor.
async fn run_classes(
    engine: Engine,
    n: usize,
    pool: &Pool,
    cluster: Option<&postgres::Cluster>,
    rows: &mut Vec<Row>,
    details: &mut Vec<String>,
) {
    let cycles: Vec<i64> = sqlx::query_scalar("SELECT id FROM cycles ORDER BY id")
        .fetch_all(pool)
        .await
        .unwrap();
    let tree = load_tree(pool).await.unwrap();
    let departments: Vec<(i64, Vec<i64>)> =
        sqlx::query_scalar::<_, i64>("SELECT id FROM units WHERE parent_id IS NULL ORDER BY id")
            .fetch_all(pool)
            .await
            .unwrap()
            .into_iter()
            .map(|d| (d, tree.subtree(d)))
            .collect();
    for class in classes(&cycles, &departments) {
        let started = Instant::now();
        // PostgreSQL's processes work for this benchmark: not "other".
        let cpu = CpuWatch::start(&[], cluster.and_then(|c| c.postmaster()));
        let m = measure(pool, engine, &class).await;
        let (_, _, others) = cpu.shares(started.elapsed());
        let counts = matches(pool, engine, &class).await;
        if engine == Engine::Postgres && std::env::args().any(|a| a == "--explain") {
            explain(pool, &class.queries[WARM_UP]).await;
        }
        let row = Row {
            engine: engine.name(),
            notes: n,
            class: class.name.to_owned(),
            ours: summary(&m.ours),
            floor: summary(&m.floor),
            matches: median(&counts),
        };
        let tree = summary(&m.tree);
        let line = format!(
            "  {:<10} {:>9} {:<20} ours p95 {:>8.2} ms, floor p95 {:>8.2} ms ({:.2}×); load_tree p50 {:.3} ms; \
             {} queries matched nothing, {} disagreed on finding anything; {:.0} s, other processes {others:.1}%{}",
            engine.name(),
            thousands(n as u64),
            class.name,
            row.ours.p95,
            row.floor.p95,
            row.ratio(),
            tree.p50,
            m.empty,
            m.disagreements,
            started.elapsed().as_secs_f64(),
            if others > 5.0 { " (DISTURBED)" } else { "" },
        );
        println!("{line}");
        details.push(line);
        for (v, name) in class.variants.iter().enumerate() {
            let pick = |samples: &[f64]| -> Summary {
                let chosen: Vec<f64> = samples
                    .iter()
                    .zip(&m.variant)
                    .filter(|(_, variant)| **variant == v)
                    .map(|(s, _)| *s)
                    .collect();
                summary(&chosen)
            };
            let (o, f) = (pick(&m.ours), pick(&m.floor));
            let line = format!(
                "  {:>20}   {name:<27} ours p50/p95/p99 {:.2}/{:.2}/{:.2} ms, floor {:.2}/{:.2}/{:.2} ms ({:.2}×)",
                "",
                o.p50,
                o.p95,
                o.p99,
                f.p50,
                f.p95,
                f.p99,
                o.p95 / f.p95
            );
            println!("{line}");
            details.push(line);
        }
        rows.push(row);
    }
}

async fn run_all(sizes: Vec<usize>, engines: Vec<Engine>) {
    println!(
        "lessons search latency: {WARM_UP} warm-up + {MEASURED} measured queries per class, ours and the floor alternating"
    );
    let mut rows = Vec::new();
    let mut details = Vec::new();
    if engines.contains(&Engine::Sqlite) {
        for &n in &sizes {
            run_sqlite(n, &mut rows, &mut details).await;
        }
    }
    let on_postgres: Vec<usize> = sizes.into_iter().filter(|&n| n <= POSTGRES_UP_TO).collect();
    if engines.contains(&Engine::Postgres) && !on_postgres.is_empty() {
        let cluster = postgres::Cluster::start(postgres::Kind::Benchmark);
        for n in on_postgres {
            run_postgres(&cluster, n, &mut rows, &mut details).await;
        }
    }
    println!();
    for line in &details {
        println!("{line}");
    }
    println!();
    print_table(&rows);
    println!();
    println!(
        "(milliseconds; median matches: notes matching the floor's words, over {COUNTED} queries of the class.)"
    );
    if details.iter().any(|line| line.contains("(DISTURBED)")) {
        println!(
            "warning: other processes used more than 5% of the machine during a class; see above"
        );
    }
    let failed: Vec<String> = rows
        .iter()
        .filter(|r| !r.passed())
        .map(|r| {
            format!(
                "{} at {} on {}",
                r.class,
                thousands(r.notes as u64),
                r.engine
            )
        })
        .collect();
    if failed.is_empty() {
        println!("every target met");
    } else {
        println!("targets missed: {}", failed.join(", "));
    }
}
