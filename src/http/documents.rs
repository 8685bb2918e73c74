//! API documentation: inline markdown, links, and uploaded files (PDF, images).

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::apis::authorized_api;
use super::authn::Auth;
use super::extract::{ApiJson, ApiQuery, Versioned, if_match, path_id};
use super::orgs::audit;
use crate::app::AppState;
use crate::domain::FieldError;
use crate::domain::ids::to_datetime;
use crate::error::{ApiError, Code, Problem};
use crate::store::{DocumentFields, DocumentRow};

pub const MAX_DOCUMENTS_PER_API: usize = 100;
const MAX_INLINE_CHARS: usize = 512 * 1024;
const TYPES: [&str; 5] = ["how_to", "sample", "faq", "reference", "other"];
const VISIBILITIES: [&str; 2] = ["same_as_api", "private"];
const SOURCES: [&str; 3] = ["inline", "url", "file"];

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_documents, create_document))
        .routes(routes!(find_document, update_document, delete_document))
}

/// The kinds of file a document may be: content type, and whether it is text. An upload must
/// declare one (checked against its first bytes by `sniff`); a download answers with it.
const FILE_TYPES: [(&str, bool); 7] = [
    ("text/markdown", true),
    ("text/plain", true),
    ("application/pdf", false),
    ("image/png", false),
    ("image/jpeg", false),
    ("image/gif", false),
    ("image/webp", false),
];

/// A document's file as downloaded, described once for every operation that serves one.
pub struct DocumentFile;

impl<'r> utoipa::ToResponse<'r> for DocumentFile {
    fn response() -> (&'r str, utoipa::openapi::RefOr<utoipa::openapi::response::Response>) {
        use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
        let mut response =
            utoipa::openapi::ResponseBuilder::new().description("The file, with the content type it was uploaded with");
        for (content_type, text) in FILE_TYPES {
            let mut schema = ObjectBuilder::new().schema_type(Type::String);
            if !text {
                schema = schema.format(Some(SchemaFormat::KnownFormat(KnownFormat::Binary)));
            }
            response = response.content(content_type, utoipa::openapi::Content::new(Some(schema)));
        }
        ("DocumentFile", utoipa::openapi::RefOr::T(response.build()))
    }
}

/// The upload route, with its own body limit.
pub fn content_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(find_document_content, update_document_content))
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e", "api_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e", "position": 0, "title": "Getting started", "type": "how_to", "visibility": "same_as_api", "source": "inline", "content": "# Getting started", "url": null, "file_name": null, "content_type": null, "file_size": null, "created_at": "2026-11-29T21:00:00Z", "updated_at": "2026-11-29T21:00:00Z"}))]
pub struct DocumentResponse {
    pub id: String,
    pub api_id: String,
    pub position: i64,
    #[schema(example = "Getting started")]
    pub title: String,
    /// how_to, sample, faq, reference or other.
    #[serde(rename = "type")]
    #[schema(example = "how_to")]
    pub doc_type: String,
    /// same_as_api (shown in the developer portal with the API) or private (publishers only).
    #[schema(example = "same_as_api")]
    pub visibility: String,
    /// inline (markdown in `content`), url (a link), or file (download at `…/content`).
    #[schema(example = "inline")]
    pub source: String,
    pub content: Option<String>,
    pub url: Option<String>,
    pub file_name: Option<String>,
    pub content_type: Option<String>,
    pub file_size: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<DocumentRow> for DocumentResponse {
    fn from(d: DocumentRow) -> Self {
        Self {
            id: d.id,
            api_id: d.api_id,
            position: d.position,
            title: d.title,
            doc_type: d.doc_type,
            visibility: d.visibility,
            source: d.source,
            content: d.inline_content,
            url: d.url,
            file_name: d.file_name,
            content_type: d.content_type,
            file_size: d.file_size,
            created_at: to_datetime(d.created_at),
            updated_at: to_datetime(d.updated_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"items": [{"id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e", "api_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e", "position": 0, "title": "Getting started", "type": "how_to", "visibility": "same_as_api", "source": "inline", "content": "# Getting started", "url": null, "file_name": null, "content_type": null, "file_size": null, "created_at": "2026-11-29T21:00:00Z", "updated_at": "2026-11-29T21:00:00Z"}]}))]
pub struct DocumentList {
    pub items: Vec<DocumentResponse>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"title": "Getting started", "type": "how_to", "source": "inline",
    "content": "# Getting started\n\nSubscribe, then send your key in the `apikey` header."}))]
pub struct CreateDocumentRequest {
    pub title: String,
    #[serde(rename = "type")]
    pub doc_type: String,
    /// Default same_as_api.
    pub visibility: Option<String>,
    pub source: String,
    /// Markdown, for source inline.
    pub content: Option<String>,
    /// http(s) link, for source url.
    pub url: Option<String>,
    /// Position in the list (default: last).
    pub position: Option<i64>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"title": "Quick start"}))]
