//! One typed configuration: defaults → `tollgate.toml` (or `--config FILE`) → `TOLLGATE_*`
//! environment (`__` separates nested keys) → command-line flags. Plain `DATABASE_URL` is
//! honoured too. Validated once at start; every error says how to fix it.
//! Secrets are [`SecretString`]s or redacted types, so `Debug` and logs never show them.

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, bail};
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

/// Default configuration file, read from the working directory when it exists.
pub const DEFAULT_CONFIG_FILE: &str = "tollgate.toml";

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Control plane: REST API, portals, OAuth2, metrics (`TOLLGATE_LISTEN`).
    pub listen: SocketAddr,
    /// Embedded gateway (`TOLLGATE_GATEWAY_LISTEN`).
    pub gateway_listen: SocketAddr,
    /// `sqlite://path` (embedded default) or `postgres://…` (`DATABASE_URL`).
    pub database_url: DatabaseUrl,
    /// Largest database pool.
    pub database_max_connections: u32,
    /// Public base URL of the control plane, e.g. `https://api.example.com`. When it is https,
    /// session cookies are marked `Secure`.
    pub public_url: Option<String>,
    /// `text` (default) or `json` (`TOLLGATE_LOG_FORMAT`).
    pub log_format: LogFormat,
    /// Log filter in `RUST_LOG` syntax (`TOLLGATE_LOG`), e.g. `info,tollgate=debug`.
    pub log: String,
    /// Bootstrap administrator, created on first start with an empty database.
    pub admin_email: Option<String>,
    #[serde(skip_serializing)]
    pub admin_password: Option<SecretString>,
    /// Allow developers to sign up on their own (`TOLLGATE_SIGNUP_ENABLED`).
    pub signup_enabled: bool,
    /// Organization that self-signed-up developers join (slug).
    pub signup_organization: String,
    /// Lifetime of a portal session.
    #[serde(with = "humantime_serde")]
    pub session_ttl: Duration,
    /// Longest a personal access token may live, and the default when none is asked for.
    #[serde(with = "humantime_serde")]
    pub token_max_ttl: Duration,
    /// Longest time one management request may take before a 503 `timeout` problem.
    #[serde(with = "humantime_serde")]
    pub request_timeout: Duration,
    /// How long a graceful shutdown waits for in-flight requests.
    #[serde(with = "humantime_serde")]
    pub shutdown_timeout: Duration,
    /// Largest JSON request body on the management API, in bytes.
    pub max_body_bytes: usize,
    /// Largest OpenAPI document accepted by an import, in bytes.
    pub import_max_bytes: usize,
    /// Largest uploaded documentation file, in bytes.
    pub document_max_bytes: usize,
    /// Key that encrypts secrets at rest (signing keys): base64 of 32 random bytes
    /// (`openssl rand -base64 32`). Every control-plane replica needs the same one.
    #[serde(skip_serializing)]
    pub secret_key: Option<SecretString>,
    /// Where the secret key is kept when `secret_key` is not set (created on first start).
    pub secret_key_file: PathBuf,
    /// `iss` of access tokens and the OpenID issuer. Default: `public_url`, else `http://{listen}`.
    pub oauth_issuer: Option<String>,
    /// `aud` of access tokens.
    pub oauth_audience: String,
    /// `ES256` (default) or `RS256`.
    pub oauth_signing_alg: String,
    /// Longest access-token lifetime any application may ask for.
    #[serde(with = "humantime_serde")]
    pub oauth_max_token_lifetime: Duration,
    /// Public base URL of the gateway, written into the OpenAPI documents the developer portal
    /// serves. Default: `http://{gateway_listen}`.
    pub gateway_public_url: Option<String>,
    /// Redis for rate-limit and quota counters shared by every gateway node
    /// (`TOLLGATE_REDIS_URL`, e.g. `redis://127.0.0.1:6379`). Without it limits are per process.
    pub redis_url: Option<String>,
    /// Request headers that may carry an API key, in order.
    pub gateway_api_key_headers: Vec<String>,
    /// How often gateways flush metered usage.
    #[serde(with = "humantime_serde")]
    pub usage_flush_interval: Duration,
    /// How invoices are cut: `month` (calendar months, UTC) or a fixed length such as `1d`
    /// (whole minutes, aligned to the Unix epoch).
    pub billing_period: String,
    /// How long after its period ends a draft invoice is finalized automatically (late usage
    /// from gateway nodes arrives within it).
    #[serde(with = "humantime_serde")]
    pub invoice_grace_period: Duration,
    /// How often the control plane looks for invoices to finalize.
    #[serde(with = "humantime_serde")]
    pub billing_check_interval: Duration,
    /// Failed logins allowed per account within `login_window` before further attempts get 429.
    pub login_max_failures_per_account: u32,
    /// Failed logins allowed per client address within `login_window`.
    pub login_max_failures_per_address: u32,
    #[serde(with = "humantime_serde")]
    pub login_window: Duration,
    /// Take the client address from `X-Forwarded-For` (only behind a trusted reverse proxy).
    pub trust_forwarded_for: bool,
    /// Delay before the first retry of a failed webhook delivery; each further retry waits twice
    /// as long (with jitter), at most 6h.
    #[serde(with = "humantime_serde")]
    pub webhook_retry_base_delay: Duration,
    /// Attempts per webhook delivery (the first included) before it is marked `failed`.
    pub webhook_max_attempts: u32,
    /// Longest one webhook POST may take, connection included.
    #[serde(with = "humantime_serde")]
    pub webhook_request_timeout: Duration,
    /// How often the webhook sender looks for due deliveries.
    #[serde(with = "humantime_serde")]
    pub webhook_poll_interval: Duration,
    /// Let webhooks go to loopback, private, link-local and other internal addresses (off:
    /// an organization admin could otherwise make the control plane call its neighbours).
    pub webhook_allow_private_networks: bool,
    /// How long webhook events and their deliveries are kept once settled.
    #[serde(with = "humantime_serde")]
    pub webhook_retention: Duration,
    /// Per-minute usage rollups older than this are merged into hourly rows (analytics at
    /// minute granularity needs the minute rows of its range).
    #[serde(with = "humantime_serde")]
    pub usage_compact_hourly_after: Duration,
    /// Usage rollups older than this are merged into daily rows (UTC days; analytics at hour
    /// granularity needs the hourly or minute rows of its range).
    #[serde(with = "humantime_serde")]
    pub usage_compact_daily_after: Duration,
    /// `TOLLGATE_*` environment variables that name no key (reported at start).
    #[serde(skip)]
    pub ignored_env: Vec<String>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            listen: ([127, 0, 0, 1], 8080).into(),
            gateway_listen: ([127, 0, 0, 1], 8280).into(),
            database_url: DatabaseUrl::new("sqlite://data/tollgate.db"),
            database_max_connections: 10,
            public_url: None,
            log_format: LogFormat::Text,
            log: "info".into(),
            admin_email: None,
            admin_password: None,
            signup_enabled: true,
            signup_organization: "default".into(),
            session_ttl: Duration::from_secs(12 * 3600),
            token_max_ttl: Duration::from_secs(365 * 24 * 3600),
            request_timeout: Duration::from_secs(30),
            shutdown_timeout: Duration::from_secs(30),
            max_body_bytes: 1024 * 1024,
            import_max_bytes: 10 * 1024 * 1024,
            document_max_bytes: 5 * 1024 * 1024,
            secret_key: None,
            secret_key_file: PathBuf::from("data/secret.key"),
            oauth_issuer: None,
            oauth_audience: "tollgate".into(),
            oauth_signing_alg: "ES256".into(),
            oauth_max_token_lifetime: Duration::from_secs(3600),
            gateway_public_url: None,
            redis_url: None,
            gateway_api_key_headers: vec!["apikey".into(), "x-api-key".into()],
            usage_flush_interval: Duration::from_secs(1),
            billing_period: "month".into(),
            invoice_grace_period: Duration::from_secs(3 * 86_400),
            billing_check_interval: Duration::from_secs(60),
            login_max_failures_per_account: 5,
            login_max_failures_per_address: 20,
            login_window: Duration::from_secs(15 * 60),
            trust_forwarded_for: false,
            webhook_retry_base_delay: Duration::from_secs(30),
            webhook_max_attempts: 8,
            webhook_request_timeout: Duration::from_secs(10),
            webhook_poll_interval: Duration::from_secs(1),
            webhook_allow_private_networks: false,
            webhook_retention: Duration::from_secs(30 * 24 * 3600),
            usage_compact_hourly_after: Duration::from_secs(2 * 24 * 3600),
            usage_compact_daily_after: Duration::from_secs(35 * 24 * 3600),
            ignored_env: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

