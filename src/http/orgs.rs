//! Organizations and their members.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::accounts::hash_blocking;
use super::authn::Auth;
use super::extract::{ApiJson, ApiQuery, Page, PageParams, path_id};
use crate::app::AppState;
use crate::domain::account::{Email, OrgSlug, Password, Role, parse_display_name};
use crate::domain::ids::to_datetime;
use crate::domain::policy::{GlobalPermission, Permission};
use crate::domain::secret;
use crate::error::{ApiError, FieldError, Problem};
use crate::store::{AuditEntry, MemberRow, NewUser, OrgRow};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_orgs, create_org))
        .routes(routes!(find_org))
        .routes(routes!(list_members, create_member))
        .routes(routes!(update_member, delete_member))
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e", "slug": "acme", "name": "Acme Corporation", "operator": false, "created_at": "2026-11-29T21:00:00Z", "updated_at": "2026-11-29T21:00:00Z"}))]
pub struct OrgResponse {
    pub id: String,
    #[schema(example = "acme")]
    pub slug: String,
    #[schema(example = "Acme Corporation")]
    pub name: String,
    /// This organization operates the installation.
    pub operator: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<OrgRow> for OrgResponse {
    fn from(o: OrgRow) -> Self {
        let operator = o.operator();
        Self {
            id: o.id,
            slug: o.slug,
            name: o.name,
            operator,
            created_at: to_datetime(o.created_at),
            updated_at: to_datetime(o.updated_at),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"slug": "acme", "name": "Acme Corporation"}))]
pub struct CreateOrgRequest {
    /// 2 to 40 characters of a-z, 0-9 and -.
    pub slug: String,
    pub name: String,
}

/// Organizations: all of them for operators, otherwise the caller's own.
#[utoipa::path(get, path = "/orgs", tag = "organizations",
    security(("session" = []), ("bearer" = [])),
    params(PageParams),
    responses((status = 200, body = Page<OrgResponse>)))]
pub async fn list_orgs(
    State(app): State<AppState>,
    auth: Auth,
    ApiQuery(params): ApiQuery<PageParams>,
) -> Result<Json<Page<OrgResponse>>, ApiError> {
    let page = params.to_query()?;
    let rows = if auth.subject.is_operator() {
        app.store.list_orgs(&page).await?
    } else {
        app.store.list_orgs_of_user(&auth.subject.user_id, &page).await?
    };
    Ok(Json(Page::from_rows(rows, &page, |r| &r.id, Into::into)))
}

/// Create an organization (operators only). Add its admin with `POST /orgs/{org_id}/members`.
#[utoipa::path(post, path = "/orgs", tag = "organizations",
    security(("session" = []), ("bearer" = [])),
    request_body = CreateOrgRequest,
    responses(
        (status = 201, body = OrgResponse),
        (status = 409, description = "Slug taken", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create_org(
    State(app): State<AppState>,
    auth: Auth,
    ApiJson(req): ApiJson<CreateOrgRequest>,
) -> Result<(StatusCode, Json<OrgResponse>), ApiError> {
    auth.check(
        auth.subject.authorize_global(GlobalPermission::ManageOrganizations),
        "organization",
    )?;
    let mut errors = Vec::new();
    let slug = OrgSlug::parse(&req.slug)
        .map_err(|m| errors.push(FieldError::new("/slug", m)))
        .ok();
    let name = parse_display_name(&req.name)
        .map_err(|m| errors.push(FieldError::new("/name", m)))
        .ok();
    let (Some(slug), Some(name)) = (slug, name) else {
        return Err(ApiError::invalid(errors));
    };
    let entry = audit(
        &auth,
        "organization.created",
        "organization",
        json!({"slug": slug.as_str(), "name": name}),
    );
    let row = app.store.insert_org(slug.as_str(), &name, false, Some(entry)).await?;
    Ok((StatusCode::CREATED, Json(row.into())))
}

/// One organization the caller belongs to (or any, for operators).
#[utoipa::path(get, path = "/orgs/{org_id}", tag = "organizations",
    security(("session" = []), ("bearer" = [])),
    params(("org_id" = String, Path)),
    responses(
        (status = 200, body = OrgResponse),
    ))]
