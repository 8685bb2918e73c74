//! The snapshot's wire form: what the control plane sends to gateway nodes (JSON), and the one
//! conversion into the in-memory [`Snapshot`] both the embedded gateway and remote nodes use.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use jsonwebtoken::DecodingKey;
use jsonwebtoken::jwk::Jwk;
use serde::{Deserialize, Serialize};

use super::snapshot::{
    ApiState, Cors, Endpoint, JwtConfig, JwtKey, KeyEntry, PlanLimits, Quota, QuotaPeriod, RateLimit, Resource,
    Snapshot, SnapshotApi, SubscriptionEntry,
};
use crate::domain::api;
use crate::domain::plan::{self, RatePeriod};
use crate::store::DeploymentRows;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SnapshotDoc {
    pub revision: i64,
    pub apis: Vec<ApiDoc>,
    pub keys: Vec<KeyDoc>,
    pub subscriptions: Vec<SubscriptionDoc>,
    pub plans: Vec<PlanDoc>,
    pub jwt_issuer: String,
    pub jwt_audience: String,
    pub jwt_keys: Vec<Jwk>,
    pub revoked_jtis: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ApiDoc {
    pub id: String,
    pub context: String,
    pub version: String,
    pub is_default: bool,
    pub state: String,
    pub endpoints: Vec<api::Endpoint>,
    pub resources: Vec<(String, String, bool)>,
    pub cors: api::Cors,
    pub connect_timeout_ms: i64,
    pub response_timeout_ms: i64,
    pub sunset_at: Option<i64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct KeyDoc {
    pub id: String,
    pub application_id: String,
    /// Hex SHA-256 of the key.
    pub hash: String,
    pub expires_at: Option<i64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SubscriptionDoc {
    pub id: String,
    pub application_id: String,
    pub api_id: String,
    pub plan_id: String,
    pub active: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PlanDoc {
    pub id: String,
    pub rate_limit: Option<plan::RateLimit>,
    pub quota: Option<plan::Quota>,
}

impl SnapshotDoc {
    /// Assemble from the store's rows and the key manager's public keys.
    pub fn from_rows(
        rows: DeploymentRows,
        jwt_keys: Vec<Jwk>,
        issuer: String,
        audience: String,
    ) -> anyhow::Result<Self> {
        let mut resources: HashMap<String, Vec<(String, String, bool)>> = HashMap::new();
        for r in rows.resources {
            resources
                .entry(r.api_id)
                .or_default()
                .push((r.method, r.path, r.auth_required != 0));
        }
        let mut apis = Vec::with_capacity(rows.apis.len());
        for row in rows.apis {
            let f = row.fields()?;
            apis.push(ApiDoc {
                resources: resources.remove(&row.id).unwrap_or_default(),
                id: row.id,
                context: f.context,
                version: f.version,
                is_default: f.is_default,
                state: row.state,
                endpoints: f.endpoints,
                cors: f.cors,
                connect_timeout_ms: f.connect_timeout_ms,
                response_timeout_ms: f.response_timeout_ms,
                sunset_at: f.sunset_at,
            });
        }
        let parse = |s: &Option<String>| -> Option<serde_json::Value> {
            s.as_deref().and_then(|s| serde_json::from_str(s).ok())
        };
        Ok(SnapshotDoc {
            revision: rows.revision,
            apis,
            keys: rows
                .keys
                .into_iter()
                .map(|k| KeyDoc {
                    id: k.id,
                    application_id: k.application_id,
                    hash: k.key_hash,
                    expires_at: k.expires_at,
                })
                .collect(),
            subscriptions: rows
                .subscriptions
                .into_iter()
                .map(|s| SubscriptionDoc {
                    active: s.state == "ACTIVE",
                    id: s.id,
                    application_id: s.application_id,
                    api_id: s.api_id,
                    plan_id: s.plan_id,
                })
                .collect(),
            plans: rows
                .plans
                .into_iter()
                .map(|p| PlanDoc {
                    rate_limit: parse(&p.rate_limit).and_then(|v| serde_json::from_value(v).ok()),
                    quota: parse(&p.quota).and_then(|v| serde_json::from_value(v).ok()),
                    id: p.id,
                })
                .collect(),
            jwt_issuer: issuer,
            jwt_audience: audience,
            jwt_keys,
            revoked_jtis: rows.revoked_jtis,
        })
    }

    /// The in-memory snapshot the gateway serves from.
    pub fn to_snapshot(&self) -> anyhow::Result<Snapshot> {
        let mut snapshot = Snapshot {
            revision: self.revision,
            ..Snapshot::default()
        };
        for a in &self.apis {
            let state = match a.state.as_str() {
                "PROTOTYPED" => ApiState::Prototyped,
                "PUBLISHED" => ApiState::Published,
                "BLOCKED" => ApiState::Blocked,
                "DEPRECATED" => ApiState::Deprecated,
                _ => continue,
            };
            snapshot.apis.push(Arc::new(SnapshotApi {
                id: Arc::from(a.id.as_str()),
                context: a.context.clone(),
                version: a.version.clone(),
                is_default: a.is_default,
                state,
                endpoints: a
                    .endpoints
                    .iter()
                    .map(|e| Endpoint {
                        url: e.url.clone(),
                        weight: e.weight,
                    })
                    .collect(),
                resources: a
                    .resources
                    .iter()
                    .map(|(method, path, auth_required)| Resource {
                        method: method.clone(),
                        path: path.clone(),
                        auth_required: *auth_required,
                    })
                    .collect(),
                cors: Cors {
                    enabled: a.cors.enabled,
                    allow_origins: a.cors.allow_origins.clone(),
                    allow_methods: a.cors.allow_methods.clone(),
                    allow_headers: a.cors.allow_headers.clone(),
                    expose_headers: a.cors.expose_headers.clone(),
                    allow_credentials: a.cors.allow_credentials,
                    max_age_secs: a.cors.max_age_secs,
                },
                connect_timeout_ms: a.connect_timeout_ms.max(1) as u64,
                response_timeout_ms: a.response_timeout_ms.max(1) as u64,
                sunset_at_ms: a.sunset_at,
            }));
        }
        for k in &self.keys {
            let Ok(bytes) = hex::decode(&k.hash) else { continue };
            let Ok(hash) = <[u8; 32]>::try_from(bytes.as_slice()) else {
                continue;
            };
            snapshot.keys.insert(
                hash,
                KeyEntry {
                    key_id: Arc::from(k.id.as_str()),
                    application_id: Arc::from(k.application_id.as_str()),
                    expires_at_ms: k.expires_at,
                },
            );
        }
        for s in &self.subscriptions {
            snapshot.subscriptions.insert(
                (Arc::from(s.application_id.as_str()), Arc::from(s.api_id.as_str())),
                SubscriptionEntry {
                    subscription_id: Arc::from(s.id.as_str()),
                    plan_id: Arc::from(s.plan_id.as_str()),
                    active: s.active,
                },
            );
        }
        for p in &self.plans {
            let id: Arc<str> = Arc::from(p.id.as_str());
            snapshot.plans.insert(
                Arc::clone(&id),
                PlanLimits {
                    plan_id: id,
                    rate: p.rate_limit.as_ref().map(|r| RateLimit {
                        requests: r.requests,
                        per: match r.period {
                            RatePeriod::Second => Duration::from_secs(1),
                            RatePeriod::Minute => Duration::from_secs(60),
                        },
                        burst: r.effective_burst(),
                    }),
                    quota: p.quota.as_ref().map(|q| Quota {
                        limit: q.requests,
                        period: match q.period {
                            plan::QuotaPeriod::Day => QuotaPeriod::Day,
                            plan::QuotaPeriod::Month => QuotaPeriod::Month,
                        },
                    }),
                },
            );
        }
        let mut keys = HashMap::new();
        for jwk in &self.jwt_keys {
            let Some(kid) = jwk.common.key_id.clone() else { continue };
            let Some(alg) = jwk.common.key_algorithm.and_then(|a| a.to_string().parse().ok()) else {
                continue;
            };
            keys.insert(
                kid,
                JwtKey {
                    key: DecodingKey::from_jwk(jwk)?,
                    algorithm: alg,
                },
            );
        }
        snapshot.jwt = JwtConfig {
            keys,
            issuer: self.jwt_issuer.clone(),
            audience: self.jwt_audience.clone(),
            revoked_jti: self
                .revoked_jtis
                .iter()
                .map(|j| Arc::from(j.as_str()))
                .collect::<HashSet<_>>(),
        };
        Ok(snapshot)
    }
}
