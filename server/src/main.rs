//! `northstar`: the command line. `serve` runs the app, `migrate` brings a
//! database up to date, `export` and `import` move the organisation between
//! databases as one JSON document, `admin create-user` makes an account
//! from a shell.

// Leptos views are deeply nested types; the board page needs more than the default 128.
#![recursion_limit = "512"]

use app::auth::password;
use app::domain::{roles::Role, validation};
use app::people::ssr::insert_person;
use clap::{Args, Parser, Subcommand};
use server::config::{DEFAULT_DATABASE_URL, ServeConfig};
use server::storage::demo::{DEMO_AMBASSADOR, DEMO_PASSWORD};
use server::storage::transfer;
use server::{StartError, storage, telemetry};
use std::net::SocketAddr;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "northstar",
    version = server::version::LINE,
    about = "Northstar: objectives and key results, live on every screen."
)]
struct Cli {
    /// How log lines are written to standard error: text, or JSON lines
    /// for a log collector.
    #[arg(
        long,
        global = true,
        env = "NORTHSTAR_LOG_FORMAT",
        value_enum,
        default_value_t
    )]
    log_format: telemetry::LogFormat,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server (migrates the database first).
    Serve(ServeArgs),
    /// Bring the database schema up to date, then exit.
    Migrate(DatabaseArgs),
    /// Write the whole organisation to a JSON document (to move it to
    /// another database, or to keep it). Password hashes only with
    /// --with-passwords; screen and API token secrets never.
    Export(ExportArgs),
    /// Load an exported organisation into an empty database (migrated
    /// first), all or nothing; a document with problems writes nothing and
    /// names every problem.
    Import(ImportArgs),
    /// Copy the SQLite database to a new file while the server runs (one
    /// consistent moment), checked with SQLite's integrity check.
    Backup(BackupArgs),
    /// Put a backup in place of the SQLite database (stop the server
    /// first); a database holding an organisation only with --force.
    Restore(RestoreArgs),
    /// Administration from the shell.
    #[command(subcommand)]
    Admin(AdminCommand),
}

#[derive(Args)]
struct DatabaseArgs {
    /// The database: sqlite://FILE (created when missing) or
    /// postgres://USER@HOST/DATABASE (several instances may share it).
    #[arg(long, env = "NORTHSTAR_DATABASE_URL", default_value = DEFAULT_DATABASE_URL,
        value_parser = database_url)]
    database_url: String,
}

#[derive(Args)]
struct ServeArgs {
    /// Address and port to listen on.
    #[arg(long, env = "NORTHSTAR_ADDR", default_value = "127.0.0.1:3000")]
    addr: SocketAddr,
    /// Serve metrics for Prometheus at http://ADDR/metrics, on a listener
    /// of its own (the public address never serves them). Off when unset.
    #[arg(long, env = "NORTHSTAR_METRICS_ADDR")]
    metrics_addr: Option<SocketAddr>,
    #[command(flatten)]
    database: DatabaseArgs,
    /// Create a demo organisation (departments, teams, people) when the database is empty.
    #[arg(long, env = "NORTHSTAR_DEMO")]
    demo: bool,
    /// Serve the built site in this folder (pkg/ with the WebAssembly, JS and
    /// CSS) instead of the one inside the binary; for development.
    #[arg(long, env = "LEPTOS_SITE_ROOT")]
    site_root: Option<std::path::PathBuf>,
    /// Mark the session cookie Secure; set this when Northstar is served over HTTPS.
    #[arg(long, env = "NORTHSTAR_SECURE_COOKIES")]
    secure_cookies: bool,
    /// The address people use, e.g. https://okr.example.org. Only requests for
    /// its host are served (but /healthz); over https the session cookie is
    /// Secure with the __Host- prefix and HSTS is sent.
    #[arg(long, env = "NORTHSTAR_PUBLIC_URL")]
    public_url: Option<server::config::PublicUrl>,
    /// Reverse proxies whose X-Forwarded-For is believed (the address each
    /// appends), as addresses or networks: 10.0.0.0/8,192.168.1.7. Nobody else's is.
    #[arg(long, env = "NORTHSTAR_TRUSTED_PROXIES")]
    trusted_proxies: Option<String>,
    /// Origins that may show office screens in a frame (a dashboard), comma-separated.
    #[arg(long, env = "NORTHSTAR_SCREEN_FRAME_ANCESTORS", value_delimiter = ',')]
    screen_frame_ancestors: Vec<String>,
    /// The password of the demo accounts; required with --demo on an address
    /// other people can reach.
    #[arg(long, env = "NORTHSTAR_DEMO_PASSWORD")]
    demo_password: Option<String>,
}

