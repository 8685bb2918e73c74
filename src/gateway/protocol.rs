//! The node protocol: what the control plane and a gateway node say to each other, declared
//! once for both ends — the snapshot document (complete or a change) with the one conversion
//! into the in-memory [`Snapshot`] that the embedded gateway and remote nodes both use, the
//! node's acknowledgement of the revision it applied, and its usage batches.
//!
//! A document is complete, or a change to the snapshot of its `base` revision: the catalog
//! (APIs and plans) only if it changed, and the keys, subscriptions and revoked tokens written
//! since, each in its current state. A complete document is the change from nothing, so one
//! [`SnapshotDoc::apply`] serves both: a key added, revoked or re-planned costs a gateway with
//! 100,000 keys a copy of its indexes, not a rebuild from 19 MB of JSON.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use jsonwebtoken::DecodingKey;
use jsonwebtoken::jwk::Jwk;
use serde::{Deserialize, Serialize};

use super::limit::{Policy, QuotaFloor, RateSpec};
use super::snapshot::{
    ActiveCheck, ApiState, JwtConfig, JwtKey, KeyEntry, PlanLimits, Resource, Snapshot, SnapshotApi, SubscriptionEntry,
};
use crate::domain::access_token::REVOKED_TOKEN_GRACE_MS;
use crate::domain::api;
use crate::domain::plan::{self, RatePeriod};
use crate::domain::usage::UsageRecord;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SnapshotDoc {
    pub revision: i64,
    /// The revision this document changes; absent in a complete snapshot.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base: Option<i64>,
    /// Every deployed API; in a change, absent when no API changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub apis: Option<Vec<ApiDoc>>,
    /// Every plan's limits; in a change, absent when no plan changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plans: Option<Vec<PlanDoc>>,
    pub keys: Vec<KeyDoc>,
    pub subscriptions: Vec<SubscriptionDoc>,
    pub jwt_issuer: String,
    pub jwt_audience: String,
    pub jwt_keys: Vec<Jwk>,
    pub revoked_tokens: Vec<RevokedTokenDoc>,
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
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub health_check: Option<api::HealthCheck>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct KeyDoc {
    pub id: String,
    pub application_id: String,
    /// Hex SHA-256 of the key.
    pub hash: String,
    pub expires_at: Option<i64>,
    /// Revoked, expired or its application deleted: drop it (changes only).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub gone: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SubscriptionDoc {
    pub id: String,
    pub application_id: String,
    pub api_id: String,
    pub plan_id: String,
    /// false: blocked or waiting for approval (the gateway answers 403).
    pub active: bool,
    /// Ended or rejected: drop it (changes only).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub gone: bool,
    /// Calls metered so far in the plan's current quota period (complete snapshots only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quota_used: Option<QuotaUsedDoc>,
}

/// `requests` calls in the quota period that started at `period_start` (epoch ms).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuotaUsedDoc {
    pub period_start: i64,
    pub requests: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PlanDoc {
    pub id: String,
    pub rate_limit: Option<plan::RateLimit>,
    pub quota: Option<plan::Quota>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RevokedTokenDoc {
    pub jti: String,
    pub expires_at: i64,
}

/// A change whose base is not the snapshot it was offered to: fetch a complete one.
#[derive(Debug, thiserror::Error)]
#[error("the change is to revision {base}, the gateway runs {running}")]
pub struct BaseMismatch {
    pub base: i64,
    pub running: i64,
}

impl SnapshotDoc {
    /// The snapshot this document describes: itself if complete, else `running` with the
    /// changes applied. A change to another revision than `running`'s is a [`BaseMismatch`].
    /// Keys past their expiry and revoked tokens past theirs (and the grace) are left out.
    pub fn apply(&self, running: &Snapshot, now_ms: i64) -> anyhow::Result<Snapshot> {
        let mut next = match self.base {
            None => Snapshot::default(),
            Some(base) if base == running.revision => Snapshot {
                revision: running.revision,
                apis: running.apis.clone(),
                keys: running.keys.clone(),
                subscriptions: running.subscriptions.clone(),
                plans: running.plans.clone(),
                jwt: JwtConfig {
                    revoked_jti: running.jwt.revoked_jti.clone(),
                    ..JwtConfig::default()
                },
            },
            Some(base) => {
                return Err(BaseMismatch {
                    base,
                    running: running.revision,
                }
                .into());
            }
        };
        next.revision = self.revision;
        // One `Arc` per distinct id: 100,000 keys of one application share its id.
        let mut ids = Interner::from_snapshot(&next);
        if let Some(apis) = &self.apis {
            next.apis = apis.iter().filter_map(|a| a.to_api(&mut ids)).collect();
        }
        if let Some(plans) = &self.plans {
            next.plans = plans.iter().map(|p| p.to_limits(&mut ids)).collect();
        }
        for k in &self.keys {
            let Some(hash) = hex::decode(&k.hash).ok().and_then(|b| <[u8; 32]>::try_from(b).ok()) else {
                continue;
            };
            if k.gone {
                next.keys.remove(&hash);
            } else {
                next.keys.insert(
                    hash,
                    KeyEntry {
                        key_id: Arc::from(k.id.as_str()),
                        application_id: ids.get(&k.application_id),
                        expires_at_ms: k.expires_at,
                    },
                );
            }
        }
        next.keys.retain(|_, k| k.expires_at_ms.is_none_or(|at| at > now_ms));
        for s in &self.subscriptions {
            let pair = (ids.get(&s.application_id), ids.get(&s.api_id));
            if s.gone {
                // Only the subscription itself: the pair may belong to a newer one already.
                if next
                    .subscriptions
                    .get(&pair)
                    .is_some_and(|live| *live.subscription_id == *s.id)
                {
                    next.subscriptions.remove(&pair);
                }
            } else {
                // A change carries no count: the running entry's stays (the limiter is ahead).
                let quota_floor = match s.quota_used {
                    Some(q) => Some(QuotaFloor::new(q.period_start, q.requests)),
                    None => next
                        .subscriptions
                        .get(&pair)
                        .filter(|live| *live.subscription_id == *s.id)
                        .and_then(|live| live.quota_floor),
                };
                let entry = SubscriptionEntry {
                    subscription_id: Arc::from(s.id.as_str()),
                    plan_id: ids.get(&s.plan_id),
                    active: s.active,
                    quota_floor,
                };
                next.subscriptions.insert(pair, entry);
            }
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
        next.jwt.keys = keys;
        next.jwt.issuer = self.jwt_issuer.clone();
        next.jwt.audience = self.jwt_audience.clone();
        for t in &self.revoked_tokens {
            next.jwt.revoked_jti.insert(Arc::from(t.jti.as_str()), t.expires_at);
        }
        next.jwt
            .revoked_jti
            .retain(|_, expires_at| *expires_at > now_ms - REVOKED_TOKEN_GRACE_MS);
        Ok(next)
    }
}

impl ApiDoc {
    /// The deployed API; `None` for a state that is not served (CREATED, RETIRED).
    fn to_api(&self, ids: &mut Interner) -> Option<Arc<SnapshotApi>> {
        let state = ApiState::parse(&self.state).filter(|s| s.deployed())?;
        Some(Arc::new(SnapshotApi {
            id: ids.get(&self.id),
            context: self.context.clone(),
            version: self.version.clone(),
            is_default: self.is_default,
            state,
            endpoints: self.endpoints.clone(),
            resources: self
                .resources
                .iter()
                .map(|(method, path, auth_required)| Resource {
                    method: method.clone(),
                    path: path.clone(),
                    auth_required: *auth_required,
                })
                .collect(),
            cors: self.cors.clone(),
            connect_timeout_ms: self.connect_timeout_ms.max(1) as u64,
            response_timeout_ms: self.response_timeout_ms.max(1) as u64,
            sunset_at_ms: self.sunset_at,
            health_check: self.health_check.as_ref().map(|c| ActiveCheck {
                path: c.path.clone(),
                interval: Duration::from_secs(u64::from(c.interval_secs.max(1))),
                timeout: Duration::from_millis(u64::from(c.timeout_ms.max(1))),
                unhealthy_threshold: c.unhealthy_threshold,
                healthy_threshold: c.healthy_threshold,
            }),
        }))
    }
}

impl PlanDoc {
    fn to_limits(&self, ids: &mut Interner) -> (Arc<str>, PlanLimits) {
        let id = ids.get(&self.id);
        let rate = self.rate_limit.as_ref().map(|r| {
            let per = match r.period {
                RatePeriod::Second => Duration::from_secs(1),
                RatePeriod::Minute => Duration::from_secs(60),
            };
            RateSpec::new(r.requests, per, r.effective_burst())
        });
        let policy = Policy {
            rate,
            quota: self.quota,
            quota_floor: None,
        };
        let limits = PlanLimits {
            plan_id: Arc::clone(&id),
            policy,
        };
        (id, limits)
    }
}

/// Shared `Arc<str>`s for the ids a snapshot repeats (applications, APIs, plans), seeded with
/// those the snapshot being changed already holds.
struct Interner {
    ids: HashSet<Arc<str>, foldhash::fast::RandomState>,
}

impl Interner {
    fn from_snapshot(snapshot: &Snapshot) -> Interner {
        let mut ids = HashSet::default();
        for api in &snapshot.apis {
            ids.insert(Arc::clone(&api.id));
        }
        for plan in snapshot.plans.keys() {
            ids.insert(Arc::clone(plan));
        }
        Interner { ids }
    }

    fn get(&mut self, id: &str) -> Arc<str> {
        if let Some(known) = self.ids.get(id) {
            return Arc::clone(known);
        }
        let id: Arc<str> = Arc::from(id);
        self.ids.insert(Arc::clone(&id));
        id
    }
}

/// A node reports the revision it applied (`PUT /api/v1/gateway/nodes/{node_id}`).
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "edge-1", "revision": 42}))]
pub struct NodeAck {
    pub name: String,
    /// The revision the node now serves.
    pub revision: i64,
}

/// A node's metered usage, in an idempotent batch (`POST /api/v1/gateway/usage`).
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"batch_id": "7f3a9c21-17", "node_id": "node-0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e", "rows": [{"api_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e", "subscription_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5f", "minute": 29414476, "status_class": "2xx", "requests": 120, "bytes_in": 0, "bytes_out": 7200, "latency_total": "{\"buckets\":[0,3,117],\"sum_us\":41000}", "latency_upstream": "{\"buckets\":[0,5,115],\"sum_us\":30000}"}]}))]
pub struct UsageBatchRequest {
    /// Unique per batch; a retried batch is ignored.
    pub batch_id: String,
    pub node_id: String,
    #[schema(value_type = Vec<Object>)]
    pub rows: Vec<UsageRecord>,
}

/// The control plane's answer to a usage batch.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(example = json!({"accepted": true}))]
pub struct UsageBatchResponse {
    /// false when the batch had been received before (nothing added).
    pub accepted: bool,
}