pub async fn find_org(
    State(app): State<AppState>,
    auth: Auth,
    Path(org_id): Path<String>,
) -> Result<Json<OrgResponse>, ApiError> {
    let org = authorized_org(&app, &auth, &org_id, Permission::ViewOrganization).await?;
    Ok(Json(org.into()))
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"user_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e", "email": "grace@acme.example", "display_name": "Grace", "role": "publisher", "joined_at": "2026-11-29T21:00:00Z"}))]
pub struct MemberResponse {
    pub user_id: String,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub joined_at: DateTime<Utc>,
}

impl TryFrom<MemberRow> for MemberResponse {
    type Error = ApiError;

    fn try_from(m: MemberRow) -> Result<Self, ApiError> {
        let role = Role::parse(&m.role).ok_or_else(|| ApiError::internal(anyhow::anyhow!("bad role {}", m.role)))?;
        Ok(Self {
            user_id: m.user_id,
            email: m.email,
            display_name: m.display_name,
            role,
            joined_at: to_datetime(m.created_at),
        })
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"email": "grace@acme.example", "role": "publisher", "display_name": "Grace"}))]
pub struct CreateMemberRequest {
    pub email: String,
    pub role: Role,
    /// For a new account; defaults to the email's local part.
    pub display_name: Option<String>,
    /// For a new account; when absent a random password is generated and returned once.
    pub password: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"user_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e", "email": "grace@acme.example", "display_name": "Grace", "role": "publisher", "joined_at": "2026-11-29T21:00:00Z", "initial_password": "x7Kp2mQ9vL4nR8sT1wY6zB3c"}))]
pub struct CreatedMemberResponse {
    #[serde(flatten)]
    pub member: MemberResponse,
    /// Set only when a new account was created with a generated password: shown only now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub initial_password: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"role": "admin"}))]
pub struct UpdateMemberRequest {
    pub role: Role,
}

/// Members of an organization (its admins only).
#[utoipa::path(get, path = "/orgs/{org_id}/members", tag = "organizations",
    security(("session" = []), ("bearer" = [])),
    params(("org_id" = String, Path), PageParams),
    responses(
        (status = 200, body = Page<MemberResponse>),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list_members(
    State(app): State<AppState>,
    auth: Auth,
    Path(org_id): Path<String>,
    ApiQuery(params): ApiQuery<PageParams>,
) -> Result<Json<Page<MemberResponse>>, ApiError> {
    authorized_org(&app, &auth, &org_id, Permission::ManageMembers).await?;
    let page = params.to_query()?;
    let rows = app.store.list_members(&org_id, &page).await?;
    Ok(Json(Page::try_from_rows(
        rows,
        &page,
        |r| &r.user_id,
        MemberResponse::try_from,
    )?))
}

/// Add a member: an existing account by email, or a new account. Adding an existing member
/// again changes its role.
#[utoipa::path(post, path = "/orgs/{org_id}/members", tag = "organizations",
    security(("session" = []), ("bearer" = [])),
    params(("org_id" = String, Path)),
    request_body = CreateMemberRequest,
    responses(
        (status = 201, body = CreatedMemberResponse),
        (status = 409, description = "The new role would leave the organization without an admin", body = Problem,
            content_type = "application/problem+json"),
    ))]
pub async fn create_member(
    State(app): State<AppState>,
    auth: Auth,
    Path(org_id): Path<String>,
    ApiJson(req): ApiJson<CreateMemberRequest>,
) -> Result<(StatusCode, Json<CreatedMemberResponse>), ApiError> {
    authorized_org(&app, &auth, &org_id, Permission::ManageMembers).await?;
    let email = Email::parse(&req.email).map_err(|m| ApiError::invalid_field("/email", m))?;
    let mut initial_password = None;
    let user_id = match app.store.find_user_by_email(email.as_str()).await? {
        Some(user) => {
            let mut entry = audit(
                &auth,
                "member.added",
                "user",
                json!({"email": email.as_str(), "role": req.role}),
            );
            entry.org_id = Some(org_id.clone());
            entry.target_id = user.id.clone();
            app.store.put_membership(&org_id, &user.id, req.role, entry).await?;
            user.id
        }
        None => {
            let password = match &req.password {
                Some(p) => {
                    Password::parse(p).map_err(|m| ApiError::invalid_field("/password", m))?;
                    p.clone()
                }
                None => {
                    let generated = secret::expose(&secret::random_password()).to_owned();
                    initial_password = Some(generated.clone());
                    generated
                }
            };
            let default_name = email.as_str().split('@').next().unwrap_or("user").to_owned();
            let name = parse_display_name(req.display_name.as_deref().unwrap_or(&default_name))
                .map_err(|m| ApiError::invalid_field("/display_name", m))?;
            let phc = hash_blocking(password).await?;
            let mut entry = audit(
                &auth,
                "member.created",
                "user",
                json!({"email": email.as_str(), "role": req.role}),
            );
            entry.org_id = Some(org_id.clone());
            let user = app
                .store
                .insert_user(
                    NewUser {
                        email: email.as_str(),
                        display_name: &name,
                        password_hash: &phc,
                        membership: Some((&org_id, req.role)),
                    },
                    Some(entry),
                )
                .await?;
            user.id
        }
    };
    let member = app
        .store
        .find_member(&org_id, &user_id)
        .await?
        .ok_or(ApiError::not_found("member"))?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedMemberResponse {
            member: member.try_into()?,
            initial_password,
        }),
    ))
}

