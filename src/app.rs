//! The application: shared state, startup (connect, migrate, bootstrap), the two listeners and
//! graceful shutdown.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use secrecy::ExposeSecret;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::config::Config;
use crate::control::deploy::Deployer;
use crate::domain::account::{self, Email, Password, Role};
use crate::domain::clock::Clock;
use crate::domain::secret;
use crate::domain::throttle::FailureThrottle;
use crate::gateway::limit::{PlanLimiter, RedisOptions};
use crate::gateway::{Gateway, GatewayConfig};
use crate::oauth::manager::KeyManager;
use crate::store::{NewUser, Store};
use crate::telemetry::Metrics;

/// State shared by every handler. Cheap to clone.
#[derive(Clone, Debug)]
pub struct AppState {
    pub config: Arc<Config>,
    pub store: Store,
    pub metrics: Arc<Metrics>,
    pub login_by_account: Arc<FailureThrottle>,
    pub login_by_address: Arc<FailureThrottle>,
    pub keys: Arc<KeyManager>,
    pub deployer: Arc<Deployer>,
    pub webhooks: Arc<crate::control::webhook_sender::Sender>,
    /// Cancelled when the process starts to stop: listeners stop accepting, and responses that
    /// would otherwise never end (the nodes' revision streams) end, so draining takes only as
    /// long as the requests in flight.
    pub stopping: CancellationToken,
    /// The time every rule reads (the system's; a test's moves forward on demand). The store
    /// and the gateway read the same clock.
    pub clock: Clock,
}

impl AppState {
    /// Connect to the database, apply migrations and create the bootstrap admin when the
    /// database is empty.
    pub async fn init(mut config: Config, clock: Clock) -> anyhow::Result<AppState> {
        if !config.ignored_env.is_empty() {
            tracing::warn!(variables = ?config.ignored_env, "ignoring environment variables that name no configuration key");
        }
        let store = Store::connect(&config.database_url, config.database_max_connections)
            .await?
            .with_clock(clock.clone());
        store.migrate().await?;
        if config.oauth_issuer.is_none() && config.public_url.is_none() {
            // Every replica must sign and accept the same `iss`; without a configured one the
            // first start records its own address and every later start (any replica) adopts it.
            config.oauth_issuer = Some(store.adopt_issuer(&config.issuer()).await?);
        }
        bootstrap(&store, &config).await?;
        store.seed_missing_default_plans().await?;
        let keys = KeyManager::init(store.clone(), &config).await?;
        let config = Arc::new(config);
        let gateway = Arc::new(new_gateway(&config, clock.clone()).await?);
        let deployer = Arc::new(Deployer::new(
            store.clone(),
            Arc::clone(&keys),
            Arc::clone(&config),
            gateway,
        ));
        deployer.sync().await?;
        let webhooks = Arc::new(crate::control::webhook_sender::Sender::new(
            store.clone(),
            keys.secret_box(),
            &config,
        )?);
        let login_by_account = FailureThrottle::new(config.login_max_failures_per_account, config.login_window);
        let login_by_address = FailureThrottle::new(config.login_max_failures_per_address, config.login_window);
        Ok(AppState {
            config,
            store,
            metrics: Arc::new(Metrics::new()),
            login_by_account: Arc::new(login_by_account),
            login_by_address: Arc::new(login_by_address),
            keys,
            deployer,
            webhooks,
            stopping: CancellationToken::new(),
            clock,
        })
    }
}

/// A gateway with the configured API-key headers and limiter (Redis when configured), reading
/// time from `clock`.
pub async fn new_gateway(config: &Config, clock: Clock) -> anyhow::Result<Gateway> {
    let limiter = match &config.redis_url {
        Some(url) => PlanLimiter::with_redis(url, RedisOptions::default())
            .await
            .with_context(|| format!("redis_url {url:?} (TOLLGATE_REDIS_URL) is not usable"))?,
        None => PlanLimiter::local(),
    }
    .with_clock(clock.clone());
    let gateway_config = GatewayConfig {
        api_key_headers: config
            .gateway_api_key_headers
            .iter()
            .filter_map(|h| axum::http::HeaderName::from_bytes(h.to_ascii_lowercase().as_bytes()).ok())
            .collect(),
        problem_type_base: "/api/problems/".into(),
        clock,
        ..GatewayConfig::default()
    };
    Ok(Gateway::new(gateway_config, Arc::new(limiter)))
}

