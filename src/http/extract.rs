//! Extractors that turn every bad input into a problem+json error: `ApiJson` and `ApiQuery`
//! wrap axum's own, and `PageParams` / `Page` give every list the same cursor pagination.

use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Query, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, Schema, SchemaFormat, Type};
use utoipa::{IntoParams, ToSchema};

use crate::domain::ids::is_uuid;
use crate::error::{ApiError, Code};
use crate::store::PageQuery;

/// JSON body extractor whose rejections are problem+json: a body that is not JSON is 400
/// `invalid_json`; JSON of the wrong shape (a missing field, a wrong type, an unknown field) is
/// 422 `validation_failed` with a JSON pointer to the field, like every other field error
/// (docs/api-design.md). A number with a zero fraction (`600.0`) is an integer, as JSON Schema
/// counts it.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let Json(mut value) = Json::<serde_json::Value>::from_request(req, state)
            .await
            .map_err(json_rejection)?;
        integral_numbers(&mut value);
        serde_path_to_error::deserialize(value)
            .map(ApiJson)
            .map_err(|e| shape_error(&e))
    }
}

/// Turns numbers like `600.0` into integers, so that integer fields accept them; a float field
/// still reads an integer.
fn integral_numbers(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Number(n) if !n.is_i64() && !n.is_u64() => {
            if let Some(f) = n.as_f64()
                && f.fract() == 0.0
                && f.abs() < 9.0e15
            {
                // Exact: every integer below 2^53 is a float and back.
                *n = serde_json::Number::from(f as i64);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(integral_numbers),
        Value::Object(map) => map.values_mut().for_each(integral_numbers),
        _ => {}
    }
}

/// A body of the wrong shape, as a field error at its JSON pointer. The path of a missing field
/// ends at the object that lacks it; serde names the field in its message.
fn shape_error(e: &serde_path_to_error::Error<serde_json::Error>) -> ApiError {
    use serde_path_to_error::Segment;
    let mut pointer = String::new();
    for segment in e.path().iter() {
        pointer.push('/');
        match segment {
            Segment::Seq { index } => pointer.push_str(&index.to_string()),
            Segment::Map { key } | Segment::Enum { variant: key } => pointer.push_str(&escape_pointer(key)),
            Segment::Unknown => pointer.push('-'),
        }
    }
    let message = e.inner().to_string();
    if let Some(field) = message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split('`').next())
    {
        pointer.push('/');
        pointer.push_str(&escape_pointer(field));
    }
    // An empty pointer is the whole body (RFC 6901).
    ApiError::invalid_field(&pointer, message)
}

fn escape_pointer(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

fn json_rejection(rejection: JsonRejection) -> ApiError {
    match rejection {
        JsonRejection::JsonSyntaxError(e) => ApiError::new(Code::InvalidJson, e.body_text()),
        // A `Value` has no shape to miss; this is a syntax error found while reading.
        JsonRejection::JsonDataError(e) => ApiError::new(Code::InvalidJson, e.body_text()),
        JsonRejection::MissingJsonContentType(_) => ApiError::new(
            Code::UnsupportedMediaType,
            "expected a body with Content-Type: application/json",
        ),
        JsonRejection::BytesRejection(e) => {
            if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::new(
                    Code::PayloadTooLarge,
                    "the request body is larger than this endpoint accepts",
                )
            } else {
                ApiError::from_status(e.status())
            }
        }
        other => ApiError::from_status(other.status()),
    }
}

/// Query-string extractor whose rejections are problem+json.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiQuery<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(value)) => Ok(ApiQuery(value)),
            Err(rejection) => Err(query_rejection(rejection)),
        }
    }
}

fn query_rejection(rejection: QueryRejection) -> ApiError {
    ApiError::bad_request(format!("invalid query string: {}", rejection.body_text()))
}

/// A page size from the query string: 1 to `MAX`, `DEFAULT` when absent. The bounds are checked
/// when the query string is read (400 `bad_request`) and are the ones the OpenAPI document
/// declares: both come from the two constants. Use it in `IntoParams` structs with
/// `#[param(inline)]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit<const MAX: u32, const DEFAULT: u32>(u32);

/// The page size of most lists.
pub type PageLimit = Limit<200, 50>;

impl<const MAX: u32, const DEFAULT: u32> Limit<MAX, DEFAULT> {
    pub fn or_default(limit: Option<Self>) -> u32 {
        limit.map_or(DEFAULT, |l| l.0)
    }
}

