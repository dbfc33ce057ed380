//! The benchmark's data: a lessons-learned database of N closing notes,
//! written once to `target/bench/lessons-<N>.db` and reused by later runs,
//! and the same notes into a PostgreSQL database for every run.
//!
//! 8 departments of 4 teams (40 units), 200 people, 40 quarterly cycles and
//! N closed objectives, each with one note written by the app's own
//! `insert_note` (so the triggers index it exactly as closing does), 5,000
//! notes per transaction, text from [`super::vocabulary`]. Everything comes
//! from one seeded PRNG, so every machine builds the same database.

use super::postgres::Cluster;
use super::vocabulary::{Rng, Vocabulary, Zipf, tags};
use app::domain::closing::Note;
use app::domain::okr::ObjectiveKind;
use app::lessons::ssr::{NoteOf, insert_note};
use app::sql::{Conn, Pool};
use sqlx::Connection;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Changes whenever the data would come out differently: older files are rebuilt.
const GENERATOR: &str = "lessons-bench-v1 seed=0x5eed0f1e55 s=1.05 words=25000";
const SEED: u64 = 0x005e_ed0f_1e55;
const NOTES_PER_TRANSACTION: usize = 5_000;
const CYCLES: usize = 40;
const PEOPLE: usize = 200;

const DEPARTMENTS: &[(&str, [&str; 4])] = &[
    ("Engineering", ["Platform", "Web", "Mobile", "Data"]),
    ("Product", ["Discovery", "Design", "Growth", "Analytics"]),
    (
        "Sales",
        ["Enterprise", "Mid-market", "Partners", "Sales Ops"],
    ),
    ("Marketing", ["Brand", "Content", "Demand", "Events"]),
    (
        "Customer Success",
        ["Support", "Onboarding", "Accounts", "Community"],
    ),
    ("People", ["Recruiting", "Learning", "HR Ops", "Workplace"]),
    ("Finance", ["Accounting", "FP&A", "Procurement", "Legal"]),
    ("Operations", ["Security", "IT", "Logistics", "Facilities"]),
];

/// A database ready to search.
pub struct Dataset {
    pub path: PathBuf,
    pub notes: i64,
    /// Seconds the generation took (when this run or an earlier one made it).
    pub generation_seconds: f64,
    pub reused: bool,
    pub bytes: u64,
}

/// `target/`: three folders above this bench (`target/release/deps/lessons_search-…`).
fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    exe.ancestors()
        .nth(3)
        .expect("the bench binary lives in target/<profile>/deps")
        .to_path_buf()
}

fn url_of(path: &Path) -> String {
    format!("sqlite://{}", path.display())
}

fn remove_with_journals(path: &Path) {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

/// The database of `n` notes: the existing file when it is complete and
/// current, otherwise a new one (written under a temporary name first).
pub async fn ensure(n: usize) -> Dataset {
    let dir = target_dir().join("bench");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("lessons-{n}.db"));
    let (generation_seconds, reused) = match reusable(&path, n).await {
        Ok(seconds) => (seconds, true),
        Err(why) => {
            if path.exists() {
                println!("{}: {why}; generating it again", path.display());
            }
            remove_with_journals(&path);
            let partial = dir.join(format!("lessons-{n}.db.partial"));
            remove_with_journals(&partial);
            let seconds = generate(&partial, n).await;
            // Checkpointed and closed: the write-ahead log is empty, the file complete.
            let wal = PathBuf::from(format!("{}-wal", partial.display()));
            assert!(std::fs::metadata(&wal).map_or(0, |m| m.len()) == 0);
            for leftover in [wal, PathBuf::from(format!("{}-shm", partial.display()))] {
                let _ = std::fs::remove_file(leftover);
            }
            std::fs::rename(&partial, &path).unwrap();
            (seconds, false)
        }
    };
    Dataset {
        bytes: std::fs::metadata(&path).unwrap().len(),
        path,
        notes: n as i64,
        generation_seconds,
        reused,
    }
}

/// The generation time of a complete, current file at `path`.
async fn reusable(path: &Path, n: usize) -> Result<f64, String> {
    if !path.exists() {
        return Err("missing".into());
    }
    let pool = server::storage::connect(&url_of(path))
        .await
        .map_err(|e| e.to_string())?;
    let checked = async {
        // Fails when a migration it was built with has changed since.
        server::storage::migrate(&pool)
            .await
            .map_err(|e| format!("schema out of date ({e})"))?;
        let setting = |key: &'static str| {
            sqlx::query_scalar::<_, String>("SELECT value FROM settings WHERE key = $1")
                .bind(key)
                .fetch_optional(&pool)
        };
        let generator = setting("bench_generator")
            .await
            .map_err(|e| e.to_string())?;
        if generator.as_deref() != Some(GENERATOR) {
            return Err(format!("made by another generator ({generator:?})"));
        }
        let count: i64 = sqlx::query_scalar("SELECT count(*) FROM closing_notes")
            .fetch_one(&pool)
            .await
            .map_err(|e| e.to_string())?;
        if count != n as i64 {
            return Err(format!("{count} notes instead of {n}"));
        }
        let seconds = setting("bench_generation_seconds")
            .await
            .map_err(|e| e.to_string())?;
        Ok(seconds.and_then(|s| s.parse().ok()).unwrap_or(f64::NAN))
    }
    .await;
    pool.close().await;
    checked
}