/// `TOLLGATE_*` variables read by the command line itself, not configuration keys.
/// The keys whose fields are `skip_serializing` (secrets), so that [`Config::keys`] cannot find
/// them by serializing the defaults. A test checks every key of the README's table is known.
const SECRET_KEYS: &[&str] = &["admin_password", "secret_key"];

const CLI_ONLY_VARIABLES: &[&str] = &[
    "CONFIG",
    "NEW_USER_PASSWORD",
    "CONTROL_PLANE",
    "NODE_TOKEN",
    "NODE_NAME",
];

/// A configuration error naming each bad key with its environment variable.
fn explain(err: figment::Error) -> anyhow::Error {
    let lines: Vec<String> = err
        .into_iter()
        .map(|e| {
            let key = e.path.join(".").to_lowercase();
            let source = e
                .metadata
                .as_ref()
                .map(|m| m.name.to_string())
                .unwrap_or_else(|| "configuration".into());
            if key.is_empty() {
                format!("{} (from {source})", e.kind)
            } else {
                let var = format!("TOLLGATE_{}", key.replace('.', "__").to_uppercase());
                format!("`{key}` (environment variable {var}, from {source}): {}", e.kind)
            }
        })
        .collect();
    anyhow::anyhow!(
        "invalid configuration: {}. See README.md § Configuration for every key, its environment variable and its default",
        lines.join("; ")
    )
}