#[derive(Args)]
struct ExportArgs {
    /// The file to write (replaced if it exists; readable by its owner only).
    #[arg(long)]
    out: std::path::PathBuf,
    /// Include the people's password hashes, so they sign in with the same
    /// passwords after an import. Keep such a file as safe as the database.
    #[arg(long)]
    with_passwords: bool,
    #[command(flatten)]
    database: DatabaseArgs,
}

#[derive(Args)]
struct ImportArgs {
    /// The document `northstar export` wrote.
    file: std::path::PathBuf,
    #[command(flatten)]
    database: DatabaseArgs,
}

#[derive(Args)]
struct BackupArgs {
    /// The backup to write: a new file (never overwritten), readable by its
    /// owner only.
    #[arg(long)]
    out: std::path::PathBuf,
    #[command(flatten)]
    database: DatabaseArgs,
}

#[derive(Args)]
struct RestoreArgs {
    /// The file `northstar backup` wrote.
    file: std::path::PathBuf,
    /// Replace a database that holds an organisation.
    #[arg(long)]
    force: bool,
    #[command(flatten)]
    database: DatabaseArgs,
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create an account. Without --password-stdin a random password is generated and printed.
    CreateUser(CreateUserArgs),
    /// Rebuild the lessons-learned search index from the closing notes.
    Reindex(DatabaseArgs),
    /// Set an account's password (for a locked-out ambassador); every
    /// session of the account ends.
    SetPassword(SetPasswordArgs),
}

#[derive(Args)]
struct SetPasswordArgs {
    #[arg(long)]
    email: String,
    /// Read the new password from standard input (one line). Required, so the
    /// password never appears in the shell's history or the process list.
    #[arg(long, required = true)]
    password_stdin: bool,
    #[command(flatten)]
    database: DatabaseArgs,
}

#[derive(Args)]
struct CreateUserArgs {
    #[arg(long)]
    email: String,
    #[arg(long)]
    name: String,
    /// ambassador, lead or member.
    #[arg(long)]
    role: Role,
    /// Read the password from standard input (one line) instead of generating one.
    #[arg(long)]
    password_stdin: bool,
    #[command(flatten)]
    database: DatabaseArgs,
}