/// Change a member's role. The last admin cannot be demoted.
#[utoipa::path(put, path = "/orgs/{org_id}/members/{user_id}", tag = "organizations",
    security(("session" = []), ("bearer" = [])),
    params(("org_id" = String, Path), ("user_id" = String, Path)),
    request_body = UpdateMemberRequest,
    responses(
        (status = 200, body = MemberResponse),
        (status = 409, description = "Would leave the organization without an admin", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn update_member(
    State(app): State<AppState>,
    auth: Auth,
    Path((org_id, user_id)): Path<(String, String)>,
    ApiJson(req): ApiJson<UpdateMemberRequest>,
) -> Result<Json<MemberResponse>, ApiError> {
    authorized_org(&app, &auth, &org_id, Permission::ManageMembers).await?;
    path_id(&user_id, "member")?;
    let before = app
        .store
        .find_member(&org_id, &user_id)
        .await?
        .ok_or(ApiError::not_found("member"))?;
    let mut entry = audit(
        &auth,
        "member.role_changed",
        "user",
        json!({"from": before.role, "to": req.role}),
    );
    entry.org_id = Some(org_id.clone());
    entry.target_id = user_id.clone();
    app.store.put_membership(&org_id, &user_id, req.role, entry).await?;
    let member = app
        .store
        .find_member(&org_id, &user_id)
        .await?
        .ok_or(ApiError::not_found("member"))?;
    Ok(Json(member.try_into()?))
}

/// Remove a member from the organization (the account remains).
#[utoipa::path(delete, path = "/orgs/{org_id}/members/{user_id}", tag = "organizations",
    security(("session" = []), ("bearer" = [])),
    params(("org_id" = String, Path), ("user_id" = String, Path)),
    responses(
        (status = 204, description = "Removed"),
        (status = 409, description = "The last admin cannot be removed", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn delete_member(
    State(app): State<AppState>,
    auth: Auth,
    Path((org_id, user_id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    authorized_org(&app, &auth, &org_id, Permission::ManageMembers).await?;
    path_id(&user_id, "member")?;
    let mut entry = audit(&auth, "member.removed", "user", json!({}));
    entry.org_id = Some(org_id.clone());
    entry.target_id = user_id.clone();
    app.store.delete_membership(&org_id, &user_id, entry).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Load an organization after the policy allowed `permission` on it. Unknown ids and
/// organizations the caller does not belong to are both 404.
pub async fn authorized_org(
    app: &AppState,
    auth: &Auth,
    org_id: &str,
    permission: Permission,
) -> Result<OrgRow, ApiError> {
    path_id(org_id, "organization")?;
    auth.check(auth.subject.authorize(org_id, permission), "organization")?;
    app.store
        .find_org(org_id)
        .await?
        .ok_or(ApiError::not_found("organization"))
}

/// An audit entry by the caller; the store fills in org and target where it creates them.
pub fn audit(auth: &Auth, action: &'static str, target_type: &'static str, details: serde_json::Value) -> AuditEntry {
    AuditEntry {
        org_id: None,
        actor_id: Some(auth.subject.user_id.clone()),
        actor_email: Some(auth.subject.email.clone()),
        action,
        target_type,
        target_id: String::new(),
        details,
    }
}