/// Values given on the command line; they win over every other layer.
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub config_file: Option<PathBuf>,
    pub listen: Option<SocketAddr>,
    pub gateway_listen: Option<SocketAddr>,
    pub database_url: Option<String>,
}

impl Config {
    /// The billing period (validated at start).
    pub fn billing_period(&self) -> crate::domain::billing::BillingPeriod {
        crate::domain::billing::BillingPeriod::parse(&self.billing_period)
            .unwrap_or(crate::domain::billing::BillingPeriod::Month)
    }

    /// When usage rollups are compacted (levels that would cross a billing period stay off).
    pub fn usage_compaction(&self) -> crate::store::CompactionPolicy {
        crate::store::CompactionPolicy::new(
            self.usage_compact_hourly_after,
            self.usage_compact_daily_after,
            self.billing_period(),
        )
    }

    /// Load all layers and validate. `env` is the process environment as pairs, so tests can
    /// pass their own.
    pub fn load(overrides: &Overrides) -> anyhow::Result<Config> {
        // Only TOLLGATE_* variables that name a key are configuration; others (used by the CLI,
        // by tests, by wrappers) are reported once at start and otherwise left alone.
        let known = Self::keys();
        let known_for_env = known.clone();
        let ignored_env: Vec<String> = std::env::vars_os()
            .filter_map(|(k, _)| k.into_string().ok())
            .filter_map(|k| k.strip_prefix("TOLLGATE_").map(str::to_lowercase))
            .filter(|k| !CLI_ONLY_VARIABLES.iter().any(|c| c.eq_ignore_ascii_case(k)))
            .filter(|k| !known.iter().any(|n| k.split("__").next() == Some(n.as_str())))
            .map(|k| format!("TOLLGATE_{}", k.to_uppercase()))
            .collect();
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        match &overrides.config_file {
            Some(path) => {
                if !path.exists() {
                    bail!(
                        "configuration file {} does not exist; create it or drop --config / TOLLGATE_CONFIG",
                        path.display()
                    );
                }
                figment = figment.merge(Toml::file_exact(path));
            }
            None if Path::new(DEFAULT_CONFIG_FILE).exists() => {
                figment = figment.merge(Toml::file_exact(DEFAULT_CONFIG_FILE));
            }
            None => {}
        }
        figment = figment
            .merge(Env::raw().only(&["DATABASE_URL"]).map(|_| "database_url".into()))
            .merge(
                Env::prefixed("TOLLGATE_")
                    .filter(move |key| {
                        let first = key.as_str().split("__").next().unwrap_or("");
                        known_for_env.iter().any(|k| first.eq_ignore_ascii_case(k))
                    })
                    .split("__"),
            );
        if let Some(v) = overrides.listen {
            figment = figment.merge(Serialized::default("listen", v));
        }
        if let Some(v) = overrides.gateway_listen {
            figment = figment.merge(Serialized::default("gateway_listen", v));
        }
        if let Some(v) = &overrides.database_url {
            figment = figment.merge(Serialized::default("database_url", v));
        }
        let mut config: Config = figment.extract().map_err(explain)?;
        // An empty variable (as docker-compose passes for `${X:-}`) means "not set".
        if config.admin_email.as_deref().is_some_and(|s| s.trim().is_empty()) {
            config.admin_email = None;
        }
        if config
            .admin_password
            .as_ref()
            .is_some_and(|s| s.expose_secret().is_empty())
        {
            config.admin_password = None;
        }
        if config.public_url.as_deref().is_some_and(|s| s.trim().is_empty()) {
            config.public_url = None;
        }
        if config.redis_url.as_deref().is_some_and(|s| s.trim().is_empty()) {
            config.redis_url = None;
        }
        config.validate()?;
        config.ignored_env = ignored_env;
        Ok(config)
    }