pub struct UpdateDocumentRequest {
    pub title: Option<String>,
    #[serde(rename = "type")]
    pub doc_type: Option<String>,
    pub visibility: Option<String>,
    pub source: Option<String>,
    pub content: Option<String>,
    pub url: Option<String>,
    pub position: Option<i64>,
}

fn validate(f: &mut DocumentFields) -> Result<(), ApiError> {
    let mut errors = Vec::new();
    f.title = f.title.trim().to_owned();
    if f.title.is_empty() || f.title.chars().count() > 200 || f.title.chars().any(char::is_control) {
        errors.push(FieldError::new("/title", "must be 1 to 200 printable characters"));
    }
    if !TYPES.contains(&f.doc_type.as_str()) {
        errors.push(FieldError::new("/type", format!("must be one of {}", TYPES.join(", "))));
    }
    if !VISIBILITIES.contains(&f.visibility.as_str()) {
        errors.push(FieldError::new(
            "/visibility",
            format!("must be one of {}", VISIBILITIES.join(", ")),
        ));
    }
    if f.position.is_some_and(|p| !(0..=1_000_000).contains(&p)) {
        errors.push(FieldError::new("/position", "must be between 0 and 1000000"));
    }
    match f.source.as_str() {
        "inline" => {
            f.url = None;
            match &f.inline_content {
                None => errors.push(FieldError::new("/content", "is required for an inline document")),
                Some(c) if c.chars().count() > MAX_INLINE_CHARS => {
                    errors.push(FieldError::new("/content", "must be at most 524288 characters"))
                }
                Some(_) => {}
            }
        }
        "url" => {
            f.inline_content = None;
            match f.url.as_deref().map(crate::domain::api::parse_endpoint_url) {
                Some(Ok(_)) => {}
                Some(Err(m)) => errors.push(FieldError::new("/url", m)),
                None => errors.push(FieldError::new("/url", "is required for a url document")),
            }
        }
        "file" => {
            f.inline_content = None;
            f.url = None;
        }
        _ => errors.push(FieldError::new(
            "/source",
            format!("must be one of {}", SOURCES.join(", ")),
        )),
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::invalid(errors))
    }
}

