//! OpenAPI documents: import a new API from one, view and replace an API's stored document.

use super::*;

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportParams {
    /// API name (default: the document's `info.title`).
    pub name: Option<String>,
    /// Context path (default: derived from the title, e.g. `/swagger-petstore`).
    pub context: Option<String>,
    /// Version (default: the document's `info.version`).
    pub version: Option<String>,
    /// Backend URL(s), comma-separated, replacing the document's servers.
    pub endpoints: Option<String>,
    /// On update: also replace the endpoints with the document's servers.
    #[serde(default)]
    pub update_endpoints: bool,
}

/// The uploaded document: its bytes, the type to store it under, and overrides sent as
/// multipart fields.
struct Upload {
    bytes: Bytes,
    content_type: &'static str,
    params: ImportParams,
}

async fn read_upload(app: &AppState, params: ImportParams, req: Request) -> Result<Upload, ApiError> {
    let limit = app.config.import_max_bytes;
    if let Some(len) = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok())
        && len > limit as u64
    {
        return Err(too_large(limit));
    }
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let mut params = params;
    let bytes = if content_type.starts_with("multipart/form-data") {
        let mut multipart = Multipart::from_request(req, app)
            .await
            .map_err(|e| ApiError::bad_request(format!("malformed multipart body: {}", e.body_text())))?;
        let mut file = None;
        while let Some(field) = multipart.next_field().await.map_err(|e| match e.status() {
            StatusCode::PAYLOAD_TOO_LARGE => too_large(limit),
            _ => ApiError::bad_request(format!("malformed multipart body: {}", e.body_text())),
        })? {
            let name = field.name().unwrap_or("").to_owned();
            let data = field.bytes().await.map_err(|e| match e.status() {
                StatusCode::PAYLOAD_TOO_LARGE => too_large(limit),
                _ => ApiError::bad_request(format!("malformed multipart body: {}", e.body_text())),
            })?;
            let text = || String::from_utf8_lossy(&data).trim().to_owned();
            match name.as_str() {
                "file" => file = Some(data.clone()),
                "name" => params.name = Some(text()),
                "context" => params.context = Some(text()),
                "version" => params.version = Some(text()),
                "endpoints" => params.endpoints = Some(text()),
                "update_endpoints" => params.update_endpoints = text() == "true",
                other => return Err(ApiError::bad_request(format!("unknown multipart field {other:?}"))),
            }
        }
        file.ok_or_else(|| ApiError::bad_request("the multipart body has no `file` field"))?
    } else {
        Bytes::from_request(req, app).await.map_err(|e| match e.status() {
            StatusCode::PAYLOAD_TOO_LARGE => too_large(limit),
            s => ApiError::from_status(s),
        })?
    };
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    let stored_type = if first == Some(&b'{') {
        "application/json"
    } else {
        "application/yaml"
    };
    Ok(Upload {
        bytes,
        content_type: stored_type,
        params,
    })
}

fn too_large(limit: usize) -> ApiError {
    ApiError::new(
        Code::PayloadTooLarge,
        format!("the document is larger than the import limit of {limit} bytes (import_max_bytes)"),
    )
}

/// Parse on the blocking pool: a 4 MB document is tens of milliseconds of CPU.
async fn parse_document(app: &AppState, bytes: Bytes) -> Result<ImportedSpec, ApiError> {
    let limits = ImportLimits {
        max_bytes: app.config.import_max_bytes,
        ..ImportLimits::default()
    };
    let parsed = tokio::task::spawn_blocking(move || openapi_import::import(&bytes, &limits))
        .await
        .map_err(ApiError::internal)?;
    parsed.map_err(|e| {
        let code = match e.status {
            413 => Code::PayloadTooLarge,
            422 => Code::ValidationFailed,
            _ => Code::BadRequest,
        };
        let mut where_ = String::new();
        if let Some(line) = e.line {
            where_ = format!(
                " (line {line}{})",
                e.column.map(|c| format!(", column {c}")).unwrap_or_default()
            );
        }
        let err = ApiError::new(code, format!("the OpenAPI document is invalid: {}{where_}", e.message));
        match (code, e.pointer) {
            (Code::ValidationFailed, Some(pointer)) => ApiError::invalid(vec![FieldError::new(pointer, e.message)]),
            _ => err,
        }
    })
}