    /// Every configuration key (top level): the serialized fields, and the secrets, which are
    /// never serialized.
    fn keys() -> Vec<String> {
        let mut keys: Vec<String> = match serde_json::to_value(Config::default()) {
            Ok(serde_json::Value::Object(map)) => map.keys().cloned().collect(),
            _ => Vec::new(),
        };
        keys.extend(SECRET_KEYS.iter().map(|k| (*k).to_owned()));
        keys
    }

    /// Checks that serde cannot express. Messages say what to change.
    pub fn validate(&self) -> anyhow::Result<()> {
        self.database_url.backend().context("database_url")?;
        if self.database_max_connections == 0 {
            bail!("database_max_connections must be at least 1 (TOLLGATE_DATABASE_MAX_CONNECTIONS)");
        }
        if let Some(url) = &self.public_url
            && !(url.starts_with("http://") || url.starts_with("https://"))
        {
            bail!("public_url must start with http:// or https:// (TOLLGATE_PUBLIC_URL), got {url:?}");
        }
        if let Some(email) = &self.admin_email {
            crate::domain::account::Email::parse(email)
                .map_err(|e| anyhow::anyhow!("admin_email (TOLLGATE_ADMIN_EMAIL) is not a valid email address: {e}"))?;
        }
        if let Some(pw) = &self.admin_password {
            crate::domain::account::Password::parse(pw.expose_secret())
                .map_err(|e| anyhow::anyhow!("admin_password (TOLLGATE_ADMIN_PASSWORD) is not acceptable: {e}"))?;
            if self.admin_email.is_none() {
                bail!("admin_password is set but admin_email is not; set TOLLGATE_ADMIN_EMAIL too");
            }
        }
        crate::domain::account::OrgSlug::parse(&self.signup_organization).map_err(|e| {
            anyhow::anyhow!("signup_organization (TOLLGATE_SIGNUP_ORGANIZATION) is not a valid slug: {e}")
        })?;
        if self.request_timeout.is_zero() {
            bail!("request_timeout must be positive, e.g. \"30s\" (TOLLGATE_REQUEST_TIMEOUT)");
        }
        if self.session_ttl < Duration::from_secs(60) {
            bail!("session_ttl must be at least 1m (TOLLGATE_SESSION_TTL)");
        }
        if self.token_max_ttl < Duration::from_secs(3600) {
            bail!("token_max_ttl must be at least 1h (TOLLGATE_TOKEN_MAX_TTL)");
        }
        if self.max_body_bytes < 1024 {
            bail!("max_body_bytes must be at least 1024 (TOLLGATE_MAX_BODY_BYTES)");
        }
        if self.import_max_bytes < 1024 || self.document_max_bytes < 1024 {
            bail!(
                "import_max_bytes and document_max_bytes must be at least 1024 (TOLLGATE_IMPORT_MAX_BYTES, TOLLGATE_DOCUMENT_MAX_BYTES)"
            );
        }
        if crate::oauth::keys::SigningAlg::parse(&self.oauth_signing_alg).is_none() {
            bail!("oauth_signing_alg must be ES256 or RS256 (TOLLGATE_OAUTH_SIGNING_ALG)");
        }
        if self.oauth_max_token_lifetime < Duration::from_secs(60)
            || self.oauth_max_token_lifetime > Duration::from_secs(86_400)
        {
            bail!("oauth_max_token_lifetime must be between 1m and 24h (TOLLGATE_OAUTH_MAX_TOKEN_LIFETIME)");
        }
        if let Some(key) = &self.secret_key {
            crate::oauth::crypto::SecretBox::from_base64(key.expose_secret())
                .map_err(|e| anyhow::anyhow!("secret_key (TOLLGATE_SECRET_KEY): {e}"))?;
        }
        for (name, url) in [
            ("oauth_issuer", &self.oauth_issuer),
            ("gateway_public_url", &self.gateway_public_url),
        ] {
            if let Some(url) = url
                && !(url.starts_with("http://") || url.starts_with("https://"))
            {
                bail!("{name} must start with http:// or https://, got {url:?}");
            }
        }
        if let Some(url) = &self.redis_url
            && !(url.starts_with("redis://") || url.starts_with("rediss://"))
        {
            bail!("redis_url must start with redis:// or rediss:// (TOLLGATE_REDIS_URL)");
        }
        if self.gateway_api_key_headers.is_empty()
            || self
                .gateway_api_key_headers
                .iter()
                .any(|h| axum::http::HeaderName::from_bytes(h.to_ascii_lowercase().as_bytes()).is_err())
        {
            bail!("gateway_api_key_headers must list valid header names, e.g. [\"apikey\", \"x-api-key\"]");
        }
        if self.usage_flush_interval < Duration::from_millis(50) || self.usage_flush_interval > Duration::from_secs(60)
        {
            bail!("usage_flush_interval must be between 50ms and 60s (TOLLGATE_USAGE_FLUSH_INTERVAL)");
        }
        if let Err(e) = crate::domain::billing::BillingPeriod::parse(&self.billing_period) {
            bail!("billing_period: {e} (TOLLGATE_BILLING_PERIOD)");
        }
        if self.billing_check_interval < Duration::from_millis(100) {
            bail!("billing_check_interval must be at least 100ms (TOLLGATE_BILLING_CHECK_INTERVAL)");
        }
        if self.webhook_retry_base_delay < Duration::from_millis(1)
            || self.webhook_retry_base_delay > Duration::from_secs(6 * 3600)
        {
            bail!("webhook_retry_base_delay must be between 1ms and 6h (TOLLGATE_WEBHOOK_RETRY_BASE_DELAY)");
        }
        if !(1..=50).contains(&self.webhook_max_attempts) {
            bail!("webhook_max_attempts must be between 1 and 50 (TOLLGATE_WEBHOOK_MAX_ATTEMPTS)");
        }
        if self.webhook_request_timeout < Duration::from_millis(100)
            || self.webhook_request_timeout > Duration::from_secs(300)
        {
            bail!("webhook_request_timeout must be between 100ms and 5m (TOLLGATE_WEBHOOK_REQUEST_TIMEOUT)");
        }
        if self.webhook_poll_interval < Duration::from_millis(10)
            || self.webhook_poll_interval > Duration::from_secs(60)
        {
            bail!("webhook_poll_interval must be between 10ms and 60s (TOLLGATE_WEBHOOK_POLL_INTERVAL)");
        }
        if self.webhook_retention < Duration::from_secs(3600) {
            bail!("webhook_retention must be at least 1h (TOLLGATE_WEBHOOK_RETENTION)");
        }
        if self.usage_compact_hourly_after < Duration::from_secs(24 * 3600) {
            bail!(
                "usage_compact_hourly_after must be at least 1d: analytics of the last day at minute granularity \
                 needs its minute rows (TOLLGATE_USAGE_COMPACT_HOURLY_AFTER)"
            );
        }
        if self.usage_compact_daily_after < self.usage_compact_hourly_after {
            bail!(
                "usage_compact_daily_after must not be shorter than usage_compact_hourly_after \
                 (TOLLGATE_USAGE_COMPACT_DAILY_AFTER)"
            );
        }
        if self.login_max_failures_per_account == 0 || self.login_max_failures_per_address == 0 {
            bail!("login_max_failures_per_account and _per_address must be at least 1");
        }
        if self.listen == self.gateway_listen && self.listen.port() != 0 {
            bail!(
                "listen and gateway_listen are both {}; give the gateway its own port (TOLLGATE_GATEWAY_LISTEN)",
                self.listen
            );
        }
        Ok(())
    }

