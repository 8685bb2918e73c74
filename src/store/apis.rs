//! apis, api_resources, api_specs, api_plans, lifecycle_events: the publisher's APIs.

use sqlx::{Any, AssertSqlSafe, Transaction};

use super::{AuditEntry, PageQuery, Store, StoreError, StoreResult, audit, on_unique, revision};
pub use crate::domain::api::ApiFields;
use crate::domain::api::{Resource, Visibility, search_text};
use crate::domain::ids::new_id;
use crate::domain::lifecycle::{ApiState, LifecycleAction};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ApiRow {
    pub id: String,
    pub org_id: String,
    pub name: String,
    pub description: String,
    pub context: String,
    pub version: String,
    pub is_default: i64,
    pub state: String,
    pub tags: String,
    pub visibility: String,
    pub visible_roles: String,
    pub endpoints: String,
    pub cors: String,
    pub connect_timeout_ms: i64,
    pub response_timeout_ms: i64,
    pub require_resubscription: i64,
    pub sunset_at: Option<i64>,
    pub row_version: i64,
    pub created_at: i64,
    pub updated_at: i64,
    pub health_check: Option<String>,
}

pub(super) const API_COLUMNS: &str =
    "id, org_id, name, description, context, version, is_default, state, tags, visibility,
    visible_roles, endpoints, cors, connect_timeout_ms, response_timeout_ms, require_resubscription, sunset_at,
    row_version, created_at, updated_at, health_check";

impl ApiRow {
    pub fn state(&self) -> StoreResult<ApiState> {
        ApiState::parse(&self.state).ok_or_else(|| StoreError::Other(anyhow::anyhow!("bad state {}", self.state)))
    }