/// The documents of an API, in their order (at most 100).
#[utoipa::path(get, path = "/apis/{api_id}/documents", tag = "documents",
    security(("session" = []), ("bearer" = [])),
    params(("api_id" = String, Path)),
    responses(
        (status = 200, body = DocumentList),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list_documents(
    State(app): State<AppState>,
    auth: Auth,
    Path(api_id): Path<String>,
) -> Result<Json<DocumentList>, ApiError> {
    let api = authorized_api(&app, &auth, &api_id).await?;
    let rows = app.store.list_documents(&api.id).await?;
    Ok(Json(DocumentList {
        items: rows.into_iter().map(Into::into).collect(),
    }))
}

/// Add a document. For a file document, upload its content with `PUT …/content` next.
#[utoipa::path(post, path = "/apis/{api_id}/documents", tag = "documents",
    security(("session" = []), ("bearer" = [])),
    params(("api_id" = String, Path)),
    request_body = CreateDocumentRequest,
    responses(
        (status = 201, body = DocumentResponse, headers(("etag" = String))),
        (status = 409, description = "Too many documents", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create_document(
    State(app): State<AppState>,
    auth: Auth,
    Path(api_id): Path<String>,
    ApiJson(req): ApiJson<CreateDocumentRequest>,
) -> Result<(StatusCode, Versioned<DocumentResponse>), ApiError> {
    let api = authorized_api(&app, &auth, &api_id).await?;
    let mut f = DocumentFields {
        title: req.title,
        doc_type: req.doc_type,
        visibility: req.visibility.unwrap_or_else(|| "same_as_api".into()),
        source: req.source,
        inline_content: req.content,
        url: req.url,
        position: req.position,
    };
    validate(&mut f)?;
    if app.store.list_documents(&api.id).await?.len() >= MAX_DOCUMENTS_PER_API {
        return Err(ApiError::conflict("an API can have at most 100 documents"));
    }
    let mut entry = audit(
        &auth,
        "document.created",
        "document",
        json!({"api_id": api.id, "title": f.title}),
    );
    entry.org_id = Some(api.org_id.clone());
    let row = app.store.insert_document(&api.id, &f, entry).await?;
    Ok((StatusCode::CREATED, Versioned(row.row_version, row.into())))
}

async fn authorized_document(
    app: &AppState,
    auth: &Auth,
    api_id: &str,
    doc_id: &str,
) -> Result<(String, DocumentRow), ApiError> {
    let api = authorized_api(app, auth, api_id).await?;
    path_id(doc_id, "document")?;
    let doc = app
        .store
        .find_document(&api.id, doc_id)
        .await?
        .ok_or(ApiError::not_found("document"))?;
    Ok((api.org_id, doc))
}

/// One document.
#[utoipa::path(get, path = "/apis/{api_id}/documents/{document_id}", tag = "documents",
    security(("session" = []), ("bearer" = [])),
    params(("api_id" = String, Path), ("document_id" = String, Path)),
    responses(
        (status = 200, body = DocumentResponse, headers(("etag" = String))),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn find_document(
    State(app): State<AppState>,
    auth: Auth,
    Path((api_id, document_id)): Path<(String, String)>,
) -> Result<Versioned<DocumentResponse>, ApiError> {
    let (_, doc) = authorized_document(&app, &auth, &api_id, &document_id).await?;
    Ok(Versioned(doc.row_version, doc.into()))
}

/// Change a document (`If-Match` supported).
#[utoipa::path(patch, path = "/apis/{api_id}/documents/{document_id}", tag = "documents",
    security(("session" = []), ("bearer" = [])),
    params(("api_id" = String, Path), ("document_id" = String, Path), ("if-match" = Option<String>, Header)),
    request_body = UpdateDocumentRequest,
    responses(
        (status = 200, body = DocumentResponse, headers(("etag" = String))),
    ))]
pub async fn update_document(
    State(app): State<AppState>,
    auth: Auth,
    Path((api_id, document_id)): Path<(String, String)>,
    headers: HeaderMap,
    ApiJson(req): ApiJson<UpdateDocumentRequest>,
) -> Result<Versioned<DocumentResponse>, ApiError> {
    let (org_id, doc) = authorized_document(&app, &auth, &api_id, &document_id).await?;
    let mut f = DocumentFields {
        title: req.title.unwrap_or(doc.title.clone()),
        doc_type: req.doc_type.unwrap_or(doc.doc_type.clone()),
        visibility: req.visibility.unwrap_or(doc.visibility.clone()),
        source: req.source.unwrap_or(doc.source.clone()),
        inline_content: req.content.or(doc.inline_content.clone()),
        url: req.url.or(doc.url.clone()),
        position: req.position,
    };
    validate(&mut f)?;
    let mut entry = audit(
        &auth,
        "document.updated",
        "document",
        json!({"api_id": doc.api_id, "before": {"title": doc.title, "type": doc.doc_type, "visibility": doc.visibility, "source": doc.source},
               "after": {"title": f.title, "type": f.doc_type, "visibility": f.visibility, "source": f.source}}),
    );
    entry.org_id = Some(org_id);
    entry.target_id = doc.id.clone();
    let row = app
        .store
        .update_document(&doc.api_id, &doc.id, if_match(&headers)?, &f, entry)
        .await?;
    Ok(Versioned(row.row_version, row.into()))
}

/// Delete a document.
#[utoipa::path(delete, path = "/apis/{api_id}/documents/{document_id}", tag = "documents",
    security(("session" = []), ("bearer" = [])),
    params(("api_id" = String, Path), ("document_id" = String, Path)),
    responses(
        (status = 204, description = "Deleted"),
    ))]
