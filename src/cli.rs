//! The command line. Every flag names its environment variable in `--help`.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::domain::account::Role;

#[derive(Debug, Parser)]
#[command(
    name = "tollgate",
    version,
    about = "API management in one binary: publisher and developer portals, key manager and an embedded API gateway",
    long_about = "API management in one binary: publisher and developer portals, key manager and an embedded API gateway.\n\n\
Configuration is layered: built-in defaults, then tollgate.toml (or --config), then TOLLGATE_* environment \
variables (and DATABASE_URL), then these flags. With no database configured, Tollgate keeps everything in \
sqlite://data/tollgate.db, created on first start.",
    after_help = "Run `tollgate <COMMAND> --help` for the flags of one command. Without a command, `serve` runs."
)]
pub struct Cli {
    /// Configuration file (TOML). Default: ./tollgate.toml when it exists.
    #[arg(long, short = 'c', env = "TOLLGATE_CONFIG", global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Database: sqlite://path/to/file.db (embedded) or postgres://user:pass@host/db.
    #[arg(
        long,
        env = "DATABASE_URL",
        global = true,
        value_name = "URL",
        hide_env_values = true
    )]
    pub database_url: Option<String>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the control plane (REST API, portals, OAuth2) and the embedded gateway (the default).
    Serve(ServeArgs),
    /// Apply pending database migrations and exit.
    Migrate,
    /// Run a gateway data-plane node that follows a control plane (needs no database).
    Gateway(GatewayArgs),
    /// Print Tollgate's own OpenAPI document (JSON) and exit.
    Openapi {
        /// Write to this file instead of standard output.
        #[arg(long, short = 'o', value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Administrative tasks on the database.
    #[command(subcommand)]
    Admin(AdminCommand),
}

#[derive(Debug, Default, Args)]
pub struct ServeArgs {
    /// Address of the control plane: REST API, portals, OAuth2, /metrics.
    #[arg(long, env = "TOLLGATE_LISTEN", value_name = "ADDR")]
    pub listen: Option<SocketAddr>,
    /// Address of the embedded API gateway.
    #[arg(long, env = "TOLLGATE_GATEWAY_LISTEN", value_name = "ADDR")]
    pub gateway_listen: Option<SocketAddr>,
}

#[derive(Debug, Args)]
pub struct GatewayArgs {
    /// Base URL of the control plane, e.g. http://cp.internal:8080.
    #[arg(long, env = "TOLLGATE_CONTROL_PLANE", value_name = "URL")]
    pub control_plane: String,
    /// Personal access token of an operator (admin of the operator organization).
    #[arg(long, env = "TOLLGATE_NODE_TOKEN", value_name = "TOKEN", hide_env_values = true)]
    pub token: String,
    /// Address to serve API traffic on (default: gateway_listen).
    #[arg(long, env = "TOLLGATE_GATEWAY_LISTEN", value_name = "ADDR")]
    pub listen: Option<SocketAddr>,
    /// Name shown in the gateway status.
    #[arg(long, env = "TOLLGATE_NODE_NAME", default_value = "gateway")]
    pub name: String,
}

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Create a user with a role in an organization (the organization is created when missing).
    /// An existing user gets the role in that organization.
    CreateUser {
        /// Email address (the login name).
        #[arg(long)]
        email: String,
        /// Role in the organization.
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// Organization slug, e.g. `acme`.
        #[arg(long, value_name = "SLUG")]
        org: String,
        /// Display name (default: the email's local part).
        #[arg(long)]
        name: Option<String>,
        /// Password for a new user; without it a random one is generated and printed once.
        /// Prefer the environment variable: flags are visible to other local users.
        #[arg(long, env = "TOLLGATE_NEW_USER_PASSWORD", hide_env_values = true)]
        password: Option<String>,
    },
    /// Make a new access-token signing key. Tokens signed by the old key stay valid until they
    /// expire (its public key stays in the JWKS); running servers pick the new key up within 30 s.
    RotateSigningKey,
}

fn parse_role(s: &str) -> Result<Role, String> {
    Role::parse(s).ok_or_else(|| format!("unknown role {s:?}; use admin, publisher or developer"))
}

