//! The command line: `serve` (the default), `migrate`, `seed`, `schema`, `keys`.

use chrono::{DateTime, Utc};
use clap::{Parser, Subcommand, ValueEnum};
use entity::enums::Role;
use sea_orm::EntityTrait;

use crate::auth::Principal;
use crate::config::Config;
use crate::graphql::ids;
use crate::ledger::Ledger;
use crate::ledger::export::{self, Export, Scope};
use crate::ledger::import;
use crate::seed::demo;
use crate::service::api_key as api_keys;
use crate::service::{health_dates, totals};
use crate::startup::AppState;
use crate::{App, briefing, db, telemetry};

#[derive(Parser, Debug)]
#[command(name = "zhaoshang", version, about = "GraphQL API for a city's investment-promotion campaigns (招商引资)")]
pub struct Cli {
    #[command(flatten)]
    pub config: Config,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Serve the API (the default).
    Serve {
        /// Load the demo data into an empty database and print a demo key.
        #[arg(long)]
        demo: bool,
    },
    /// Apply pending database migrations.
    Migrate,
    /// Fill the database with data.
    Seed {
        /// The demo campaign (on an empty database).
        #[arg(long, required_unless_present = "scale", conflicts_with = "scale")]
        demo: bool,
        /// A synthetic dataset of this many projects, for the benchmark (on an
        /// empty database): N/2 enterprises, N/10 leads, a third of the projects
        /// signed, N/10 agreements in the November 2026 campaign. Accepts 10k, 1m.
        #[arg(long, value_parser = parse_count)]
        scale: Option<u64>,
    },
    /// Rebuild the report's kept totals and the projects' health dates from
    /// the data, in one transaction (after rows were changed by hand, or to
    /// check them: prints whether anything differed).
    Recompute,
    /// Print the GraphQL schema (SDL).
    Schema,
    /// List the campaigns with their ids (newest first), for `report --campaign`.
    Campaigns,
    /// Write a campaign's briefing for the office (without `--campaign`: list
    /// the campaigns to choose from).
    Report {
        /// The campaign's GraphQL id, as `zhaoshang campaigns` lists it.
        #[arg(long)]
        campaign: Option<String>,
        /// html (a self-contained page with charts), png (one image of the
        /// figures and charts), xlsx (a sheet each for figures, departments,
        /// persons, sectors and weeks), csv (one row per department) or json.
        #[arg(long, value_enum, default_value = "html")]
        format: ReportFormat,
        /// Where to write it; standard output if absent.
        #[arg(long)]
        out: Option<std::path::PathBuf>,
    },
    /// Write a ledger (台账) as an .xlsx workbook, with the office's rights:
    /// the file `GET /exports/{ledger}.xlsx` gives.
    Export {
        #[arg(value_enum)]
        ledger: LedgerArg,
        /// Only the rows of this campaign (its GraphQL id; projects and agreements).
        #[arg(long)]
        campaign: Option<String>,
        /// Further filters, as the download's query string takes them: the
        /// fields of the GraphQL list's filter, e.g. `stage=SIGNED&isMajor=true`.
        #[arg(long)]
        filter: Option<String>,
        /// The empty import template: the header row only.
        #[arg(long)]
        template: bool,
        /// The .xlsx file to write.
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// Import a department's ledger (.xlsx, or CSV in UTF-8 or GB18030) in
    /// the export's layout, with the office's rights: rows with errors are
    /// listed and write nothing, the others are written (exit status 1 when
    /// any row had an error).
    Import {
        #[arg(value_enum)]
        ledger: ImportArg,
        /// The .xlsx or .csv file.
        file: std::path::PathBuf,
        /// Check every row and count what would change, writing nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// The benchmark's floor (PostgreSQL): one query of the mix as hand-written
    /// SQL over sqlx, at the given concurrency; used by `bench/run`.
    #[command(hide = true)]
    BenchFloor {
        #[command(flatten)]
        query: crate::bench_floor::FloorQuery,
        #[arg(long, default_value_t = 16)]
        connections: u32,
        #[arg(long, default_value_t = 10)]
        seconds: u64,
    },
    /// Manage API keys.
    Keys {
        #[command(subcommand)]
        command: KeysCommand,
    },
}

#[derive(Subcommand, Debug)]
pub enum KeysCommand {
    /// Create a key; prints it once, alone on the last line.
    Create {
        /// The role the key grants.
        #[arg(long, value_enum)]
        role: RoleArg,
        /// The partner's GraphQL id, for a PARTNER key.
        #[arg(long)]
        partner: Option<String>,
        /// The staff member's GraphQL id, to bind a STAFF or ADMIN key to a person.
        #[arg(long)]
        staff_member: Option<String>,
        /// A name to recognise the key by.
        #[arg(long)]
        name: String,
        /// When the key stops working (RFC 3339).
        #[arg(long)]
        expires_at: Option<DateTime<Utc>>,
    },
}

#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum ReportFormat {
    Html,
    Png,
    Xlsx,
    Csv,
    Json,
}

impl From<ReportFormat> for briefing::Format {
    fn from(f: ReportFormat) -> Self {
        match f {
            ReportFormat::Html => briefing::Format::Html,
            ReportFormat::Png => briefing::Format::Png,
            ReportFormat::Xlsx => briefing::Format::Xlsx,
            ReportFormat::Csv => briefing::Format::Csv,
            ReportFormat::Json => briefing::Format::Json,
        }
    }
}

/// A ledger the import reads.
#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum ImportArg {
    Enterprises,
    Projects,
    Agreements,
}

