//! The only place that writes SQL. One SQL text runs on SQLite and Postgres through
//! `sqlx::AnyPool` (ARCHITECTURE.md §3): TEXT ids, BIGINT epoch-ms times, INTEGER 0/1 booleans,
//! `CAST` on aggregates. Type mistakes surface at run time, so every store path is exercised
//! by the black-box tests on both backends.

mod analytics;
mod apis;
mod applications;
mod audit;
mod billing;
mod catalog;
pub mod compaction;
mod deployment;
mod documents;
mod orgs;
mod plans;
mod revision;
mod sessions;
mod signing;
mod subscriptions;
mod theme;
mod tokens;
mod usage;
mod users;
pub mod webhooks;

use std::path::Path;
use std::sync::{Arc, Once};
use std::time::Duration;

use anyhow::Context;
use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::migrate::Migrator;
use sqlx::{AnyPool, Executor};
use tokio::sync::watch;

pub use analytics::{
    CellGroups, InvoiceExportQuery, InvoiceExportRow, TopRow, UsageExportQuery, UsageExportRow, UsageFact, UsageQuery,
};
pub use apis::{ApiFields, ApiFilter, ApiRow, LifecycleEventRow, NewSpec, SpecRow, Transition};
pub use applications::{ApiKeyRow, ApplicationFields, ApplicationRow, NewSecret, OAuthClientRow};
pub use audit::{AuditEntry, AuditFilter, AuditRow};
pub use billing::{InvoiceFilter, InvoiceLineRow, InvoiceRow, InvoiceScope, RevenueRow};
pub use catalog::{CatalogCursor, CatalogQuery, Viewer};
pub use compaction::{CompactionPolicy, CompactionReport};
pub use deployment::{
    CatalogRows, DeployedResource, DeploymentRows, KeyRow, PlanLimitRow, QuotaUsedRow, RevokedTokenRow,
    SubscriptionStateRow,
};
pub use documents::{DocumentFields, DocumentFile, DocumentRow};
pub use orgs::OrgRow;
pub use plans::{PlanFields, PlanRow};
pub use sessions::{NewSession, SessionRow};
pub use signing::{NewSigningKey, SigningKeyRow};
pub use subscriptions::{SubscriptionFilter, SubscriptionRow, state as subscription_state};
pub use theme::{ThemeFields, ThemeRow};
pub use tokens::TokenRow;
pub use usage::GatewayNodeRow;
pub use users::{MemberRow, NewUser, UserRow};
pub use webhooks::{
    AttemptOutcome, ClaimedDelivery, WebhookAttemptRow, WebhookDeliveryRow, WebhookEndpointRow, WebhookFields,
};

use crate::config::{Backend, DatabaseUrl};
use crate::domain::clock::Clock;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{0}")]
    Conflict(String),
    #[error("the resource changed since it was read")]
    PreconditionFailed,
    #[error("database unavailable")]
    Unavailable(#[source] sqlx::Error),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(err: sqlx::Error) -> Self {
        match err {
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => StoreError::Unavailable(err),
            other => StoreError::Other(anyhow::Error::new(other)),
        }
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

/// Whether the error is a unique-constraint violation (a duplicate).
pub(crate) fn is_unique_violation(err: &sqlx::Error) -> bool {
    err.as_database_error()
        .is_some_and(|d| d.kind() == sqlx::error::ErrorKind::UniqueViolation)
}

/// Turns a unique violation into a conflict with the given message.
pub(crate) fn on_unique(message: impl Into<String>) -> impl FnOnce(sqlx::Error) -> StoreError {
    let message = message.into();
    move |err| {
        if is_unique_violation(&err) {
            StoreError::Conflict(message)
        } else {
            StoreError::from(err)
        }
    }
}

/// Page request for list queries: items with `id > after`, in id order (UUIDv7 = creation
/// order, so the order is stable while new rows are added).
#[derive(Debug, Clone)]
pub struct PageQuery {
    pub after: String,
    pub limit: i64,
}

impl PageQuery {
    /// One more row than asked is fetched to know whether a next page exists.
    pub fn fetch_limit(&self) -> i64 {
        self.limit + 1
    }
}

#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    /// The latest revision a write of this process committed (see [`Store::committed`]).
    committed: Arc<watch::Sender<i64>>,
    /// The time every write stamps and every period read starts from.
    clock: Clock,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("backend", &self.backend).finish()
    }
}

impl Store {
    /// Connect, creating the SQLite file (and its folder) or the Postgres database if missing.
    pub async fn connect(url: &DatabaseUrl, max_connections: u32) -> anyhow::Result<Store> {
        static DRIVERS: Once = Once::new();
        DRIVERS.call_once(install_default_drivers);
        let backend = url.backend()?;
        let connect_url = match backend {
            Backend::Sqlite => prepare_sqlite(url.expose())?,
            Backend::Postgres => {
                ensure_postgres_database(url).await?;
                url.expose().to_owned()
            }
        };
        let mut options = AnyPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(Duration::from_secs(5));
        if backend == Backend::Sqlite {
            options = options.after_connect(|conn, _meta| {
                Box::pin(async move {
                    conn.execute(
                        "PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000; \
                         PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;",
                    )
                    .await?;
                    Ok(())
                })
            });
        }
        let pool = options
            .connect(&connect_url)
            .await
            .with_context(|| format!("cannot connect to the database at {url}"))?;
        Ok(Store {
            pool,
            backend,
            committed: Arc::new(watch::channel(0).0),
            clock: Clock::system(),
        })
    }