/// Units, people and cycles the notes refer to.
struct Organisation {
    /// Teams first, then departments (notes are owned by a team 80% of the time).
    teams: Vec<i64>,
    departments: Vec<i64>,
    members: HashMap<i64, Vec<i64>>,
    cycles: Vec<i64>,
}

async fn organisation(db: &mut Conn) -> Organisation {
    let mut org = Organisation {
        teams: Vec::new(),
        departments: Vec::new(),
        members: HashMap::new(),
        cycles: Vec::new(),
    };
    let unit = async |db: &mut Conn, name: &str, parent: Option<i64>| -> i64 {
        sqlx::query_scalar("INSERT INTO units (name, parent_id) VALUES ($1, $2) RETURNING id")
            .bind(name)
            .bind(parent)
            .fetch_one(db)
            .await
            .unwrap()
    };
    let mut department_of = HashMap::new();
    for (department, teams) in DEPARTMENTS {
        let id = unit(&mut *db, department, None).await;
        org.departments.push(id);
        for team in teams {
            let team_id = unit(&mut *db, team, Some(id)).await;
            org.teams.push(team_id);
            department_of.insert(team_id, id);
        }
    }
    const FIRST: &[&str] = &[
        "Maya", "Jonas", "Aisha", "Liam", "Sofia", "Kenji", "Elena", "Omar", "Priya", "Lucas",
        "Ines", "Tomasz", "Grace", "Mateo", "Hana", "Felix", "Zara", "Noah", "Ana", "Yusuf",
    ];
    const LAST: &[&str] = &[
        "Berg", "Okafor", "Novak", "Silva", "Tanaka", "Moreau", "Khan", "Jensen", "Rossi", "Kim",
    ];
    for i in 0..PEOPLE {
        let name = format!(
            "{} {}",
            FIRST[i % FIRST.len()],
            LAST[i / FIRST.len() % LAST.len()]
        );
        let role = match i {
            0 => "ambassador",
            1..40 => "lead",
            _ => "member",
        };
        let person: i64 = sqlx::query_scalar(
            "INSERT INTO people (email, name, role, password_hash) VALUES ($1, $2, $3, '!') RETURNING id",
        )
        .bind(format!("person{i}@bench.northstar"))
        .bind(name)
        .bind(role)
        .fetch_one(&mut *db)
        .await
        .unwrap();
        let team = org.teams[i % org.teams.len()];
        sqlx::query("INSERT INTO memberships (person_id, unit_id) VALUES ($1, $2)")
            .bind(person)
            .bind(team)
            .execute(&mut *db)
            .await
            .unwrap();
        org.members.entry(team).or_default().push(person);
        org.members
            .entry(department_of[&team])
            .or_default()
            .push(person);
    }
    const QUARTERS: [(&str, &str, &str); 4] = [
        ("Q1", "01-01", "03-31"),
        ("Q2", "04-01", "06-30"),
        ("Q3", "07-01", "09-30"),
        ("Q4", "10-01", "12-31"),
    ];
    for i in 0..CYCLES {
        let (year, (quarter, start, end)) = (2016 + i / 4, QUARTERS[i % 4]);
        let cycle: i64 = sqlx::query_scalar(
            "INSERT INTO cycles (name, start_date, end_date) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(format!("{year} {quarter}"))
        .bind(format!("{year}-{start}"))
        .bind(format!("{year}-{end}"))
        .fetch_one(&mut *db)
        .await
        .unwrap();
        org.cycles.push(cycle);
    }
    org
}

/// An objective id shaped like the app's (a version-4 UUID), from the PRNG.
fn uuid(rng: &mut Rng) -> String {
    let hex = format!("{:016x}{:016x}", rng.next_u64(), rng.next_u64());
    format!(
        "{}-{}-4{}-a{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[13..16],
        &hex[17..20],
        &hex[20..32]
    )
}

/// Writes an objective of cycle `cycle` and its closing note.
async fn write_note(
    db: &mut Conn,
    rng: &mut Rng,
    words: &Vocabulary,
    tag_names: &[&str],
    tags: &Zipf,
    org: &Organisation,
    cycle: i64,
) {
    let kind = if rng.chance(0.7) {
        ObjectiveKind::Committed
    } else {
        ObjectiveKind::Aspirational
    };
    let owned_by_team = rng.chance(0.8);
    let owner = *rng.pick(if owned_by_team {
        &org.teams
    } else {
        &org.departments
    });
    let mut units = vec![owner];
    if rng.chance(0.1) {
        let shared = *rng.pick(&org.teams);
        if shared != owner {
            units.push(shared);
        }
    }
    let author = *rng.pick(&org.members[&owner]);
    let id = uuid(rng);
    let title_words = rng.between(6, 10);
    let title = words.title(rng, title_words);
    sqlx::query(
        "INSERT INTO objectives (id, cycle_id, unit_id, title, kind, status, created_by, updated_by) \
         VALUES ($1, $2, $3, $4, $5, 'closed', $6, $7)",
    )
    .bind(&id)
    .bind(cycle)
    .bind(owner)
    .bind(&title)
    .bind(kind.as_str())
    .bind(author)
    .bind(author)
    .execute(&mut *db)
    .await
    .unwrap();
    for shared in &units[1..] {
        sqlx::query("INSERT INTO objective_units (objective_id, unit_id) VALUES ($1, $2)")
            .bind(&id)
            .bind(shared)
            .execute(&mut *db)
            .await
            .unwrap();
    }
    let mut note_tags: Vec<String> = Vec::new();
    for _ in 0..rng.between(0, 3) {
        let tag = tag_names[tags.sample(rng)].to_owned();
        if !note_tags.contains(&tag) {
            note_tags.push(tag);
        }
    }
    let (well, badly, lessons) = (
        rng.between(30, 50),
        rng.between(30, 50),
        rng.between(50, 70),
    );
    let note = Note {
        score: (rng.float() * 100.0).round() / 100.0,
        went_well: words.prose(rng, well),
        went_badly: words.prose(rng, badly),
        lessons: words.prose(rng, lessons),
        tags: note_tags,
    };
    let of = NoteOf {
        objective_id: &id,
        title: &title,
        kind,
        cycle_id: cycle,
        units: &units,
        author_id: author,
    };
    insert_note(db, &of, &note).await.unwrap();
}

/// Writes the whole database at `path`; returns the seconds it took.
async fn generate(path: &Path, n: usize) -> f64 {
    println!("generating {n} closing notes into {} …", path.display());
    let pool = server::storage::connect(&url_of(path)).await.unwrap();
    server::storage::migrate(&pool).await.unwrap();
    let mut db = pool.acquire().await.unwrap();
    for pragma in ["PRAGMA synchronous = OFF", "PRAGMA cache_size = -262144"] {
        sqlx::query(pragma).execute(&mut *db).await.unwrap();
    }
    let seconds = write_notes(&mut db, n).await;
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(&mut *db)
        .await
        .unwrap();
    drop(db);
    pool.close().await;
    seconds
}

/// The same notes in a new database on `cluster`, made anew in every run
/// (the cluster is thrown away at the end), then vacuumed and analysed as
/// autovacuum would have done in a running database. Returns its pool,
/// the seconds the notes took and the database's size in bytes.
pub async fn into_postgres(cluster: &Cluster, n: usize) -> (Pool, f64, u64) {
    let url = cluster.database(&format!("lessons_{n}")).await;
    println!("generating {n} closing notes into PostgreSQL …");
    let pool = server::storage::connect(&url).await.unwrap();
    server::storage::migrate(&pool).await.unwrap();
    let mut db = pool.acquire().await.unwrap();
    let seconds = write_notes(&mut db, n).await;
    sqlx::query("VACUUM ANALYZE")
        .execute(&mut *db)
        .await
        .unwrap();
    let bytes: i64 = sqlx::query_scalar("SELECT pg_database_size(current_database())")
        .fetch_one(&mut *db)
        .await
        .unwrap();
    drop(db);
    (pool, seconds, bytes as u64)
}

/// The organisation and `n` notes, 5,000 to a transaction; returns the seconds.
async fn write_notes(db: &mut Conn, n: usize) -> f64 {
    let started = Instant::now();
    let mut rng = Rng::new(SEED);
    let words = Vocabulary::new(&mut rng);
    let tag_names = tags();
    let tags = Zipf::new(tag_names.len(), 1.0);
    let org = organisation(db).await;
    let mut reported = 0;
    for start in (0..n).step_by(NOTES_PER_TRANSACTION) {
        let mut tx = db.begin().await.unwrap();
        for i in start..(start + NOTES_PER_TRANSACTION).min(n) {
            // Notes in the order they were written: quarter by quarter.
            let cycle = org.cycles[i * CYCLES / n];
            write_note(&mut tx, &mut rng, &words, &tag_names, &tags, &org, cycle).await;
        }
        tx.commit().await.unwrap();
        let done = (start + NOTES_PER_TRANSACTION).min(n);
        if done * 10 / n > reported {
            reported = done * 10 / n;
            println!(
                "  {done:>9} / {n} notes, {:.0} s",
                started.elapsed().as_secs_f64()
            );
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    for (key, value) in [
        ("bench_generator", GENERATOR.to_owned()),
        ("bench_generation_seconds", format!("{seconds:.1}")),
    ] {
        sqlx::query(
            "INSERT INTO settings (key, value) VALUES ($1, $2) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )
        .bind(key)
        .bind(value)
        .execute(&mut *db)
        .await
        .unwrap();
    }
    println!("generated {n} notes in {seconds:.1} s");
    seconds
}