/// Run one command with a loaded configuration.
pub async fn run(command: Option<Command>, config: crate::config::Config) -> anyhow::Result<()> {
    use anyhow::Context;
    match command {
        None | Some(Command::Serve(_)) => crate::app::run(config).await,
        Some(Command::Gateway(args)) => {
            let listen = args.listen.unwrap_or(config.gateway_listen);
            crate::node::run(
                crate::node::NodeOptions {
                    control_plane: args.control_plane,
                    token: args.token,
                    listen,
                    name: args.name,
                },
                config,
            )
            .await
        }
        Some(Command::Migrate) => {
            let store = crate::store::Store::connect(&config.database_url, 1).await?;
            store.migrate().await?;
            store.ready().await?;
            println!("migrations applied to {}", config.database_url);
            Ok(())
        }
        Some(Command::Openapi { output }) => {
            let json = crate::http::openapi()
                .to_pretty_json()
                .context("serialising the OpenAPI document")?;
            match output {
                Some(path) => {
                    std::fs::write(&path, json + "\n").with_context(|| format!("cannot write {}", path.display()))?
                }
                None => println!("{json}"),
            }
            Ok(())
        }
        Some(Command::Admin(AdminCommand::CreateUser {
            email,
            role,
            org,
            name,
            password,
        })) => create_user(&config, &email, role, &org, name.as_deref(), password).await,
        Some(Command::Admin(AdminCommand::RotateSigningKey)) => {
            let store = crate::store::Store::connect(&config.database_url, 1).await?;
            store.migrate().await?;
            let keys = crate::oauth::manager::KeyManager::init(store, &config).await?;
            let kid = keys.rotate().await?;
            println!("new signing key {kid}");
            Ok(())
        }
    }
}

async fn create_user(
    config: &crate::config::Config,
    email: &str,
    role: Role,
    org_slug: &str,
    name: Option<&str>,
    password: Option<String>,
) -> anyhow::Result<()> {
    use crate::domain::account::{self, Email, OrgSlug, Password, parse_display_name};
    use crate::store::{AuditEntry, NewUser, Store};

    let email = Email::parse(email).map_err(|e| anyhow::anyhow!("--email: {e}"))?;
    let slug = OrgSlug::parse(org_slug).map_err(|e| anyhow::anyhow!("--org: {e}"))?;
    let store = Store::connect(&config.database_url, 1).await?;
    store.migrate().await?;
    let org = match store.find_org_by_slug(slug.as_str()).await? {
        Some(org) => org,
        None => {
            let org = store.insert_org(slug.as_str(), slug.as_str(), false, None).await?;
            println!("created organization {} ({})", org.slug, org.id);
            org
        }
    };
    let entry = |action: &'static str, target: &str| AuditEntry {
        org_id: Some(org.id.clone()),
        actor_id: None,
        actor_email: Some("cli".into()),
        action,
        target_type: "user",
        target_id: target.to_owned(),
        details: serde_json::json!({"email": email.as_str(), "role": role}),
    };
    if let Some(user) = store.find_user_by_email(email.as_str()).await? {
        store
            .put_membership(&org.id, &user.id, role, entry("member.added", &user.id))
            .await?;
        println!("{} is now {} of {}", email, role.as_str(), org.slug);
        return Ok(());
    }
    let (password, generated) = match password {
        Some(p) => (p, false),
        None => (
            crate::domain::secret::expose(&crate::domain::secret::random_password()).to_owned(),
            true,
        ),
    };
    Password::parse(&password).map_err(|e| anyhow::anyhow!("password: {e}"))?;
    let default_name = email.as_str().split('@').next().unwrap_or("user").to_owned();
    let display_name = parse_display_name(name.unwrap_or(&default_name)).map_err(|e| anyhow::anyhow!("--name: {e}"))?;
    let phc = {
        let password = password.clone();
        crate::memory::run_heavy(move || {
            account::hash_password(&Password::parse(&password).map_err(anyhow::Error::msg)?)
        })
        .await??
    };
    let user = store
        .insert_user(
            NewUser {
                email: email.as_str(),
                display_name: &display_name,
                password_hash: &phc,
                membership: Some((&org.id, role)),
            },
            Some(entry("member.created", "")),
        )
        .await?;
    println!("created {} ({}) as {} of {}", email, user.id, role.as_str(), org.slug);
    if generated {
        println!("password (shown only now): {password}");
    }
    Ok(())
}