/// A database URL whose scheme Northstar supports (see `storage::check_url`).
fn database_url(raw: &str) -> Result<String, String> {
    storage::check_url(raw).map(|()| raw.to_owned())
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    telemetry::init_as(cli.log_format);
    let result = match cli.command {
        Command::Serve(args) => serve(args).await,
        Command::Migrate(args) => migrate(args).await,
        Command::Export(args) => export(args).await,
        Command::Import(args) => import(args).await,
        Command::Backup(args) => backup(args).await,
        Command::Restore(args) => restore(args).await,
        Command::Admin(AdminCommand::CreateUser(args)) => create_user(args).await,
        Command::Admin(AdminCommand::Reindex(args)) => reindex(args).await,
        Command::Admin(AdminCommand::SetPassword(args)) => set_password(args).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("northstar: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(args: ServeArgs) -> Result<(), String> {
    if args.demo && !args.addr.ip().is_loopback() && args.demo_password.is_none() {
        return Err(format!(
            "--demo on {addr} would let anyone who reaches it sign in as the ambassador with the \
             published demo password. Give the demo accounts a password of your own with \
             --demo-password '…' (or NORTHSTAR_DEMO_PASSWORD), or listen on 127.0.0.1.",
            addr = args.addr
        ));
    }
    let mut config = ServeConfig::new(args.addr, args.database.database_url);
    config.metrics_addr = args.metrics_addr;
    config.demo = args.demo;
    config.site_root = args.site_root;
    server::http::site::Site::new(config.site_source()).check()?;
    config.secure_cookies = args.secure_cookies;
    config.public_url = args.public_url;
    config.trusted_proxies = match args.trusted_proxies {
        Some(raw) => {
            server::config::parse_networks(&raw).map_err(|e| format!("--trusted-proxies: {e}"))?
        }
        None => Vec::new(),
    };
    config.screen_frame_ancestors = args.screen_frame_ancestors;
    config.demo_password = args.demo_password;
    let built = server::build(&config).await.map_err(|e| e.to_string())?;
    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .map_err(|source| {
            StartError::Listen {
                addr: config.addr,
                source,
            }
            .to_string()
        })?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let metrics_addr = match config.metrics_addr {
        Some(wanted) => Some(
            server::metrics::listen(wanted, &built.state)
                .await
                .map_err(|e| e.to_string())?,
        ),
        None => None,
    };
    tracing::info!(%addr, database = %config.database_url, "Northstar is listening");
    // The one line meant for a person at the terminal, so it is printed, not logged.
    println!("\n  Northstar is running at http://{addr}/");
    if config.demo {
        let password = match &config.demo_password {
            Some(_) => "the password given with --demo-password",
            None => DEMO_PASSWORD,
        };
        println!(
            "  Demo sign-in: {DEMO_AMBASSADOR} / {password} (every demo account uses this password)"
        );
    }
    if let Some(metrics_addr) = metrics_addr {
        println!("  Metrics for Prometheus at http://{metrics_addr}/metrics");
    }
    println!("  Press Ctrl-C to stop.\n");
    server::serve(listener, built, server::shutdown_signal())
        .await
        .map_err(|e| e.to_string())
}

async fn migrate(args: DatabaseArgs) -> Result<(), String> {
    let pool = storage::connect(&args.database_url)
        .await
        .map_err(|e| e.to_string())?;
    storage::migrate(&pool).await.map_err(|e| e.to_string())?;
    pool.close().await;
    println!("{} is up to date.", args.database_url);
    Ok(())
}

async fn backup(args: BackupArgs) -> Result<(), String> {
    let started = std::time::Instant::now();
    let contents = storage::backup::backup(&args.database.database_url, &args.out)
        .await
        .map_err(|e| e.to_string())?;
    println!(
        "Backed up to {} in {}: {contents}; integrity check ok.",
        args.out.display(),
        took(started)
    );
    Ok(())
}

async fn restore(args: RestoreArgs) -> Result<(), String> {
    let contents = storage::backup::restore(&args.database.database_url, &args.file, args.force)
        .await
        .map_err(|e| e.to_string())?;
    println!(
        "Restored {} ({contents}); it is migrated at the next start.",
        args.file.display()
    );
    Ok(())
}

async fn export(args: ExportArgs) -> Result<(), String> {
    let started = std::time::Instant::now();
    // Opening a SQLite URL creates the file: a mistyped path would export
    // an empty organisation.
    if let Some(file) = storage::sqlite_file(&args.database.database_url)
        && !file.exists()
    {
        return Err(format!(
            "{}: no such database file; name the one to export with --database-url",
            file.display()
        ));
    }
    let pool = storage::connect(&args.database.database_url)
        .await
        .map_err(|e| e.to_string())?;
    storage::migrate(&pool).await.map_err(|e| e.to_string())?;
    let document = transfer::export(&pool, args.with_passwords)
        .await
        .map_err(|e| format!("cannot read the organisation: {e}"))?;
    pool.close().await;
    let bytes = transfer::to_json(&document).map_err(|e| e.to_string())?;
    transfer::write_file(&args.out, &bytes)
        .map_err(|e| format!("cannot write {}: {e}", args.out.display()))?;
    println!(
        "Exported {} to {} ({} KB) in {}.",
        summary(&document.counts()),
        args.out.display(),
        bytes.len().div_ceil(1024),
        took(started)
    );
    println!(
        "{}",
        if args.with_passwords {
            "It holds the password hashes: keep it as safe as the database."
        } else {
            "It holds no password hashes: after an import nobody can sign in until a password \
             is set (or export --with-passwords)."
        }
    );
    Ok(())
}

async fn import(args: ImportArgs) -> Result<(), String> {
    let started = std::time::Instant::now();
    let text = std::fs::read_to_string(&args.file)
        .map_err(|e| format!("cannot read {}: {e}", args.file.display()))?;
    // Checked before the database is even opened: a bad document creates nothing.
    let document = transfer::parse(&text).map_err(|e| e.to_string())?;
    let pool = storage::connect(&args.database.database_url)
        .await
        .map_err(|e| e.to_string())?;
    storage::migrate(&pool).await.map_err(|e| e.to_string())?;
    let imported = transfer::import(&pool, document).await;
    pool.close().await;
    let imported = imported.map_err(|e| e.to_string())?;
    println!(
        "Imported {} from {} in {}.",
        summary(&imported.counts),
        args.file.display(),
        took(started)
    );
    if imported.without_password > 0 {
        println!(
            "{} people came without a password: none of them can sign in until one is set. \
             Give the ambassador one with `northstar admin set-password --email … --password-stdin`; \
             the ambassador then makes reset links for the others (Administration → People).",
            imported.without_password
        );
    }
    if imported.screens > 0 {
        println!(
            "{} office screens came without their secret addresses: make a new screen for each TV \
             (Administration → Office screens) and revoke the old one.",
            imported.screens
        );
    }
    if imported.api_tokens > 0 {
        println!(
            "{} API tokens came without their secrets: make new ones (Administration → API tokens) \
             for the systems that use them, and revoke the old ones.",
            imported.api_tokens
        );
    }
    Ok(())
}

/// The time since `started`: milliseconds below ten seconds.
fn took(started: std::time::Instant) -> String {
    let elapsed = started.elapsed();
    if elapsed.as_secs() < 10 {
        format!("{} ms", elapsed.as_millis())
    } else {
        format!("{:.1} s", elapsed.as_secs_f64())
    }
}

/// "9 units, 7 people, …" for the tables that have rows.
fn summary(counts: &[(&str, usize)]) -> String {
    let rows: usize = counts.iter().map(|(_, n)| n).sum();
    let tables: Vec<String> = counts
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(table, n)| format!("{n} {table}"))
        .collect();
    format!("{rows} rows ({})", tables.join(", "))
}

async fn reindex(args: DatabaseArgs) -> Result<(), String> {
    let pool = storage::connect(&args.database_url)
        .await
        .map_err(|e| e.to_string())?;
    storage::migrate(&pool).await.map_err(|e| e.to_string())?;
    let started = std::time::Instant::now();
    let notes = app::lessons::ssr::reindex(&pool)
        .await
        .map_err(|e| e.to_string())?;
    pool.close().await;
    println!(
        "Rebuilt the lessons index: {notes} closing notes in {:.1} s.",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

async fn set_password(args: SetPasswordArgs) -> Result<(), String> {
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .map_err(|e| e.to_string())?;
    let password = line.trim_end_matches(['\r', '\n']);
    let pool = storage::connect(&args.database.database_url)
        .await
        .map_err(|e| e.to_string())?;
    storage::migrate(&pool).await.map_err(|e| e.to_string())?;
    let result = app::account::ssr::set_password(&pool, &args.email, password).await;
    pool.close().await;
    result.map_err(|e| match e {
        app::error::AppError::Invalid { message, .. } => format!("password: {message}"),
        other => other.to_string(),
    })?;
    println!(
        "The password of {} is set; every session of the account has ended (open pages stop within a minute).",
        args.email.trim()
    );
    Ok(())
}

async fn create_user(args: CreateUserArgs) -> Result<(), String> {
    let name = validation::person_name(&args.name).map_err(|m| format!("--name: {m}"))?;
    let email = validation::email(&args.email).map_err(|m| format!("--email: {m}"))?;
    let (password, generated) = if args.password_stdin {
        let mut line = String::new();
        std::io::stdin()
            .read_line(&mut line)
            .map_err(|e| e.to_string())?;
        (line.trim_end_matches(['\r', '\n']).to_owned(), false)
    } else {
        (generate_password(), true)
    };
    let password = validation::new_password(&password).map_err(|m| format!("password: {m}"))?;
    let pool = storage::connect(&args.database.database_url)
        .await
        .map_err(|e| e.to_string())?;
    storage::migrate(&pool).await.map_err(|e| e.to_string())?;
    let hash = password::hash(password.clone())
        .await
        .map_err(|e| e.to_string())?;
    let mut tx = app::sql::write_tx(&pool).await.map_err(|e| e.to_string())?;
    insert_person(&mut tx, &name, &email, args.role, &hash)
        .await
        .map_err(|e| e.to_string())?;
    tx.commit().await.map_err(|e| e.to_string())?;
    pool.close().await;
    println!("Created {name} <{email}> as {}.", args.role.label());
    if generated {
        println!("Password: {password}");
    }
    Ok(())
}

/// Twenty characters from an alphabet without look-alikes (no 0/O, 1/l/I).
fn generate_password() -> String {
    use argon2::password_hash::rand_core::{OsRng, RngCore};
    const ALPHABET: &[u8] = b"abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    (0..20)
        .map(|_| ALPHABET[(OsRng.next_u32() as usize) % ALPHABET.len()] as char)
        .collect()
}
