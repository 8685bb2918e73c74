//! Extractors that turn every bad input into a problem+json error: `ApiJson` and `ApiQuery`
//! wrap axum's own, and `PageParams` / `Page` give every list the same cursor pagination.

use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Query, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::domain::ids::is_uuid;
use crate::error::{ApiError, Code};
use crate::store::PageQuery;

/// JSON body extractor whose rejections are problem+json.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(value)) => Ok(ApiJson(value)),
            Err(rejection) => Err(json_rejection(rejection)),
        }
    }
}

fn json_rejection(rejection: JsonRejection) -> ApiError {
    match rejection {
        JsonRejection::JsonSyntaxError(e) => ApiError::new(Code::InvalidJson, e.body_text()),
        JsonRejection::JsonDataError(e) => ApiError::new(Code::InvalidJson, e.body_text()),
        JsonRejection::MissingJsonContentType(_) => ApiError::new(
            Code::UnsupportedMediaType,
            "expected a body with Content-Type: application/json",
        ),
        JsonRejection::BytesRejection(e) => {
            let mut err = ApiError::from_status(e.status());
            if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                err = ApiError::new(
                    Code::PayloadTooLarge,
                    "the request body is larger than this endpoint accepts",
                );
            }
            err
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

/// Cursor pagination: `?limit=50&cursor=…`. Items come in a stable order (creation order);
/// `next_cursor` in the response fetches the following page.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Page size, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200, example = 50)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page; absent for the first page.
    pub cursor: Option<String>,
}

impl PageParams {
    pub const DEFAULT_LIMIT: u32 = 50;
    pub const MAX_LIMIT: u32 = 200;

    pub fn to_query(&self) -> Result<PageQuery, ApiError> {
        let limit = self.limit.unwrap_or(Self::DEFAULT_LIMIT);
        if !(1..=Self::MAX_LIMIT).contains(&limit) {
            return Err(ApiError::bad_request(format!(
                "limit must be between 1 and {}",
                Self::MAX_LIMIT
            )));
        }
        let after = match &self.cursor {
            None => String::new(),
            Some(c) if is_uuid(c) => c.clone(),
            Some(_) => return Err(ApiError::bad_request("cursor is not one this API returned")),
        };
        Ok(PageQuery {
            after,
            limit: i64::from(limit),
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