    pub fn fields(&self) -> StoreResult<ApiFields> {
        fn json<T: serde::de::DeserializeOwned>(s: &str) -> StoreResult<T> {
            serde_json::from_str(s).map_err(|e| StoreError::Other(anyhow::anyhow!("corrupt API JSON: {e}")))
        }
        Ok(ApiFields {
            name: self.name.clone(),
            description: self.description.clone(),
            context: self.context.clone(),
            version: self.version.clone(),
            is_default: self.is_default != 0,
            tags: json(&self.tags)?,
            visibility: Visibility::parse(&self.visibility)
                .ok_or_else(|| StoreError::Other(anyhow::anyhow!("bad visibility")))?,
            visible_roles: json(&self.visible_roles)?,
            endpoints: json(&self.endpoints)?,
            cors: json(&self.cors)?,
            health_check: self.health_check.as_deref().map(json).transpose()?,
            connect_timeout_ms: self.connect_timeout_ms,
            response_timeout_ms: self.response_timeout_ms,
            require_resubscription: self.require_resubscription != 0,
            sunset_at: self.sunset_at,
        })
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ResourceRow {
    pub method: String,
    pub path: String,
    pub auth_required: i64,
    pub operation_id: Option<String>,
    pub summary: Option<String>,
}

impl From<ResourceRow> for Resource {
    fn from(r: ResourceRow) -> Self {
        Resource {
            method: r.method,
            path: r.path,
            auth_required: r.auth_required != 0,
            operation_id: r.operation_id,
            summary: r.summary,
        }
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SpecRow {
    pub content_type: String,
    pub spec_version: String,
    pub body: Vec<u8>,
    pub imported_at: i64,
}

/// An uploaded OpenAPI document to keep with the API.
#[derive(Debug, Clone)]
pub struct NewSpec {
    pub content_type: String,
    pub spec_version: String,
    pub body: Vec<u8>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LifecycleEventRow {
    pub id: String,
    pub from_state: String,
    pub to_state: String,
    pub action: String,
    pub actor_id: Option<String>,
    pub actor_email: Option<String>,
    pub reason: String,
    pub options: String,
    pub at: i64,
}

#[derive(Debug, Clone, Default)]
pub struct ApiFilter {
    pub state: Option<String>,
    pub tag: Option<String>,
    /// Lower-cased search text.
    pub text: Option<String>,
    /// Exactly this context: the versions of one API.
    pub context: Option<String>,
}

/// A lifecycle change to apply.
pub struct Transition<'a> {
    pub action: LifecycleAction,
    pub from: ApiState,
    pub to: ApiState,
    pub reason: &'a str,
    pub actor_id: &'a str,
    pub actor_email: &'a str,
    pub options: serde_json::Value,
    /// Deprecate the other PUBLISHED versions of the same context (on publish).
    pub deprecate_previous: bool,
    /// Make this version the context's default (on publish).
    pub make_default: bool,
    /// Set the API's "require re-subscription" flag (on publish).
    pub require_resubscription: Option<bool>,
}

fn to_json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "null".into())
}

fn like_pattern(text: &str) -> String {
    let escaped = text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{escaped}%")
}

async fn insert_resources(tx: &mut Transaction<'_, Any>, api_id: &str, resources: &[Resource]) -> StoreResult<()> {
    // Multi-row inserts in chunks: a 1,000-operation import is a handful of statements.
    const CHUNK: usize = 100;
    for (chunk_no, chunk) in resources.chunks(CHUNK).enumerate() {
        let mut sql = String::from(
            "INSERT INTO api_resources (id, api_id, position, method, path, auth_required, operation_id, summary) VALUES ",
        );
        for i in 0..chunk.len() {
            let b = i * 8;
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&format!(
                "(${}, ${}, ${}, ${}, ${}, ${}, ${}, ${})",
                b + 1,
                b + 2,
                b + 3,
                b + 4,
                b + 5,
                b + 6,
                b + 7,
                b + 8
            ));
        }
        let mut q = sqlx::query(AssertSqlSafe(sql));
        for (i, r) in chunk.iter().enumerate() {
            q = q
                .bind(new_id())
                .bind(api_id)
                .bind((chunk_no * CHUNK + i) as i64)
                .bind(&r.method)
                .bind(&r.path)
                .bind(i64::from(r.auth_required))
                .bind(r.operation_id.as_deref())
                .bind(r.summary.as_deref());
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

async fn set_plans(tx: &mut Transaction<'_, Any>, api_id: &str, plan_ids: &[String]) -> StoreResult<()> {
    sqlx::query("DELETE FROM api_plans WHERE api_id = $1")
        .bind(api_id)
        .execute(&mut **tx)
        .await?;
    for plan_id in plan_ids {
        sqlx::query("INSERT INTO api_plans (api_id, plan_id) VALUES ($1, $2)")
            .bind(api_id)
            .bind(plan_id)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

async fn put_spec(tx: &mut Transaction<'_, Any>, api_id: &str, spec: &NewSpec, now: i64) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO api_specs (api_id, content_type, spec_version, body, imported_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (api_id) DO UPDATE SET content_type = excluded.content_type,
             spec_version = excluded.spec_version, body = excluded.body, imported_at = excluded.imported_at",
    )
    .bind(api_id)
    .bind(&spec.content_type)
    .bind(&spec.spec_version)
    .bind(spec.body.as_slice())
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Make `api_id` the only default version of its context.
async fn make_default(tx: &mut Transaction<'_, Any>, api_id: &str, context: &str) -> StoreResult<()> {
    sqlx::query("UPDATE apis SET is_default = 0 WHERE context = $1 AND id <> $2 AND is_default = 1")
        .bind(context)
        .bind(api_id)
        .execute(&mut **tx)
        .await?;
    sqlx::query("UPDATE apis SET is_default = 1 WHERE id = $1")
        .bind(api_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

async fn fetch_api(tx: &mut Transaction<'_, Any>, id: &str) -> StoreResult<ApiRow> {
    let sql = AssertSqlSafe(format!("SELECT {API_COLUMNS} FROM apis WHERE id = $1"));
    sqlx::query_as(sql)
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(StoreError::NotFound("API"))
}

fn conflict_message(f: &ApiFields) -> String {
    format!(
        "an API with context {} and version {} already exists",
        f.context, f.version
    )
}

impl Store {
    /// Create an API in CREATED with its resources, offered plans and (optionally) the OpenAPI
    /// document it came from. The first version of a context becomes its default.
    pub async fn insert_api(
        &self,
        org_id: &str,
        f: &ApiFields,
        resources: &[Resource],
        plan_ids: &[String],
        spec: Option<&NewSpec>,
        entry: AuditEntry,
    ) -> StoreResult<ApiRow> {
        let id = new_id();
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        let others: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM apis WHERE context = $1")
            .bind(&f.context)
            .fetch_one(&mut *tx)
            .await?;
        let sql = AssertSqlSafe(format!(
            "INSERT INTO apis ({API_COLUMNS}, search_text)
             VALUES ($1, $2, $3, $4, $5, $6, 0, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, 1, $17, $17, $18, $19)"
        ));
        sqlx::query(sql)
            .bind(&id)
            .bind(org_id)
            .bind(&f.name)
            .bind(&f.description)
            .bind(&f.context)
            .bind(&f.version)
            .bind(ApiState::Created.as_str())
            .bind(to_json(&f.tags))
            .bind(f.visibility.as_str())
            .bind(to_json(&f.visible_roles))
            .bind(to_json(&f.endpoints))
            .bind(to_json(&f.cors))
            .bind(f.connect_timeout_ms)
            .bind(f.response_timeout_ms)
            .bind(i64::from(f.require_resubscription))
            .bind(f.sunset_at)
            .bind(now)
            .bind(f.health_check.as_ref().map(to_json))
            .bind(search_text(&f.name, &f.description, &f.tags, resources))
            .execute(&mut *tx)
            .await
            .map_err(on_unique(conflict_message(f)))?;
        if f.is_default || others == 0 {
            make_default(&mut tx, &id, &f.context).await?;
        }
        insert_resources(&mut tx, &id, resources).await?;
        set_plans(&mut tx, &id, plan_ids).await?;
        if let Some(spec) = spec {
            put_spec(&mut tx, &id, spec, now).await?;
        }
        let mut entry = entry;
        entry.target_id = id.clone();
        audit::write(&mut tx, &entry, now).await?;
        let revision = revision::bump(&mut tx, now).await?;
        let row = fetch_api(&mut tx, &id).await?;
        tx.commit().await?;
        self.announce(revision);
        Ok(row)
    }

    pub async fn find_api(&self, id: &str) -> StoreResult<Option<ApiRow>> {
        let sql = AssertSqlSafe(format!("SELECT {API_COLUMNS} FROM apis WHERE id = $1"));
        Ok(sqlx::query_as(sql).bind(id).fetch_optional(&self.pool).await?)
    }

    /// An organization's APIs, filtered, in id order.
    pub async fn list_apis(&self, org_id: &str, filter: &ApiFilter, page: &PageQuery) -> StoreResult<Vec<ApiRow>> {
        let sql = AssertSqlSafe(format!(
            "SELECT {API_COLUMNS} FROM apis
              WHERE org_id = $1 AND id > $2
                AND ($3 = '' OR state = $3)
                AND ($4 = '' OR tags LIKE $4 ESCAPE '\\')
                AND ($5 = '' OR search_text LIKE $5 ESCAPE '\\')
                AND ($6 = '' OR context = $6)
              ORDER BY id LIMIT $7"
        ));
        Ok(sqlx::query_as(sql)
            .bind(org_id)
            .bind(&page.after)
            .bind(filter.state.as_deref().unwrap_or(""))
            .bind(
                filter
                    .tag
                    .as_deref()
                    .map(|t| like_pattern(&format!("\"{t}\"")))
                    .unwrap_or_default(),
            )
            .bind(filter.text.as_deref().map(like_pattern).unwrap_or_default())
            .bind(filter.context.as_deref().unwrap_or(""))
            .bind(page.fetch_limit())
            .fetch_all(&self.pool)
            .await?)
    }

    /// The versions of a context, oldest first.
    pub async fn versions_of(&self, context: &str) -> StoreResult<Vec<ApiRow>> {
        let sql = AssertSqlSafe(format!("SELECT {API_COLUMNS} FROM apis WHERE context = $1 ORDER BY id"));
        Ok(sqlx::query_as(sql).bind(context).fetch_all(&self.pool).await?)
    }

    pub async fn resources_of(&self, api_id: &str) -> StoreResult<Vec<Resource>> {
        let rows: Vec<ResourceRow> = sqlx::query_as(
            "SELECT method, path, auth_required, operation_id, summary FROM api_resources
              WHERE api_id = $1 ORDER BY position",
        )
        .bind(api_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    pub async fn plan_ids_of(&self, api_id: &str) -> StoreResult<Vec<String>> {
        Ok(
            sqlx::query_scalar("SELECT plan_id FROM api_plans WHERE api_id = $1 ORDER BY plan_id")
                .bind(api_id)
                .fetch_all(&self.pool)
                .await?,
        )
    }

    pub async fn find_spec(&self, api_id: &str) -> StoreResult<Option<SpecRow>> {
        Ok(
            sqlx::query_as("SELECT content_type, spec_version, body, imported_at FROM api_specs WHERE api_id = $1")
                .bind(api_id)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    /// Replace an API's definition. `resources`, `plan_ids` and `spec` are replaced only when
    /// given. Fails with `PreconditionFailed` when `expected_version` is stale.
    #[allow(clippy::too_many_arguments)]
    pub async fn update_api(
        &self,
        id: &str,
        expected_version: Option<i64>,
        f: &ApiFields,
        resources: Option<&[Resource]>,
        plan_ids: Option<&[String]>,
        spec: Option<&NewSpec>,
        entry: AuditEntry,
    ) -> StoreResult<ApiRow> {
        let mut tx = self.begin_write().await?;
        let current_resources;
        let resources_for_search = match resources {
            Some(r) => r,
            None => {
                let rows: Vec<ResourceRow> = sqlx::query_as(
                    "SELECT method, path, auth_required, operation_id, summary FROM api_resources
                      WHERE api_id = $1 ORDER BY position",
                )
                .bind(id)
                .fetch_all(&mut *tx)
                .await?;
                current_resources = rows.into_iter().map(Resource::from).collect::<Vec<_>>();
                &current_resources
            }
        };
        let done = sqlx::query(
            "UPDATE apis SET name = $2, description = $3, context = $4, version = $5, tags = $6, visibility = $7,
                    visible_roles = $8, endpoints = $9, cors = $10, connect_timeout_ms = $11,
                    response_timeout_ms = $12, require_resubscription = $13, sunset_at = $14, search_text = $15,
                    row_version = row_version + 1, updated_at = $16, health_check = $18
              WHERE id = $1 AND ($17 < 0 OR row_version = $17)",
        )
        .bind(id)
        .bind(&f.name)
        .bind(&f.description)
        .bind(&f.context)
        .bind(&f.version)
        .bind(to_json(&f.tags))
        .bind(f.visibility.as_str())
        .bind(to_json(&f.visible_roles))
        .bind(to_json(&f.endpoints))
        .bind(to_json(&f.cors))
        .bind(f.connect_timeout_ms)
        .bind(f.response_timeout_ms)
        .bind(i64::from(f.require_resubscription))
        .bind(f.sunset_at)
        .bind(search_text(&f.name, &f.description, &f.tags, resources_for_search))
        .bind(self.now_ms())
        .bind(expected_version.unwrap_or(-1))
        .bind(f.health_check.as_ref().map(to_json))
        .execute(&mut *tx)
        .await
        .map_err(on_unique(conflict_message(f)))?;
        if done.rows_affected() == 0 {
            return Err(StoreError::PreconditionFailed);
        }
        if f.is_default {
            make_default(&mut tx, id, &f.context).await?;
        }
        if let Some(resources) = resources {
            sqlx::query("DELETE FROM api_resources WHERE api_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            insert_resources(&mut tx, id, resources).await?;
        }
        if let Some(plan_ids) = plan_ids {
            set_plans(&mut tx, id, plan_ids).await?;
        }
        if let Some(spec) = spec {
            put_spec(&mut tx, id, spec, self.now_ms()).await?;
        }
        audit::write(&mut tx, &entry, self.now_ms()).await?;
        let revision = revision::bump(&mut tx, self.now_ms()).await?;
        let row = fetch_api(&mut tx, id).await?;
        tx.commit().await?;
        self.announce(revision);
        Ok(row)
    }

    /// Delete an API that is CREATED or RETIRED (checked again inside the transaction).
    pub async fn delete_api(&self, id: &str, entry: AuditEntry) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let api = fetch_api(&mut tx, id).await?;
        if !api.state()?.deletable() {
            return Err(StoreError::Conflict(format!(
                "an API in state {} cannot be deleted; only CREATED or RETIRED APIs can",
                api.state
            )));
        }
        sqlx::query("DELETE FROM apis WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        if api.is_default != 0 {
            // Hand the default to the newest remaining version of the context.
            let next: Option<String> =
                sqlx::query_scalar("SELECT id FROM apis WHERE context = $1 ORDER BY id DESC LIMIT 1")
                    .bind(&api.context)
                    .fetch_optional(&mut *tx)
                    .await?;
            if let Some(next) = next {
                make_default(&mut tx, &next, &api.context).await?;
            }
        }
        audit::write(&mut tx, &entry, self.now_ms()).await?;
        let revision = revision::bump(&mut tx, self.now_ms()).await?;
        tx.commit().await?;
        self.announce(revision);
        Ok(())
    }

    /// Apply a lifecycle transition if the API is still in `t.from`; record it (and any other
    /// versions it deprecates) in the lifecycle history and the audit log.
    pub async fn transition_api(&self, id: &str, t: Transition<'_>, entry: AuditEntry) -> StoreResult<ApiRow> {
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE apis SET state = $2, row_version = row_version + 1, updated_at = $3,
                    require_resubscription = COALESCE($5, require_resubscription)
              WHERE id = $1 AND state = $4",
        )
        .bind(id)
        .bind(t.to.as_str())
        .bind(now)
        .bind(t.from.as_str())
        .bind(t.require_resubscription.map(i64::from))
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict(
                "the API's state changed meanwhile; reload and retry".into(),
            ));
        }
        record_event(&mut tx, id, (t.from, t.to, t.action), &t, t.reason, now).await?;
        let api = fetch_api(&mut tx, id).await?;
        if t.to == ApiState::Retired {
            super::subscriptions::end_where(&mut tx, "api_id", id, now).await?;
        }
        if t.to == ApiState::Published && api.require_resubscription == 0 {
            super::subscriptions::carry_over(&mut tx, id, &api.context, now).await?;
        }
        if t.make_default {
            make_default(&mut tx, id, &api.context).await?;
        }
        if t.deprecate_previous {
            let sql = AssertSqlSafe(format!(
                "SELECT {API_COLUMNS} FROM apis WHERE context = $1 AND id <> $2 AND state = 'PUBLISHED'"
            ));
            let others: Vec<ApiRow> = sqlx::query_as(sql)
                .bind(&api.context)
                .bind(id)
                .fetch_all(&mut *tx)
                .await?;
            for other in others {
                sqlx::query(
                    "UPDATE apis SET state = 'DEPRECATED', row_version = row_version + 1, updated_at = $2 WHERE id = $1",
                )
                .bind(&other.id)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                let reason = format!("version {} of {} was published", api.version, api.context);
                record_event(
                    &mut tx,
                    &other.id,
                    (ApiState::Published, ApiState::Deprecated, LifecycleAction::Deprecate),
                    &t,
                    &reason,
                    now,
                )
                .await?;
            }
        }
        audit::write(&mut tx, &entry, now).await?;
        let revision = revision::bump(&mut tx, now).await?;
        let api = fetch_api(&mut tx, id).await?;
        tx.commit().await?;
        self.announce(revision);
        Ok(api)
    }

    pub async fn lifecycle_events(&self, api_id: &str, page: &PageQuery) -> StoreResult<Vec<LifecycleEventRow>> {
        Ok(sqlx::query_as(
            "SELECT id, from_state, to_state, action, actor_id, actor_email, reason, options, at
               FROM lifecycle_events WHERE api_id = $1 AND id > $2 ORDER BY id LIMIT $3",
        )
        .bind(api_id)
        .bind(&page.after)
        .bind(page.fetch_limit())
        .fetch_all(&self.pool)
        .await?)
    }

    /// Copy an API (resources, plans, documents, specification) into a new version in CREATED.
    pub async fn copy_api_version(&self, id: &str, version: &str, entry: AuditEntry) -> StoreResult<ApiRow> {
        let mut tx = self.begin_write().await?;
        let source = fetch_api(&mut tx, id).await?;
        let new_id_ = new_id();
        let now = self.now_ms();
        let sql = AssertSqlSafe(format!(
            "INSERT INTO apis ({API_COLUMNS}, search_text)
             SELECT $1, org_id, name, description, context, $2, 0, 'CREATED', tags, visibility, visible_roles,
                    endpoints, cors, connect_timeout_ms, response_timeout_ms, require_resubscription, NULL,
                    1, $3, $3, health_check, search_text
               FROM apis WHERE id = $4"
        ));
        sqlx::query(sql)
            .bind(&new_id_)
            .bind(version)
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(on_unique(format!(
                "version {version} of {} already exists",
                source.context
            )))?;
        let resources: Vec<ResourceRow> = sqlx::query_as(
            "SELECT method, path, auth_required, operation_id, summary FROM api_resources
              WHERE api_id = $1 ORDER BY position",
        )
        .bind(id)
        .fetch_all(&mut *tx)
        .await?;
        let resources: Vec<Resource> = resources.into_iter().map(Into::into).collect();
        insert_resources(&mut tx, &new_id_, &resources).await?;
        sqlx::query("INSERT INTO api_plans (api_id, plan_id) SELECT $1, plan_id FROM api_plans WHERE api_id = $2")
            .bind(&new_id_)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO api_specs (api_id, content_type, spec_version, body, imported_at)
             SELECT $1, content_type, spec_version, body, imported_at FROM api_specs WHERE api_id = $2",
        )
        .bind(&new_id_)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        super::documents::copy_all(&mut tx, id, &new_id_, now).await?;
        let mut entry = entry;
        entry.target_id = new_id_.clone();
        audit::write(&mut tx, &entry, now).await?;
        let revision = revision::bump(&mut tx, now).await?;
        let row = fetch_api(&mut tx, &new_id_).await?;
        tx.commit().await?;
        self.announce(revision);
        Ok(row)
    }
}

async fn record_event(
    tx: &mut Transaction<'_, Any>,
    api_id: &str,
    (from, to, action): (ApiState, ApiState, LifecycleAction),
    t: &Transition<'_>,
    reason: &str,
    now: i64,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO lifecycle_events (id, api_id, from_state, to_state, action, actor_id, actor_email, reason, options, at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(new_id())
    .bind(api_id)
    .bind(from.as_str())
    .bind(to.as_str())
    .bind(action.as_str())
    .bind(t.actor_id)
    .bind(t.actor_email)
    .bind(reason)
    .bind(t.options.to_string())
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