/// Create an API from an OpenAPI 2.0, 3.0 or 3.1 document (JSON or YAML), sent raw or as the
/// `file` field of a multipart form. Resources come from its operations, endpoints from its
/// servers (or `endpoints`), name, version and description from `info`. The document is kept
/// and can be downloaded.
#[utoipa::path(post, path = "/orgs/{org_id}/apis/import", tag = "apis",
    security(("session" = []), ("bearer" = [])),
    params(("org_id" = String, Path), ImportParams),
    request_body(content = String, description = "The OpenAPI document (JSON or YAML), raw or as multipart field `file`",
        content_type = "application/yaml",
        example = "openapi: 3.0.3\ninfo: {title: Petstore, version: 1.0.0}\nservers: [{url: 'https://petstore.internal/v1'}]\npaths:\n  /pets:\n    get: {responses: {'200': {description: ok}}}\n"),
    responses(
        (status = 201, body = ApiResponse, headers(("etag" = String))),
        (status = 400, description = "Not JSON or YAML (with line and column)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Context and version taken", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a supported OpenAPI document (with a JSON pointer)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn import_api(
    State(app): State<AppState>,
    auth: Auth,
    Path(org_id): Path<String>,
    ApiQuery(params): ApiQuery<ImportParams>,
    req: Request,
) -> Result<(StatusCode, Versioned<ApiResponse>), ApiError> {
    authorized_org(&app, &auth, &org_id, Permission::ManageApis).await?;
    let upload = read_upload(&app, params, req).await?;
    let spec = parse_document(&app, upload.bytes.clone()).await?;
    let params = upload.params;
    let mut warnings = spec.warnings.clone();
    let resources = openapi_import::resources(&spec.operations, &mut warnings).map_err(ApiError::invalid)?;
    let endpoints = openapi_import::imported_endpoints(params.endpoints.as_deref(), &spec, &mut warnings)
        .map_err(|e| ApiError::invalid(vec![e]))?;
    let name: String = params
        .name
        .clone()
        .unwrap_or_else(|| openapi_import::name_from_title(&spec.title))
        .chars()
        .take(200)
        .collect();
    let mut f = ApiFields {
        context: params
            .context
            .clone()
            .unwrap_or_else(|| openapi_import::context_from_title(&name)),
        version: match &params.version {
            Some(v) => v.clone(),
            None => openapi_import::version_from_info(&spec.version, &mut warnings),
        },
        name,
        description: spec
            .description
            .clone()
            .unwrap_or_default()
            .chars()
            .take(20_000)
            .collect(),
        is_default: false,
        tags: spec
            .tags
            .iter()
            .filter_map(|t| normalize_tags(std::slice::from_ref(t)).ok())
            .flatten()
            .take(20)
            .collect(),
        visibility: Visibility::Public,
        visible_roles: Vec::new(),
        endpoints,
        cors: Cors::default(),
        connect_timeout_ms: DEFAULT_CONNECT_TIMEOUT_MS,
        response_timeout_ms: DEFAULT_RESPONSE_TIMEOUT_MS,
        require_resubscription: false,
        sunset_at: None,
        health_check: None,
    };
    // The resources were checked above, with errors pointing into the document.
    validate(&app, &org_id, &mut f, None, None).await?;
    let stored = NewSpec {
        content_type: upload.content_type.into(),
        spec_version: spec.spec_version.clone(),
        body: upload.bytes.to_vec(),
    };
    let mut entry = audit(
        &auth,
        "api.imported",
        "api",
        json!({"name": f.name, "context": f.context, "version": f.version, "openapi": spec.spec_version,
               "resources": resources.len()}),
    );
    entry.org_id = Some(org_id.clone());
    let row = app
        .store
        .insert_api(&org_id, &f, &resources, &[], Some(&stored), entry)
        .await?;
    Ok((StatusCode::CREATED, api_response(&app, row, warnings).await?))
}

/// Replace an API's resources (and, with `update_endpoints=true`, its endpoints) from a new
/// OpenAPI document, which is stored in place of the old one.
#[utoipa::path(put, path = "/apis/{api_id}/openapi", tag = "apis",
    security(("session" = []), ("bearer" = [])),
    params(("api_id" = String, Path), ImportParams, ("if-match" = Option<String>, Header)),
    request_body(content = String, description = "The OpenAPI document (JSON or YAML), raw or as multipart field `file`", content_type = "application/yaml",
        example = "openapi: 3.0.3\ninfo: {title: Petstore, version: 1.1.0}\npaths:\n  /pets:\n    get: {responses: {'200': {description: ok}}}\n"),
    responses(
        (status = 200, body = ApiResponse, headers(("etag" = String))),
        (status = 409, description = "The document's resources or endpoints do not fit the API's state, or are taken", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn update_openapi(
    State(app): State<AppState>,
    auth: Auth,
    Path(api_id): Path<String>,
    ApiQuery(params): ApiQuery<ImportParams>,
    req: Request,
) -> Result<Versioned<ApiResponse>, ApiError> {
    let api = authorized_api(&app, &auth, &api_id).await?;
    let expected = if_match(req.headers())?;
    let upload = read_upload(&app, params, req).await?;
    let spec = parse_document(&app, upload.bytes.clone()).await?;
    let mut warnings = spec.warnings.clone();
    let resources = openapi_import::resources(&spec.operations, &mut warnings).map_err(ApiError::invalid)?;
    let mut f = api.fields()?;
    f.is_default = false;
    if upload.params.update_endpoints || upload.params.endpoints.is_some() {
        f.endpoints = openapi_import::imported_endpoints(upload.params.endpoints.as_deref(), &spec, &mut warnings)
            .map_err(|e| ApiError::invalid(vec![e]))?;
    }
    // The resources were checked above, with errors pointing into the document.
    validate(&app, &api.org_id, &mut f, None, None).await?;
    if api.state()?.deployed() && f.endpoints.is_empty() {
        return Err(ApiError::conflict("a deployed API needs at least one endpoint"));
    }
    let stored = NewSpec {
        content_type: upload.content_type.into(),
        spec_version: spec.spec_version.clone(),
        body: upload.bytes.to_vec(),
    };
    let mut entry = audit(
        &auth,
        "api.openapi_updated",
        "api",
        json!({"openapi": spec.spec_version, "resources": resources.len()}),
    );
    entry.org_id = Some(api.org_id.clone());
    entry.target_id = api.id.clone();
    let row = app
        .store
        .update_api(&api.id, expected, &f, Some(&resources), None, Some(&stored), entry)
        .await?;
    api_response(&app, row, warnings).await
}

/// Download the OpenAPI document the API was imported from, as uploaded.
#[utoipa::path(get, path = "/apis/{api_id}/openapi", tag = "apis",
    security(("session" = []), ("bearer" = [])),
    params(("api_id" = String, Path)),
    responses(
        (status = 200, description = "The document as it was uploaded, JSON or YAML", content(
            (Object = "application/json", example = json!({"openapi": "3.0.3", "info": {"title": "Petstore", "version": "1.0.0"},
                "paths": {"/pets": {"get": {"responses": {"200": {"description": "ok"}}}}}})),
            (Object = "application/yaml"),
        )),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such API, or it has no document", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn find_openapi(
    State(app): State<AppState>,
    auth: Auth,
    Path(api_id): Path<String>,
) -> Result<Response, ApiError> {
    let api = authorized_api(&app, &auth, &api_id).await?;
    let spec = app
        .store
        .find_spec(&api.id)
        .await?
        .ok_or(ApiError::not_found("OpenAPI document"))?;
    let ext = if spec.content_type == "application/json" {
        "json"
    } else {
        "yaml"
    };
    crate::http::documents::file_response(
        format!(
            "{}-{}.{ext}",
            api.context.trim_start_matches('/').replace('/', "-"),
            api.version
        ),
        &spec.content_type,
        spec.body,
    )
}