/// On first start (no user at all): the operator organization and its admin. The admin comes
/// from `TOLLGATE_ADMIN_EMAIL`/`TOLLGATE_ADMIN_PASSWORD`, or gets a random password that is
/// printed once to the log.
async fn bootstrap(store: &Store, config: &Config) -> anyhow::Result<()> {
    if !store.is_empty().await? {
        return Ok(());
    }
    let slug = &config.signup_organization;
    let org = match store.find_org_by_slug(slug).await? {
        Some(org) => org,
        None => store.insert_org(slug, "Default organization", true, None).await?,
    };
    let email = Email::parse(config.admin_email.as_deref().unwrap_or("admin@tollgate.local"))
        .map_err(|e| anyhow::anyhow!("admin_email: {e}"))?;
    let (password, generated) = match &config.admin_password {
        Some(pw) => (pw.clone(), false),
        None => (secret::random_password(), true),
    };
    let phc = {
        let password = password.clone();
        crate::memory::run_heavy(move || {
            account::hash_password(&Password::parse(password.expose_secret()).map_err(anyhow::Error::msg)?)
        })
        .await??
    };
    let created = store
        .insert_user(
            NewUser {
                email: email.as_str(),
                display_name: "Administrator",
                password_hash: &phc,
                membership: Some((&org.id, Role::Admin)),
            },
            None,
        )
        .await;
    match created {
        Ok(_) if generated => tracing::warn!(
            email = %email,
            password = %password.expose_secret(),
            "created the bootstrap administrator with a random password (shown only now); sign in and change it"
        ),
        Ok(_) => tracing::info!(email = %email, "created the bootstrap administrator"),
        // Another replica bootstrapped at the same moment.
        Err(crate::store::StoreError::Conflict(_)) => {}
        Err(e) => return Err(e.into()),
    }
    Ok(())
}

/// A started Tollgate: both listeners bound and serving.
pub struct Running {
    pub api_addr: SocketAddr,
    pub gateway_addr: SocketAddr,
    pub state: AppState,
    shutdown: CancellationToken,
    tasks: Vec<JoinHandle<anyhow::Result<()>>>,
    /// Cancelled only after the listeners drained, so the last flush sees every request.
    flush_shutdown: CancellationToken,
    flusher: JoinHandle<()>,
}

impl Running {
    /// Bind the listeners in `config` and serve, on the system's clock.
    pub async fn start(config: Config) -> anyhow::Result<Running> {
        Self::start_with_clock(config, Clock::system()).await
    }

    /// Bind the listeners in `config` and serve, reading time from `clock` (tests move it).
    pub async fn start_with_clock(config: Config, clock: Clock) -> anyhow::Result<Running> {
        let api = TcpListener::bind(config.listen)
            .await
            .with_context(|| format!("cannot listen on {} (TOLLGATE_LISTEN)", config.listen))?;
        let gateway = TcpListener::bind(config.gateway_listen)
            .await
            .with_context(|| format!("cannot listen on {} (TOLLGATE_GATEWAY_LISTEN)", config.gateway_listen))?;
        // With port 0 the real ports are known only now; URLs derived from them must use them.
        let mut config = config;
        config.listen = api.local_addr()?;
        config.gateway_listen = gateway.local_addr()?;
        let state = AppState::init(config, clock).await?;
        Self::serve(state, api, gateway)
    }

    pub fn serve(state: AppState, api: TcpListener, gateway: TcpListener) -> anyhow::Result<Running> {
        let api_addr = api.local_addr()?;
        let gateway_addr = gateway.local_addr()?;
        let shutdown = state.stopping.clone();
        let api_router = crate::http::router(state.clone());
        let flush_shutdown = CancellationToken::new();
        let flusher = tokio::spawn(
            Arc::clone(&state.deployer).flush_usage(state.config.usage_flush_interval, flush_shutdown.clone()),
        );
        tokio::spawn(Arc::clone(&state.deployer).follow(shutdown.clone()));
        let mut tasks = crate::control::spawn_workers(&state, &shutdown);
        let token = shutdown.clone();
        tasks.push(tokio::spawn(async move {
            axum::serve(api, api_router.into_make_service_with_connect_info::<SocketAddr>())
                .with_graceful_shutdown(token.cancelled_owned())
                .await
                .context("control-plane listener failed")
        }));
        let token = shutdown.clone();
        let gw = Arc::clone(state.deployer.gateway());
        tasks.push(tokio::spawn(async move {
            crate::gateway::serve_with_shutdown(gw, gateway, token.cancelled_owned())
                .await
                .context("gateway listener failed")
        }));
        tracing::info!(
            control_plane = %format!("http://{api_addr}"),
            gateway = %format!("http://{gateway_addr}"),
            database = %state.config.database_url,
            "tollgate is ready"
        );
        Ok(Running {
            api_addr,
            gateway_addr,
            state,
            shutdown,
            tasks,
            flush_shutdown,
            flusher,
        })
    }

    /// Stop accepting, let in-flight requests finish (up to `shutdown_timeout`), close the pool.
    pub async fn shutdown(self) -> anyhow::Result<()> {
        self.shutdown.cancel();
        let timeout: Duration = self.state.config.shutdown_timeout;
        let drained = tokio::time::timeout(timeout, futures_util::future::join_all(self.tasks)).await;
        match drained {
            Ok(results) => {
                for result in results {
                    result.context("listener task panicked")??;
                }
            }
            Err(_) => tracing::warn!(?timeout, "in-flight requests did not finish in time; closing anyway"),
        }
        self.flush_shutdown.cancel();
        if self.flusher.await.is_err() {
            tracing::error!("the usage flusher panicked");
        }
        self.state.store.close().await;
        tracing::info!("tollgate stopped");
        Ok(())
    }
}

/// `tollgate serve`: run until SIGINT or SIGTERM, then shut down gracefully.
pub async fn run(config: Config) -> anyhow::Result<()> {
    let running = Running::start(config).await?;
    shutdown_signal().await;
    tracing::info!("shutdown signal received; draining");
    running.shutdown().await
}

pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
