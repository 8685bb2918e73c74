//! How a client that knows only our address finds the API description: every response links it
//! (`Link: </api/openapi.json>; rel="service-desc"`, RFC 8631) and `/.well-known/api-catalog`
//! lists it (RFC 9727).

use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::AppState;

/// Where our OpenAPI document is served.
pub const OPENAPI_PATH: &str = "/api/openapi.json";

/// The `Link` field every response of the control plane carries.
pub const SERVICE_DESC_LINK: &str = "</api/openapi.json>; rel=\"service-desc\", </api/docs/>; rel=\"service-doc\"";

const LINKSET_JSON: &str = "application/linkset+json; profile=\"https://www.rfc-editor.org/info/rfc9727\"";

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(find_api_catalog))
}

/// The API catalog (RFC 9727): a linkset naming the management API's description and docs.
#[utoipa::path(get, path = "/.well-known/api-catalog", tag = "operations",
    responses((status = 200, description = "Linkset (RFC 9264)", content_type = "application/linkset+json",
        body = Object, example = json!({"linkset": [{"anchor": "https://api.example.com/api/v1",
            "service-desc": [{"href": "https://api.example.com/api/openapi.json",
                "type": "application/vnd.oai.openapi+json;version=3.1"}],
            "service-doc": [{"href": "https://api.example.com/api/docs/", "type": "text/html"}]}]}))))]
pub async fn find_api_catalog(State(app): State<AppState>) -> Response {
    let base = app.config.control_plane_url();
    let body = json!({"linkset": [{
        "anchor": format!("{base}/api/v1"),
        "service-desc": [{"href": format!("{base}{OPENAPI_PATH}"), "type": "application/vnd.oai.openapi+json;version=3.1"}],
        "service-doc": [{"href": format!("{base}/api/docs/"), "type": "text/html"}],
    }]});
    let mut resp = body.to_string().into_response();
    resp.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(LINKSET_JSON));
    resp
}