    /// The same store reading time from `clock` (a test's adjustable clock).
    pub fn with_clock(mut self, clock: Clock) -> Store {
        self.clock = clock;
        self
    }

    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// Now, in epoch milliseconds, by the store's clock.
    pub fn now_ms(&self) -> i64 {
        self.clock.now_ms()
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The latest revision a write of this process committed, changing as writes commit: a
    /// write that changes what gateways serve bumps the revision in its transaction
    /// (`revision.rs`) and announces it here once committed. The deployer follows it (and,
    /// for other replicas' writes, Postgres NOTIFY and a slow poll); a handler that promises
    /// read-your-writes waits until the gateway serves at least this revision.
    pub fn committed(&self) -> watch::Receiver<i64> {
        self.committed.subscribe()
    }

    /// After the commit of a transaction that bumped the revision to `revision`.
    fn announce(&self, revision: i64) {
        self.committed.send_if_modified(|latest| {
            let newer = revision > *latest;
            if newer {
                *latest = revision;
            }
            newer
        });
    }

    /// Every write transaction of the store (reads-only use the pool directly). On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`, waiting up to busy_timeout): a deferred transaction whose first
    /// statement reads cannot upgrade to a writer once another connection has written
    /// meanwhile, and fails with SQLITE_BUSY at once, whatever busy_timeout says. Background
    /// writers (usage flush, webhook sender) make that likely, not rare.
    pub(crate) async fn begin_write(&self) -> StoreResult<sqlx::Transaction<'static, sqlx::Any>> {
        Ok(match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        })
    }

    fn migrator(&self) -> &'static Migrator {
        match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        }
    }

    /// Apply pending migrations (idempotent).
    pub async fn migrate(&self) -> anyhow::Result<()> {
        self.migrator()
            .run(&self.pool)
            .await
            .context("applying database migrations failed")
    }

    /// Readiness: the database answers and every embedded migration is applied.
    pub async fn ready(&self) -> anyhow::Result<()> {
        let applied: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations")
            .fetch_one(&self.pool)
            .await
            .context("database not reachable or not migrated")?;
        let expected = self
            .migrator()
            .iter()
            .filter(|m| m.migration_type.is_up_migration())
            .count();
        anyhow::ensure!(
            applied as usize >= expected,
            "{applied} of {expected} migrations applied; run `tollgate migrate`"
        );
        Ok(())
    }

    /// Every stored column that could hold a credential, concatenated. Tests use it to prove
    /// that no plaintext secret is ever stored.
    #[doc(hidden)]
    pub async fn dump_secret_columns_for_tests(&self) -> StoreResult<String> {
        let queries = [
            "SELECT email || ' ' || password_hash FROM users",
            "SELECT token_hash || ' ' || csrf_token || ' ' || COALESCE(user_agent, '') FROM sessions",
            "SELECT name || ' ' || prefix || ' ' || token_hash FROM personal_tokens",
            "SELECT details FROM audit_log",
            "SELECT name || ' ' || prefix || ' ' || key_hash FROM api_keys",
            "SELECT client_id || ' ' || secret_prefix || ' ' || secret_hash FROM oauth_clients",
            "SELECT kid || ' ' || public_jwk FROM signing_keys",
            "SELECT url || ' ' || description || ' ' || secret_prefix FROM webhook_endpoints",
            "SELECT body FROM webhook_events",
            "SELECT COALESCE(last_error, '') FROM webhook_deliveries",
        ];
        let mut out = String::new();
        for sql in queries {
            for row in sqlx::query_scalar::<_, String>(sql).fetch_all(&self.pool).await? {
                out.push_str(&row);
                out.push('\n');
            }
        }
        // Private signing keys, hex-encoded, so a test can look for plaintext key material.
        for blob in sqlx::query_scalar::<_, Vec<u8>>("SELECT private_key FROM signing_keys")
            .fetch_all(&self.pool)
            .await?
        {
            out.push_str("private_key:");
            out.push_str(&hex::encode(blob));
            out.push('\n');
        }
        // Webhook signing secrets, sealed: hex-encoded as well.
        for blob in sqlx::query_scalar::<_, Vec<u8>>("SELECT secret_sealed FROM webhook_endpoints")
            .fetch_all(&self.pool)
            .await?
        {
            out.push_str("secret_sealed:");
            out.push_str(&hex::encode(blob));
            out.push('\n');
        }
        Ok(out)
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Create the folder of a file-backed SQLite URL and ask the driver to create the file.
fn prepare_sqlite(url: &str) -> anyhow::Result<String> {
    let rest = url.trim_start_matches("sqlite://").trim_start_matches("sqlite:");
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    if path.is_empty() || path == ":memory:" {
        anyhow::bail!(
            "an in-memory SQLite database loses everything on restart; give a file path, e.g. sqlite://data/tollgate.db"
        );
    }
    if let Some(parent) = Path::new(path).parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create the database folder {}", parent.display()))?;
    }
    let mut out = format!("sqlite://{path}");
    if query.is_empty() {
        out.push_str("?mode=rwc");
    } else {
        out.push('?');
        out.push_str(query);
        if !query.contains("mode=") {
            out.push_str("&mode=rwc");
        }
    }
    Ok(out)
}

/// Create the Postgres database named in the URL when it does not exist yet.
async fn ensure_postgres_database(url: &DatabaseUrl) -> anyhow::Result<()> {
    use sqlx::migrate::MigrateDatabase;
    let exists = sqlx::Postgres::database_exists(url.expose())
        .await
        .with_context(|| format!("cannot reach Postgres at {url}"))?;
    if !exists {
        sqlx::Postgres::create_database(url.expose())
            .await
            .with_context(|| format!("cannot create the database at {url}"))?;
    }
    Ok(())
}
