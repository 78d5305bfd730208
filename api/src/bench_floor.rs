//! `zhaoshang bench-floor`: the benchmark's floor on PostgreSQL. The data of one
//! query of the mix, fetched by hand-written SQL sent straight through sqlx over
//! loopback at a given concurrency, with no GraphQL, JSON or HTTP around it: what
//! the service would cost if it added nothing to the database.

use std::time::{Duration, Instant};

use rand::Rng;
use sea_orm::sqlx::{
    self, PgPool, Row,
    postgres::{PgConnectOptions, PgPoolOptions},
};

/// Which query of the mix (`bench/README.md`): 1 the first page, 2 the filtered
/// page with a text search, 3 a page deep in the list, 4 `node` by id.
#[derive(Clone, Debug, clap::Args)]
pub struct FloorQuery {
    #[arg(long = "query")]
    pub number: u8,
    /// Query 2's sector.
    #[arg(long, default_value_t = 1)]
    pub sector_id: i64,
    /// Query 2's stage.
    #[arg(long, default_value = "NEGOTIATING")]
    pub stage: String,
    /// Query 2's text.
    #[arg(long, default_value = "")]
    pub search: String,
    /// The row query 3's cursor names: its `created_at` (RFC 3339) and id.
    #[arg(long, default_value = "1970-01-01T00:00:00Z")]
    pub after_created_at: String,
    #[arg(long, default_value_t = 0)]
    pub after_id: i64,
    /// Query 4 picks ids from 1 to this.
    #[arg(long, default_value_t = 1)]
    pub max_id: i64,
}

pub struct FloorResult {
    pub requests: u64,
    pub per_second: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
}

/// The page's projects, then what hangs off them, as the API fetches them: four
/// statements keyed by the page's ids.
async fn page(pool: &PgPool, rows: Vec<sqlx::postgres::PgRow>) -> Result<usize, sqlx::Error> {
    let ids: Vec<i64> = rows.iter().map(|r| r.get::<i64, _>("id")).collect();
    let enterprises: Vec<i64> = rows.iter().filter_map(|r| r.get::<Option<i64>, _>("enterprise_id")).collect();
    let sectors: Vec<i64> = rows.iter().map(|r| r.get::<i64, _>("sector_id")).collect();
    let parks: Vec<i64> = rows.iter().filter_map(|r| r.get::<Option<i64>, _>("park_id")).collect();
    let e = sqlx::query("SELECT id, name FROM enterprises WHERE id = ANY($1)").bind(&enterprises).fetch_all(pool);
    let s = sqlx::query("SELECT id, name FROM sectors WHERE id = ANY($1)").bind(&sectors).fetch_all(pool);
    let p = sqlx::query("SELECT id, name FROM parks WHERE id = ANY($1)").bind(&parks).fetch_all(pool);
    let a = sqlx::query(
        "SELECT id, project_id, kind, total_investment_fen, signed_on FROM agreements \
         WHERE project_id = ANY($1) ORDER BY project_id, id",
    )
    .bind(&ids)
    .fetch_all(pool);
    let (e, s, p, a) = tokio::try_join!(e, s, p, a)?;
    Ok(rows.len() + e.len() + s.len() + p.len() + a.len())
}

/// The project columns the mix's queries show (a macro, for `concat!`).
macro_rules! select_projects {
    ($rest:literal) => {
        concat!(
            "SELECT id, name, stage, planned_investment_fen, sector_id, enterprise_id, park_id FROM projects ",
            $rest
        )
    };
}

async fn once(pool: &PgPool, q: &FloorQuery) -> Result<usize, sqlx::Error> {
    match q.number {
        1 => page(pool, sqlx::query(select_projects!("ORDER BY id LIMIT 51")).fetch_all(pool).await?).await,
        2 => {
            let sql = select_projects!(
                "WHERE sector_id = $1 AND stage = $2 AND search_name LIKE $3 ORDER BY created_at DESC, id DESC LIMIT 51"
            );
            let rows = sqlx::query(sql)
                .bind(q.sector_id)
                .bind(&q.stage)
                .bind(format!("%{}%", q.search))
                .fetch_all(pool)
                .await?;
            page(pool, rows).await
        }
        3 => {
            let sql = select_projects!(
                "WHERE (created_at, id) < ($1::timestamptz, $2) ORDER BY created_at DESC, id DESC LIMIT 51"
            );
            page(pool, sqlx::query(sql).bind(&q.after_created_at).bind(q.after_id).fetch_all(pool).await?).await
        }
        _ => {
            let id = rand::rng().random_range(1..=q.max_id.max(1));
            let row = sqlx::query(select_projects!("WHERE id = $1")).bind(id).fetch_optional(pool).await?;
            let enterprise = row.as_ref().and_then(|r| r.get::<Option<i64>, _>("enterprise_id"));
            let e = sqlx::query("SELECT id, name FROM enterprises WHERE id = $1").bind(enterprise).fetch_optional(pool);
            Ok(usize::from(row.is_some()) + usize::from(e.await?.is_some()))
        }
    }
}

/// Runs `q` from `connections` tasks for `seconds`, each on its own connection.
pub async fn run(url: &str, q: FloorQuery, connections: u32, seconds: u64) -> anyhow::Result<FloorResult> {
    // Custom plans, as the service's own connections use (see `db::connect`).
    let options: PgConnectOptions = url.parse()?;
    let options = options.options([("plan_cache_mode", "force_custom_plan")]);
    let pool =
        PgPoolOptions::new().max_connections(connections).min_connections(connections).connect_with(options).await?;
    once(&pool, &q).await?;
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for _ in 0..connections {
        let (pool, q) = (pool.clone(), q.clone());
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            while Instant::now() < deadline {
                let started = Instant::now();
                once(&pool, &q).await?;
                latencies.push(started.elapsed());
            }
            Ok::<_, sqlx::Error>(latencies)
        }));
    }
    let started = Instant::now();
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await??);
    }
    let elapsed = started.elapsed().as_secs_f64();
    all.sort();
    let at = |p: f64| all.get(((all.len() as f64 * p) as usize).min(all.len().saturating_sub(1)));
    let ms = |d: Option<&Duration>| d.map(|d| d.as_secs_f64() * 1000.0).unwrap_or(0.0);
    Ok(FloorResult {
        requests: all.len() as u64,
        per_second: all.len() as f64 / elapsed.max(0.001),
        p50_ms: ms(at(0.50)),
        p99_ms: ms(at(0.99)),
    })
}
