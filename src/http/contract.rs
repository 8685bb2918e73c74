//! The generic half of our API contract: the problem responses an operation can answer because
//! of what it takes — a JSON body, a query string, a path id, `If-Match`, a credential — derived
//! from the operation as utoipa describes it, so that no handler lists them by hand and none is
//! forgotten. Handlers declare only what is particular to them (their success answers, a 409 of a
//! state machine, a 422 of their own validation, a 403 of a role check on a read).
//!
//! Every derived answer is a `$ref` to one shared response under `components/responses`, each
//! `application/problem+json` with the `Problem` schema.

use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::{Content, OpenApi, Ref, RefOr};

use crate::error::PROBLEM_JSON;

/// One shared problem response: its status, its name under `components/responses`, and what
/// makes the server send it.
struct Shared {
    status: u16,
    name: &'static str,
    description: &'static str,
}

const BAD_REQUEST: Shared = Shared {
    status: 400,
    name: "BadRequest",
    description: "`bad_request`: a query parameter is malformed or out of its documented bounds; \
`invalid_json`: the body is not JSON.",
};
const UNAUTHENTICATED: Shared = Shared {
    status: 401,
    name: "Unauthenticated",
    description: "`unauthenticated`: no valid session cookie or personal access token.",
};
const FORBIDDEN: Shared = Shared {
    status: 403,
    name: "Forbidden",
    description: "`forbidden`: your role does not allow this action; `csrf_failed`: a cookie-authenticated \
write without `X-CSRF-Token`.",
};
const NOT_FOUND: Shared = Shared {
    status: 404,
    name: "NotFound",
    description: "`not_found`: the object does not exist, or you may not see it.",
};
const PRECONDITION_FAILED: Shared = Shared {
    status: 412,
    name: "PreconditionFailed",
    description: "`precondition_failed`: `If-Match` does not name the current version.",
};
const PAYLOAD_TOO_LARGE: Shared = Shared {
    status: 413,
    name: "PayloadTooLarge",
    description: "`payload_too_large`: the body is larger than this endpoint accepts.",
};
const UNSUPPORTED_MEDIA_TYPE: Shared = Shared {
    status: 415,
    name: "UnsupportedMediaType",
    description: "`unsupported_media_type`: the body's `Content-Type` is not one this operation documents.",
};
const VALIDATION_FAILED: Shared = Shared {
    status: 422,
    name: "ValidationFailed",
    description: "`validation_failed`: the body is JSON but a field is missing, of the wrong type or invalid; \
`errors` has a JSON pointer per field.",
};
const UNAVAILABLE: Shared = Shared {
    status: 503,
    name: "ServiceUnavailable",
    description: "`service_unavailable`: the database is unavailable; `timeout`: the request did not finish \
within the server's time limit.",
};

const ALL: [&Shared; 9] = [
    &BAD_REQUEST,
    &UNAUTHENTICATED,
    &FORBIDDEN,
    &NOT_FOUND,
    &PRECONDITION_FAILED,
    &PAYLOAD_TOO_LARGE,
    &UNSUPPORTED_MEDIA_TYPE,
    &VALIDATION_FAILED,
    &UNAVAILABLE,
];

/// Adds the shared problem responses to the document and, to every operation, a reference to
/// each that it can answer and does not declare itself; gives every response a description.
pub fn declare_problems(doc: &mut OpenApi) {
    let components = doc.components.get_or_insert_with(Default::default);
    for shared in ALL {
        components
            .responses
            .insert(shared.name.to_owned(), RefOr::T(problem_response(shared.description)));
    }
    for (path, item) in doc.paths.paths.iter_mut() {
        let management = path.starts_with("/api/");
        let operations = [
            (false, &mut item.get),
            (false, &mut item.head),
            (true, &mut item.post),
            (true, &mut item.put),
            (true, &mut item.patch),
            (true, &mut item.delete),
        ];
        for (writes, operation) in operations {
            if let Some(operation) = operation {
                describe_responses(operation);
                for shared in answers(operation, management, writes) {
                    operation
                        .responses
                        .responses
                        .entry(shared.status.to_string())
                        .or_insert_with(|| RefOr::Ref(Ref::from_response_name(shared.name)));
                }
            }
        }
    }
}

/// OpenAPI 3.1 requires a description on every response; a handler that gives none gets the
/// status's reason phrase.
fn describe_responses(operation: &mut Operation) {
    for (status, response) in operation.responses.responses.iter_mut() {
        if let RefOr::T(response) = response
            && response.description.is_empty()
        {
            let reason = status
                .parse::<u16>()
                .ok()
                .and_then(|s| axum::http::StatusCode::from_u16(s).ok())
                .and_then(|s| s.canonical_reason());
            response.description = reason.unwrap_or("Response").to_owned();
        }
    }
}

fn problem_response(description: &str) -> Response {
    ResponseBuilder::new()
        .description(description)
        .content(PROBLEM_JSON, Content::new(Some(Ref::from_schema_name("Problem"))))
        .build()
}

/// What an operation can answer besides what it declares. The management API (`/api/…`) turns
/// every rejection into a problem; the OAuth and discovery endpoints answer in their own RFCs'
/// formats, so only the body limit and the time limit, which wrap every route, apply there.
fn answers(operation: &Operation, management: bool, writes: bool) -> Vec<&'static Shared> {
    let mut out = Vec::new();
    let params = operation.parameters.iter().flatten().filter_map(|p| match p {
        RefOr::T(p) => Some(p),
        RefOr::Ref(_) => None,
    });
    let (mut query, mut path_id, mut if_match) = (false, false, false);
    for p in params {
        match p.parameter_in {
            ParameterIn::Query => query = true,
            ParameterIn::Path => path_id = true,
            ParameterIn::Header if p.name.eq_ignore_ascii_case("if-match") => if_match = true,
            _ => {}
        }
    }
    let body = operation.request_body.as_ref().and_then(|b| match b {
        RefOr::T(b) => Some(b),
        RefOr::Ref(_) => None,
    });
    let json_body = body.is_some_and(|b| b.content.keys().any(|t| t.contains("json")));
    // A credential that is present but invalid is a 401 also where anonymous callers are served.
    let security = operation.security.as_deref().unwrap_or_default();
    let secured = !security.is_empty();
    let anonymous = security.iter().any(is_anonymous);

    if management {
        if query || body.is_some() {
            out.push(&BAD_REQUEST);
        }
        if secured {
            out.push(&UNAUTHENTICATED);
            if writes && !anonymous {
                out.push(&FORBIDDEN);
            }
        }
        if path_id {
            out.push(&NOT_FOUND);
        }
        if if_match {
            out.push(&PRECONDITION_FAILED);
        }
        if body.is_some() {
            out.push(&UNSUPPORTED_MEDIA_TYPE);
        }
        if json_body {
            out.push(&VALIDATION_FAILED);
        }
    }
    if body.is_some() {
        out.push(&PAYLOAD_TOO_LARGE);
    }
    out.push(&UNAVAILABLE);
    out
}

/// `{}` in a security list: the operation also serves anonymous callers.
fn is_anonymous(requirement: &utoipa::openapi::security::SecurityRequirement) -> bool {
    serde_json::to_value(requirement).is_ok_and(|v| v.as_object().is_some_and(|o| o.is_empty()))
}