impl From<ImportArg> for Ledger {
    fn from(l: ImportArg) -> Self {
        match l {
            ImportArg::Enterprises => Ledger::Enterprises,
            ImportArg::Projects => Ledger::Projects,
            ImportArg::Agreements => Ledger::Agreements,
        }
    }
}

/// A ledger, as the command line names it.
#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum LedgerArg {
    Enterprises,
    Projects,
    Agreements,
    Leads,
    ServiceRequests,
}

impl From<LedgerArg> for Ledger {
    fn from(l: LedgerArg) -> Self {
        match l {
            LedgerArg::Enterprises => Ledger::Enterprises,
            LedgerArg::Projects => Ledger::Projects,
            LedgerArg::Agreements => Ledger::Agreements,
            LedgerArg::Leads => Ledger::Leads,
            LedgerArg::ServiceRequests => Ledger::ServiceRequests,
        }
    }
}

#[derive(ValueEnum, Clone, Copy, Debug)]
#[value(rename_all = "UPPER")]
pub enum RoleArg {
    Admin,
    Staff,
    Partner,
}

impl From<RoleArg> for Role {
    fn from(r: RoleArg) -> Self {
        match r {
            RoleArg::Admin => Role::Admin,
            RoleArg::Staff => Role::Staff,
            RoleArg::Partner => Role::Partner,
        }
    }
}