    /// The `iss` of our tokens.
    pub fn issuer(&self) -> String {
        self.oauth_issuer
            .clone()
            .map_or_else(|| self.control_plane_url(), |s| s.trim_end_matches('/').to_owned())
    }

    /// Where people and clients reach the control plane: `public_url`, else `http://{listen}`.
    pub fn control_plane_url(&self) -> String {
        self.public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", self.listen))
            .trim_end_matches('/')
            .to_owned()
    }

    /// Where API consumers reach the gateway.
    pub fn gateway_url(&self) -> String {
        self.gateway_public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", self.gateway_listen))
            .trim_end_matches('/')
            .to_owned()
    }

    /// Whether session cookies get the `Secure` attribute.
    pub fn secure_cookies(&self) -> bool {
        self.public_url.as_deref().is_some_and(|u| u.starts_with("https://"))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A database URL whose password never reaches `Debug`, `Display` or logs.
#[derive(Clone, Deserialize, Serialize)]
#[serde(transparent)]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    pub fn new(url: impl Into<String>) -> Self {
        Self(url.into())
    }

    /// The full URL, password included: only for connecting.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn backend(&self) -> anyhow::Result<Backend> {
        if self.0.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if self.0.starts_with("postgres://") || self.0.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else {
            bail!(
                "unsupported database URL {self}: use sqlite://path/to/file.db (embedded) or postgres://user:password@host/db"
            )
        }
    }

    /// The URL with any password replaced by `***`.
    pub fn redacted(&self) -> String {
        let url = &self.0;
        let Some(scheme_end) = url.find("://") else {
            return url.clone();
        };
        let rest = &url[scheme_end + 3..];
        let authority_end = rest.find('/').unwrap_or(rest.len());
        let authority = &rest[..authority_end];
        let mut out = url.clone();
        if let Some(at) = authority.rfind('@')
            && let Some(colon) = authority[..at].find(':')
        {
            let start = scheme_end + 3 + colon + 1;
            let end = scheme_end + 3 + at;
            out.replace_range(start..end, "***");
        }
        // Query parameters such as `password=` are redacted wholesale.
        if let Some(q) = out.find('?')
            && out[q..].to_ascii_lowercase().contains("password")
        {
            out.truncate(q);
            out.push_str("?***");
        }
        out
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.redacted())
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every key of the README's configuration table is read from the variable the table
    /// names: `TOLLGATE_<KEY>` (and `DATABASE_URL` for the database). The secret key was once
    /// missing, so replicas configured by environment alone could not share it.
    #[test]
    fn every_documented_key_is_read_from_its_variable() {
        let readme = include_str!("../README.md");
        let keys = Config::keys();
        let mut rows = 0;
        for line in readme.lines().filter(|l| l.starts_with("| `")) {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            let (Some(key), Some(vars)) = (cells.get(1), cells.get(2)) else {
                continue;
            };
            let key = key.trim_matches('`');
            if !vars.contains("TOLLGATE_") {
                continue; // another table
            }
            rows += 1;
            assert!(
                keys.iter().any(|k| k == key),
                "README key `{key}` is not a configuration key"
            );
            let expected = format!("`TOLLGATE_{}`", key.to_uppercase());
            assert!(
                vars.contains(&expected),
                "README row of `{key}` should name {expected}: {vars}"
            );
        }
        assert!(rows >= 30, "found only {rows} rows of the configuration table");
        assert!(keys.iter().any(|k| k == "secret_key"));
    }

    #[test]
    fn database_password_is_redacted() {
        let url = DatabaseUrl::new("postgres://app:s3cr3t@db.internal:5432/tollgate");
        assert_eq!(url.redacted(), "postgres://app:***@db.internal:5432/tollgate");
        assert!(!format!("{url:?}").contains("s3cr3t"));
        let q = DatabaseUrl::new("postgres://db/tollgate?user=a&password=s3cr3t");
        assert!(!q.redacted().contains("s3cr3t"));
        assert_eq!(DatabaseUrl::new("sqlite://data/t.db").redacted(), "sqlite://data/t.db");
    }

    #[test]
    fn secrets_are_not_in_debug() {
        let cfg = Config {
            admin_password: Some(SecretString::from("correct horse battery")),
            ..Config::default()
        };
        assert!(!format!("{cfg:?}").contains("horse"));
    }

    #[test]
    fn defaults_validate() {
        Config::default().validate().unwrap();
    }

    #[test]
    fn bad_values_explain_the_fix() {
        let cfg = Config {
            database_url: DatabaseUrl::new("mysql://x"),
            ..Config::default()
        };
        let err = format!("{:#}", cfg.validate().unwrap_err());
        assert!(err.contains("sqlite://"), "{err}");
        let cfg = Config {
            gateway_listen: Config::default().listen,
            ..Config::default()
        };
        assert!(format!("{:#}", cfg.validate().unwrap_err()).contains("TOLLGATE_GATEWAY_LISTEN"));
        let cfg = Config {
            usage_compact_hourly_after: Duration::from_secs(3600),
            ..Config::default()
        };
        assert!(format!("{:#}", cfg.validate().unwrap_err()).contains("TOLLGATE_USAGE_COMPACT_HOURLY_AFTER"));
        let cfg = Config {
            usage_compact_daily_after: Duration::from_secs(86_400),
            ..Config::default()
        };
        assert!(format!("{:#}", cfg.validate().unwrap_err()).contains("TOLLGATE_USAGE_COMPACT_DAILY_AFTER"));
    }

    #[test]
    fn compaction_ages_are_durations() {
        let cfg: Config = Figment::from(Serialized::defaults(Config::default()))
            .merge(Toml::string(
                "usage_compact_hourly_after = \"3days\"\nusage_compact_daily_after = \"90d\"",
            ))
            .extract()
            .unwrap();
        cfg.validate().unwrap();
        assert_eq!(cfg.usage_compact_hourly_after, Duration::from_secs(3 * 86_400));
        assert_eq!(cfg.usage_compact_daily_after, Duration::from_secs(90 * 86_400));
        // A billing period of 6 hours keeps daily rows off (they would cross its periods).
        let cfg = Config {
            billing_period: "6h".into(),
            ..cfg
        };
        let policy = cfg.usage_compaction();
        assert_eq!(policy.hourly_after, Some(Duration::from_secs(3 * 86_400)));
        assert_eq!(policy.daily_after, None);
    }
}