pub async fn delete_document(
    State(app): State<AppState>,
    auth: Auth,
    Path((api_id, document_id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let (org_id, doc) = authorized_document(&app, &auth, &api_id, &document_id).await?;
    let mut entry = audit(
        &auth,
        "document.deleted",
        "document",
        json!({"api_id": doc.api_id, "title": doc.title}),
    );
    entry.org_id = Some(org_id);
    entry.target_id = doc.id.clone();
    app.store.delete_document(&doc.api_id, &doc.id, entry).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ContentParams {
    /// File name shown on download (default: from Content-Disposition, else `document`).
    pub file_name: Option<String>,
}

/// File types a document may hold, recognised by their first bytes (the declared type must
/// agree): PDF, PNG, JPEG, GIF, WebP, and plain text or markdown.
fn sniff(content_type: &str, body: &[u8]) -> Result<&'static str, ApiError> {
    let declared = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    let detected = if body.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else if body.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if body.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if body.starts_with(b"GIF87a") || body.starts_with(b"GIF89a") {
        Some("image/gif")
    } else if body.len() > 12 && &body[..4] == b"RIFF" && &body[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    };
    match (declared.as_str(), detected) {
        (d, Some(t)) if d == t => Ok(t),
        ("text/markdown", None) | ("text/plain", None) if std::str::from_utf8(body).is_ok() => {
            Ok(if declared == "text/markdown" {
                "text/markdown"
            } else {
                "text/plain"
            })
        }
        _ => Err(ApiError::new(
            Code::UnsupportedMediaType,
            "upload a PDF, PNG, JPEG, GIF, WebP, markdown or plain-text file with its matching Content-Type",
        )),
    }
}

fn file_name_from(headers: &HeaderMap, query: Option<String>) -> String {
    let raw = query.or_else(|| {
        headers
            .get(header::CONTENT_DISPOSITION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').find_map(|p| p.trim().strip_prefix("filename=")))
            .map(|s| s.trim_matches('"').to_owned())
    });
    // Keep a safe, short name: no path, no quotes or control characters.
    let name: String = raw
        .unwrap_or_else(|| "document".into())
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or("document")
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | ';'))
        .take(200)
        .collect();
    if name.is_empty() { "document".into() } else { name }
}

/// Upload the file of a document (raw body with its Content-Type; PDF, images, markdown or
/// text). The limit is the installation's `document_max_bytes`.
#[utoipa::path(put, path = "/apis/{api_id}/documents/{document_id}/content", tag = "documents",
    security(("session" = []), ("bearer" = [])),
    params(("api_id" = String, Path), ("document_id" = String, Path), ContentParams),
    request_body(description = "The file, with the Content-Type of its kind (checked against its first bytes)",
        content(
            (String = "text/markdown", example = "# Getting started\n\nSend your key in `apikey`."),
            (String = "text/plain"),
            (Vec<u8> = "application/pdf"),
            (Vec<u8> = "image/png"),
            (Vec<u8> = "image/jpeg"),
            (Vec<u8> = "image/gif"),
            (Vec<u8> = "image/webp"),
        )),
    responses(
        (status = 200, body = DocumentResponse, headers(("etag" = String))),
    ))]
pub async fn update_document_content(
    State(app): State<AppState>,
    auth: Auth,
    Path((api_id, document_id)): Path<(String, String)>,
    ApiQuery(params): ApiQuery<ContentParams>,
    headers: HeaderMap,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<Versioned<DocumentResponse>, ApiError> {
    let (org_id, doc) = authorized_document(&app, &auth, &api_id, &document_id).await?;
    let body = body.map_err(|e| match e.status() {
        StatusCode::PAYLOAD_TOO_LARGE => {
            ApiError::new(Code::PayloadTooLarge, "the file is larger than document_max_bytes")
        }
        s => ApiError::from_status(s),
    })?;
    if body.is_empty() {
        return Err(ApiError::bad_request("the file is empty"));
    }
    let declared = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let content_type = sniff(declared, &body)?;
    let file_name = file_name_from(&headers, params.file_name);
    let mut entry = audit(
        &auth,
        "document.uploaded",
        "document",
        json!({"api_id": doc.api_id, "file_name": file_name, "content_type": content_type, "size": body.len()}),
    );
    entry.org_id = Some(org_id);
    entry.target_id = doc.id.clone();
    let row = app
        .store
        .put_document_file(&doc.api_id, &doc.id, &file_name, content_type, &body, entry)
        .await?;
    Ok(Versioned(row.row_version, row.into()))
}

/// Download the file of a file document.
#[utoipa::path(get, path = "/apis/{api_id}/documents/{document_id}/content", tag = "documents",
    security(("session" = []), ("bearer" = [])),
    params(("api_id" = String, Path), ("document_id" = String, Path)),
    responses(
        (status = 200, response = DocumentFile),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such document, or it has no file", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn find_document_content(
    State(app): State<AppState>,
    auth: Auth,
    Path((api_id, document_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let (_, doc) = authorized_document(&app, &auth, &api_id, &document_id).await?;
    let file = app
        .store
        .find_document_file(&doc.api_id, &doc.id)
        .await?
        .and_then(|f| Some((f.file_name?, f.content_type?, f.file_body?)))
        .ok_or(ApiError::not_found("document file"))?;
    file_response(file.0, &file.1, file.2)
}

/// A stored file as a download. Images and PDFs may display inline; nothing is sniffed.
pub fn file_response(file_name: String, content_type: &str, body: Vec<u8>) -> Result<Response, ApiError> {
    let disposition = if content_type.starts_with("image/") || content_type == "application/pdf" {
        "inline"
    } else {
        "attachment"
    };
    let mut resp = body.into_response();
    let headers = resp.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(content_type).map_err(ApiError::internal)?,
    );
    let ascii: String = file_name
        .chars()
        .filter(|c| c.is_ascii_graphic() || *c == ' ')
        .collect();
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&format!("{disposition}; filename=\"{ascii}\"")).map_err(ApiError::internal)?,
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; sandbox"),
    );
    Ok(resp)
}