impl<'de, const MAX: u32, const DEFAULT: u32> Deserialize<'de> for Limit<MAX, DEFAULT> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let n = u32::deserialize(deserializer)?;
        if (1..=MAX).contains(&n) {
            Ok(Self(n))
        } else {
            Err(serde::de::Error::custom(format_args!(
                "limit must be between 1 and {MAX}"
            )))
        }
    }
}

impl<const MAX: u32, const DEFAULT: u32> utoipa::PartialSchema for Limit<MAX, DEFAULT> {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::Integer)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int32)))
            .minimum(Some(1))
            .maximum(Some(MAX))
            .default(Some(DEFAULT.into()))
            .description(Some(format!("Page size, 1 to {MAX} (default {DEFAULT}).")))
            .examples([DEFAULT])
            .into()
    }
}

impl<const MAX: u32, const DEFAULT: u32> ToSchema for Limit<MAX, DEFAULT> {}

/// Cursor pagination: `?limit=50&cursor=…`. Items come in a stable order (creation order);
/// `next_cursor` in the response fetches the following page.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    #[param(inline)]
    pub limit: Option<PageLimit>,
    /// `next_cursor` of the previous page; absent for the first page.
    pub cursor: Option<String>,
}

impl PageParams {
    pub fn to_query(&self) -> Result<PageQuery, ApiError> {
        let after = match &self.cursor {
            None => String::new(),
            Some(c) if is_uuid(c) => c.clone(),
            Some(_) => return Err(ApiError::bad_request("cursor is not one this API returned")),
        };
        Ok(PageQuery {
            after,
            limit: i64::from(PageLimit::or_default(self.limit)),
        })
    }
}

/// One page of a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T: ToSchema> {
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; `null` on the last page.
    #[schema(example = "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e")]
    pub next_cursor: Option<String>,
}

impl<T: ToSchema> Page<T> {
    /// Build a page from rows fetched with `PageQuery::fetch_limit` (one extra row).
    pub fn from_rows<R>(rows: Vec<R>, page: &PageQuery, id: impl Fn(&R) -> &str, mut map: impl FnMut(R) -> T) -> Self {
        match Self::try_from_rows(rows, page, id, |r| Ok::<T, std::convert::Infallible>(map(r))) {
            Ok(page) => page,
            Err(never) => match never {},
        }
    }

    /// Like [`Page::from_rows`] with a fallible conversion.
    pub fn try_from_rows<R, E>(
        mut rows: Vec<R>,
        page: &PageQuery,
        id: impl Fn(&R) -> &str,
        map: impl FnMut(R) -> Result<T, E>,
    ) -> Result<Self, E> {
        let has_more = rows.len() as i64 > page.limit;
        rows.truncate(page.limit as usize);
        let next_cursor = if has_more {
            rows.last().map(|r| id(r).to_owned())
        } else {
            None
        };
        Ok(Page {
            items: rows.into_iter().map(map).collect::<Result<_, E>>()?,
            next_cursor,
        })
    }
}

/// A path id that must be a UUID; anything else is a plain 404 without a database call.
pub fn path_id(raw: &str, what: &'static str) -> Result<(), ApiError> {
    if is_uuid(raw) {
        Ok(())
    } else {
        Err(ApiError::not_found(what))
    }
}

/// A response with an `ETag` carrying the object's version (`"v{n}"`).
pub struct Versioned<T>(pub i64, pub T);

impl<T: Serialize> axum::response::IntoResponse for Versioned<T> {
    fn into_response(self) -> axum::response::Response {
        let mut resp = Json(self.1).into_response();
        if let Ok(v) = axum::http::HeaderValue::from_str(&format!("\"v{}\"", self.0)) {
            resp.headers_mut().insert(axum::http::header::ETAG, v);
        }
        resp
    }
}

/// The version an `If-Match` header asks for: `None` without the header or with `*`. A value
/// that is not one of our ETags can never match (412).
pub fn if_match(headers: &axum::http::HeaderMap) -> Result<Option<i64>, ApiError> {
    let Some(value) = headers.get(axum::http::header::IF_MATCH) else {
        return Ok(None);
    };
    let value = value.to_str().unwrap_or("").trim();
    if value == "*" {
        return Ok(None);
    }
    let version = value
        .trim_start_matches("W/")
        .trim_matches('"')
        .strip_prefix('v')
        .and_then(|n| n.parse::<i64>().ok())
        .filter(|n| *n > 0)
        .unwrap_or(0);
    Ok(Some(version))
}
