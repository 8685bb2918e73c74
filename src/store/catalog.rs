//! The developer portal's catalog: APIs in PUBLISHED, PROTOTYPED or DEPRECATED that a viewer
//! may see, searched with a simple relevance score.

use sqlx::AssertSqlSafe;

use super::{ApiRow, Store, StoreResult};

/// Who is looking. Anonymous viewers see public APIs only.
#[derive(Debug, Clone, Default)]
pub struct Viewer {
    pub signed_in: bool,
    pub operator: bool,
    pub org_ids: Vec<String>,
    pub roles: Vec<&'static str>,
}

/// A relevance-ordered page position: (score, id) of the last row seen.
#[derive(Debug, Clone)]
pub struct CatalogCursor {
    pub score: i64,
    pub id: String,
}

#[derive(Debug, Clone, Default)]
pub struct CatalogQuery {
    pub text: Option<String>,
    pub tag: Option<String>,
    pub after: Option<CatalogCursor>,
    pub limit: i64,
}

fn like(text: &str) -> String {
    let escaped = text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{escaped}%")
}

/// The visibility condition, with parameters $1..$5: operator flag, signed-in flag, the
/// viewer's organizations (",a,b,"), and two role patterns.
const VISIBLE: &str = "($1 = 1
     OR a.visibility = 'public'
     OR (a.visibility = 'organization' AND $3 LIKE '%,' || a.org_id || ',%')
     OR (a.visibility = 'roles' AND $2 = 1 AND (a.visible_roles LIKE $4 OR a.visible_roles LIKE $5 OR a.visible_roles LIKE $6)))";

impl Store {
    /// One page of the catalog, best matches first (name > tags > description or paths), then
    /// by id. Without text every row scores 0 and the order is by id.
    pub async fn list_catalog(&self, viewer: &Viewer, q: &CatalogQuery) -> StoreResult<Vec<(i64, ApiRow)>> {
        let text = q.text.as_deref().map(like).unwrap_or_default();
        let sql = AssertSqlSafe(format!(
            "SELECT * FROM (
               SELECT CAST(CASE WHEN $7 = '' THEN 0 ELSE
                        (CASE WHEN LOWER(a.name) LIKE $7 ESCAPE '\\' THEN 4 ELSE 0 END)
                      + (CASE WHEN a.tags LIKE $7 ESCAPE '\\' THEN 2 ELSE 0 END)
                      + (CASE WHEN a.search_text LIKE $7 ESCAPE '\\' THEN 1 ELSE 0 END) END AS BIGINT) AS score,
                      a.id, a.org_id, a.name, a.description, a.context, a.version, a.is_default, a.state, a.tags,
                      a.visibility, a.visible_roles, a.endpoints, a.cors, a.connect_timeout_ms, a.response_timeout_ms,
                      a.require_resubscription, a.sunset_at, a.row_version, a.created_at, a.updated_at, a.health_check
                 FROM apis a
                WHERE a.state IN ('PUBLISHED', 'PROTOTYPED', 'DEPRECATED') AND {VISIBLE}
                  AND ($7 = '' OR a.search_text LIKE $7 ESCAPE '\\')
                  AND ($8 = '' OR a.tags LIKE $8 ESCAPE '\\')
             ) t
             WHERE ($9 = 0 OR t.score < $10 OR (t.score = $10 AND t.id > $11))
             ORDER BY t.score DESC, t.id LIMIT $12"
        ));
        #[derive(sqlx::FromRow)]
        struct Scored {
            score: i64,
            #[sqlx(flatten)]
            api: ApiRow,
        }
        let roles: Vec<String> = (0..3)
            .map(|i| {
                viewer
                    .roles
                    .get(i)
                    .map_or_else(|| "\u{1}".to_owned(), |r| format!("%\"{r}\"%"))
            })
            .collect();
        let rows: Vec<Scored> = sqlx::query_as(sql)
            .bind(i64::from(viewer.operator))
            .bind(i64::from(viewer.signed_in))
            .bind(format!(",{},", viewer.org_ids.join(",")))
            .bind(&roles[0])
            .bind(&roles[1])
            .bind(&roles[2])
            .bind(text)
            .bind(q.tag.as_deref().map(|t| like(&format!("\"{t}\""))).unwrap_or_default())
            .bind(i64::from(q.after.is_some()))
            .bind(q.after.as_ref().map_or(0, |c| c.score))
            .bind(q.after.as_ref().map_or("", |c| c.id.as_str()))
            .bind(q.limit + 1)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.into_iter().map(|r| (r.score, r.api)).collect())
    }

    /// A catalog API by id, if the viewer may see it.
    pub async fn find_catalog_api(&self, viewer: &Viewer, id: &str) -> StoreResult<Option<ApiRow>> {
        let sql = AssertSqlSafe(format!(
            "SELECT a.id, a.org_id, a.name, a.description, a.context, a.version, a.is_default, a.state, a.tags,
                    a.visibility, a.visible_roles, a.endpoints, a.cors, a.connect_timeout_ms, a.response_timeout_ms,
                    a.require_resubscription, a.sunset_at, a.row_version, a.created_at, a.updated_at, a.health_check
               FROM apis a
              WHERE a.id = $7 AND a.state IN ('PUBLISHED', 'PROTOTYPED', 'DEPRECATED') AND {VISIBLE}"
        ));
        let roles: Vec<String> = (0..3)
            .map(|i| {
                viewer
                    .roles
                    .get(i)
                    .map_or_else(|| "\u{1}".to_owned(), |r| format!("%\"{r}\"%"))
            })
            .collect();
        Ok(sqlx::query_as(sql)
            .bind(i64::from(viewer.operator))
            .bind(i64::from(viewer.signed_in))
            .bind(format!(",{},", viewer.org_ids.join(",")))
            .bind(&roles[0])
            .bind(&roles[1])
            .bind(&roles[2])
            .bind(id)
            .fetch_optional(&self.pool)
            .await?)
    }
}
