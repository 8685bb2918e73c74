//! The control plane's HTTP surface: axum handlers with utoipa annotations, one file per
//! resource, under `/api/v1`; operations endpoints at the root; our own OpenAPI document at
//! `/api/openapi.json` with Swagger UI (served from the binary) at `/api/docs`; the web portal
//! (`web/public`) at `/` ([`portal`]) with the operator's theme at `/theme.css` ([`theme`]).

pub mod accounts;
pub mod admin;
pub mod analytics;
pub mod apis;
pub mod applications;
pub mod audit;
pub mod authn;
pub mod billing;
pub mod catalog;
pub mod contract;
pub mod discovery;
pub mod documents;
pub mod exports;
pub mod extract;
pub mod gateway;
pub mod middleware;
pub mod oauth;
pub mod ops;
pub mod orgs;
pub mod plans;
pub mod portal;
pub mod subscriptions;
pub mod theme;
pub mod tokens;
pub mod webhooks;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, header};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_swagger_ui::SwaggerUi;

use crate::app::AppState;
use crate::config::Config;
use crate::error::{FieldError, Problem};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Tollgate",
        description = "Management API of Tollgate: accounts, organizations, APIs, plans, applications, \
subscriptions, keys and billing. Errors are RFC 9457 `application/problem+json` with a stable `code` \
(see `/api/problems`). Lists use cursor pagination (`limit`, `cursor` → `next_cursor`). Authenticate \
with the portal session cookie (writes also need `X-CSRF-Token`) or `Authorization: Bearer <personal access token>`.",
        license(name = "Apache-2.0", identifier = "Apache-2.0"),
    ),
    modifiers(&SecuritySchemes),
    components(schemas(Problem, FieldError, exports::InvoiceExportItem, exports::Format, analytics::Granularity,
        analytics::Dimension), responses(documents::DocumentFile)),
    tags(
        (name = "accounts", description = "Sign-up, login, the caller's profile"),
        (name = "tokens", description = "Personal access tokens for automation"),
        (name = "organizations", description = "Organizations, members and the audit log"),
        (name = "apis", description = "The publisher's APIs: design, OpenAPI import, versions, lifecycle"),
        (name = "documents", description = "API documentation"),
        (name = "plans", description = "Business plans: rate limits, quotas, prices"),
        (name = "catalog", description = "The developer portal: APIs you may use"),
        (name = "applications", description = "Your applications, their API keys and OAuth clients"),
        (name = "subscriptions", description = "Subscriptions of applications to APIs, and their approval"),
        (name = "oauth2", description = "OAuth 2.0 token, introspection, revocation; OpenID discovery and JWKS"),
        (name = "billing", description = "Invoices, revenue, usage analytics and billing exports"),
        (name = "admin", description = "Installation administration"),
        (name = "gateway", description = "Gateway nodes: snapshot, revision stream, usage"),
        (name = "webhooks", description = "Signed HTTP callbacks for billing events, their deliveries and retries"),
        (name = "operations", description = "Health, readiness, metrics, error codes"),
    )
)]
struct ApiDoc;

struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                authn::SESSION_COOKIE,
                "Portal session cookie set by POST /api/v1/auth/login; writes also need X-CSRF-Token",
            ))),
        );
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("Personal access token (tgp_…)"))
                    .build(),
            ),
        );
    }
}

fn api(config: &Config) -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let v1 = OpenApiRouter::new()
        .merge(accounts::routes())
        .merge(tokens::routes())
        .merge(orgs::routes())
        .merge(audit::routes())
        .merge(apis::routes())
        .merge(apis::import_routes().layer(DefaultBodyLimit::max(config.import_max_bytes)))
        .merge(plans::routes())
        .merge(documents::routes())
        .merge(documents::content_routes().layer(DefaultBodyLimit::max(config.document_max_bytes)))
        .merge(catalog::routes())
        .merge(applications::routes())
        .merge(subscriptions::routes())
        .merge(billing::routes())
        .merge(analytics::routes())
        .merge(exports::routes())
        .merge(admin::routes())
        .merge(theme::routes())
        .merge(gateway::routes())
        .merge(webhooks::routes());
    let (router, mut doc) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .nest("/api/v1", v1)
        .merge(ops::routes())
        .merge(discovery::routes())
        .merge(oauth::routes())
        .merge(theme::public_routes())
        .split_for_parts();
    contract::declare_problems(&mut doc);
    (router, doc)
}

/// Our OpenAPI document (also committed as `openapi/tollgate.json`).
pub fn openapi() -> utoipa::openapi::OpenApi {
    api(&Config::default()).1
}

/// The control-plane router with all middleware.
pub fn router(state: AppState) -> Router {
    let (api, doc) = api(&state.config);
    let (portal, shell) = portal::routes();
    let docs = SwaggerUi::new("/api/docs")
        .url(discovery::OPENAPI_PATH, doc)
        .config(utoipa_swagger_ui::Config::default().validator_url("none"));
    api.layer(SetResponseHeaderLayer::if_not_present(
        header::CACHE_CONTROL,
        HeaderValue::from_static("no-store"),
    ))
    .merge(docs)
    .merge(portal)
    .fallback(move |req: axum::extract::Request| async move { portal::fallback(&shell, &req) })
    .layer(SetResponseHeaderLayer::appending(
        header::LINK,
        HeaderValue::from_static(discovery::SERVICE_DESC_LINK),
    ))
    .layer(DefaultBodyLimit::max(state.config.max_body_bytes))
    .layer(CatchPanicLayer::custom(middleware::panic_problem))
    .layer(axum::middleware::from_fn_with_state(state.clone(), middleware::observe))
    .with_state(state)
}