/// A count such as `10000`, `10k` or `1m`.
fn parse_count(s: &str) -> Result<u64, String> {
    let lower = s.trim().to_ascii_lowercase();
    let (digits, factor) = match lower.strip_suffix('k') {
        Some(d) => (d, 1_000),
        None => match lower.strip_suffix('m') {
            Some(d) => (d, 1_000_000),
            None => (lower.as_str(), 1),
        },
    };
    digits.parse::<u64>().map(|n| n * factor).map_err(|_| format!("`{s}` is not a count such as 10000, 10k or 1m"))
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let config = cli.config;
    match cli.command.unwrap_or(Command::Serve { demo: false }) {
        Command::Schema => {
            print!("{}", crate::graphql::schema::sdl());
            Ok(())
        }
        Command::Migrate => {
            telemetry::init(&config);
            let conn = db::connect(&config).await?;
            db::migrate(&conn).await?;
            println!("migrations applied");
            Ok(())
        }
        Command::BenchFloor { query, connections, seconds } => {
            let r = crate::bench_floor::run(&config.database_url, query, connections, seconds).await?;
            println!("requests={} rps={:.1} p50_ms={:.2} p99_ms={:.2}", r.requests, r.per_second, r.p50_ms, r.p99_ms);
            Ok(())
        }
        Command::Recompute => {
            telemetry::init(&config);
            let conn = db::connect(&config).await?;
            db::migrate(&conn).await?;
            let state = AppState::new(conn.clone(), config.clone().into());
            crate::service::health_dates::ensure(&conn, &state.checkup()).await?;
            let txn = crate::service::tx::begin(&conn).await?;
            let before = (totals::snapshot(&txn).await?, health_dates::snapshot(&txn).await?);
            totals::refill(&txn).await?;
            health_dates::recompute_all(&txn).await?;
            let after = (totals::snapshot(&txn).await?, health_dates::snapshot(&txn).await?);
            txn.commit().await?;
            let changed = |a: &[String], b: &[String]| {
                let b: std::collections::HashSet<&String> = b.iter().collect();
                a.iter().filter(|l| !b.contains(l)).count()
            };
            println!(
                "recomputed: {} total rows and {} health rows differed from the data",
                changed(&after.0, &before.0),
                changed(&after.1, &before.1)
            );
            Ok(())
        }
        Command::Seed { scale: Some(n), .. } => {
            telemetry::init(&config);
            let conn = db::connect(&config).await?;
            db::migrate(&conn).await?;
            let s = crate::seed::scale::seed(&conn, n).await?;
            let state = AppState::new(conn.clone(), config.clone().into());
            crate::service::health_dates::ensure(&conn, &state.checkup()).await?;
            println!(
                "seeded {} projects, {} enterprises, {} agreements ({} in campaign {}): {} rows in {:.1} s ({:.0} rows/s)",
                s.projects,
                s.enterprises,
                s.agreements,
                s.bench_campaign_agreements,
                ids::encode("Campaign", s.bench_campaign_id).0,
                s.rows,
                s.seconds,
                s.rows as f64 / s.seconds.max(0.001)
            );
            Ok(())
        }
        Command::Seed { .. } => {
            telemetry::init(&config);
            let conn = db::connect(&config).await?;
            db::migrate(&conn).await?;
            let state = AppState::new(conn.clone(), config.clone().into());
            let loaded = demo::seed(&conn, state.today()).await?;
            crate::service::health_dates::ensure(&conn, &state.checkup()).await?;
            match loaded {
                Some(s) => println!(
                    "demo loaded: campaign {}, {} enterprises, {} projects, {} agreements",
                    ids::encode("Campaign", s.campaign_id).0,
                    s.enterprises,
                    s.projects,
                    s.agreements
                ),
                None => println!("the database already holds data; demo not loaded"),
            }
            Ok(())
        }
        Command::Keys { command: KeysCommand::Create { role, partner, staff_member, name, expires_at } } => {
            telemetry::init(&config);
            let conn = db::connect(&config).await?;
            db::migrate(&conn).await?;
            let partner_id = match &partner {
                Some(id) => {
                    Some(ids::decode_as(id, "Partner").ok_or_else(|| anyhow::anyhow!("`{id}` is not a partner's id"))?)
                }
                None => None,
            };
            let staff_member_id = match &staff_member {
                Some(id) => Some(
                    ids::decode_as(id, "StaffMember")
                        .ok_or_else(|| anyhow::anyhow!("`{id}` is not a staff member's id"))?,
                ),
                None => None,
            };
            let key = api_keys::create(&conn, &name, role.into(), partner_id, staff_member_id, expires_at).await?;
            let role = sea_orm::ActiveEnum::to_value(&key.key.role);
            println!("created {role} key {} ({})", ids::encode("ApiKey", key.key.id).0, key.key.name);
            println!("{}", key.secret);
            Ok(())
        }
        Command::Campaigns => {
            telemetry::init(&config);
            let conn = db::connect(&config).await?;
            db::migrate(&conn).await?;
            print!("{}", campaign_list(&conn).await?);
            Ok(())
        }
        Command::Report { campaign, format, out } => {
            telemetry::init(&config);
            let conn = db::connect(&config).await?;
            db::migrate(&conn).await?;
            let Some(campaign) = campaign else {
                eprint!("{}", campaign_list(&conn).await?);
                anyhow::bail!("say which campaign to report on: --campaign ID, with an id listed above");
            };
            let unknown = || {
                anyhow::anyhow!(
                    "no campaign has the id `{campaign}`; `zhaoshang campaigns` lists the campaigns and their ids"
                )
            };
            let id = ids::decode_as(&campaign, "Campaign").ok_or_else(unknown)?;
            if entity::campaign::Entity::find_by_id(id).one(&conn).await?.is_none() {
                return Err(unknown());
            }
            let state = AppState::new(conn.clone(), config.clone().into());
            let b = briefing::load(&conn, id, &state.checkup()).await.map_err(|e| anyhow::anyhow!("{e}"))?;
            let bytes = briefing::render(&b, format.into()).map_err(|e| anyhow::anyhow!("{e}"))?;
            match out {
                Some(path) => std::fs::write(&path, bytes)?,
                None => std::io::Write::write_all(&mut std::io::stdout(), &bytes)?,
            }
            Ok(())
        }
        Command::Export { ledger, campaign, filter, template, out } => {
            telemetry::init(&config);
            let conn = db::connect(&config).await?;
            db::migrate(&conn).await?;
            let ledger = Ledger::from(ledger);
            let mut pairs: Vec<(String, String)> = match &filter {
                Some(q) => serde_urlencoded::from_str(q).map_err(|_| {
                    anyhow::anyhow!("--filter is not a query string such as `stage=SIGNED&isMajor=true`")
                })?,
                None => Vec::new(),
            };
            if let Some(c) = campaign {
                pairs.push(("campaignId".into(), c));
            }
            let filter = crate::http::downloads::filter(ledger, &pairs).map_err(|m| anyhow::anyhow!("{m}"))?;
            let state = AppState::new(conn.clone(), config.clone().into());
            let checkup = state.checkup();
            let office = Principal { role: Role::Admin, ..Principal::PUBLIC };
            let scope = Scope {
                db: &conn,
                principal: &office,
                checkup: &checkup,
                major_threshold: config.major_project_threshold,
            };
            let by = format!("命令行（{}）", std::env::var("USER").unwrap_or_else(|_| "本机".into()));
            let filter_text = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ");
            let started = std::time::Instant::now();
            let job = Export { ledger, filter, template, filter_text, by };
            let (workbook, rows) = export::workbook(&scope, &job).await.map_err(|e| anyhow::anyhow!("{e}"))?;
            let file = std::io::BufWriter::new(std::fs::File::create(&out)?);
            tokio::task::spawn_blocking(move || export::save(workbook, file))
                .await?
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            eprintln!(
                "{}: {rows} rows written to {} in {:.1} s",
                ledger.title(),
                out.display(),
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::Import { ledger, file, dry_run } => {
            telemetry::init(&config);
            let conn = db::connect(&config).await?;
            db::migrate(&conn).await?;
            let ledger = Ledger::from(ledger);
            let started = std::time::Instant::now();
            let bytes = std::fs::read(&file)?;
            let table = tokio::task::spawn_blocking(move || import::read(&bytes, ledger))
                .await?
                .map_err(|e| anyhow::anyhow!("{}: {e:?}", file.display()))?;
            let bar = if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
                indicatif::ProgressBar::new(table.rows.len() as u64)
            } else {
                indicatif::ProgressBar::hidden()
            };
            let actor = crate::service::write::Actor {
                principal: Principal { role: Role::Admin, ..Principal::PUBLIC },
                request_id: None,
                via: None,
            };
            let progress = |done: u64, _total: u64| bar.set_position(done);
            let language = crate::messages::Language::from_header(
                std::env::var("LANG").ok().as_deref().map(|l| if l.starts_with("en") { "en" } else { "zh" }),
            );
            let outcome = import::import(&conn, &actor, ledger, &table, dry_run, language, &progress)
                .await
                .map_err(|e| anyhow::anyhow!("{e:?}"))?
                .map_err(|e| match e {
                    import::FileError::MissingColumn(h) => anyhow::anyhow!("the file has no column headed {h}"),
                    other => anyhow::anyhow!("{other:?}"),
                })?;
            bar.finish_and_clear();
            const SHOWN: usize = 100;
            for e in outcome.row_errors.iter().take(SHOWN) {
                eprintln!("row {} [{}] {}: {}", e.row, e.column.as_deref().unwrap_or("-"), e.code.as_str(), e.message);
            }
            if outcome.row_errors.len() > SHOWN {
                eprintln!("… and {} more (run with --dry-run to check a file first)", outcome.row_errors.len() - SHOWN);
            }
            println!(
                "{}{}: {} rows read, {} created, {} updated, {} unchanged, {} errors in {:.1} s",
                ledger.title(),
                if dry_run { " (dry run, nothing written)" } else { "" },
                outcome.rows_read,
                outcome.rows_created,
                outcome.rows_updated,
                outcome.rows_unchanged,
                outcome.row_errors.len(),
                started.elapsed().as_secs_f64()
            );
            if !outcome.row_errors.is_empty() {
                anyhow::bail!(
                    "{} rows had errors and wrote nothing",
                    outcome.row_errors.iter().map(|e| e.row).collect::<std::collections::BTreeSet<_>>().len()
                );
            }
            Ok(())
        }
        Command::Serve { demo } => serve(config, demo).await,
    }
}

/// The campaigns, newest first: id, dates, name, and whether active; a line
/// each, for a person choosing one.
async fn campaign_list(db: &sea_orm::DatabaseConnection) -> anyhow::Result<String> {
    use sea_orm::QueryOrder;
    let campaigns = entity::campaign::Entity::find()
        .order_by_desc(entity::campaign::Column::StartsOn)
        .order_by_desc(entity::campaign::Column::Id)
        .all(db)
        .await?;
    if campaigns.is_empty() {
        return Ok("no campaigns yet (`zhaoshang seed --demo` loads the demo's)\n".into());
    }
    let mut out = String::from("ID                    FROM        TO          NAME\n");
    for c in campaigns {
        let active = if c.is_active { "" } else { " (inactive)" };
        let id = ids::encode("Campaign", c.id).0;
        out.push_str(&format!("{id:<21} {} {} {}{active}\n", c.starts_on, c.ends_on, c.name));
    }
    Ok(out)
}

/// Days a demo ADMIN key stays valid.
const DEMO_KEY_DAYS: i64 = 30;

async fn serve(config: Config, with_demo: bool) -> anyhow::Result<()> {
    telemetry::init(&config);
    let app = App::build(config.clone()).await?;
    if with_demo {
        let today = AppState::new(app.db().clone(), config.clone().into()).today();
        match demo::seed(app.db(), today).await? {
            Some(s) => {
                tracing::info!(projects = s.projects, agreements = s.agreements, "demo data loaded");
                // Only a demo load mints a key, and it expires: restarting on the
                // same database leaves no trail of live ADMIN keys. Keys go to
                // standard output only, never to the log.
                let expires = Utc::now() + chrono::Duration::days(DEMO_KEY_DAYS);
                let staff = s.admin_staff_member_id;
                let admin = api_keys::create(app.db(), "demo admin", Role::Admin, None, staff, Some(expires)).await?;
                println!();
                println!("  GraphiQL:        http://{}:{}/graphql", config.listen.ip(), app.port());
                println!("  demo ADMIN key:  {}", admin.secret);
                println!("  (send it as the header  Authorization: Bearer {})", admin.secret);
                if let Some(id) = staff {
                    let member = entity::staff_member::Entity::find_by_id(id).one(app.db()).await?;
                    let name = member.map(|m| m.name).unwrap_or_default();
                    println!("  (bound to the staff member {name}: the changes made with it name them)");
                }
                println!(
                    "  (it expires on {}; `zhaoshang keys create --role ADMIN --name me` makes a lasting one)",
                    expires.date_naive()
                );
                println!();
            }
            None => {
                println!();
                println!("  GraphiQL:        http://{}:{}/graphql", config.listen.ip(), app.port());
                println!("  the database already holds data: demo not loaded, no new key (use the one printed before,");
                println!("  or `zhaoshang keys create --role ADMIN --name me`)");
                println!();
            }
        }
    }
    app.run().await?;
    Ok(())
}
