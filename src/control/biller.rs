//! The biller: keeps the draft invoices of the current and the previous period following usage,
//! and finalizes drafts once their period is over and the grace period for late usage has
//! passed. Readers only read: the drafts they see are as of the biller's last round
//! (`computed_at`). Safe with several control-plane replicas: a draft's refresh is one
//! transaction, and finalization a conditional update, so each invoice is finalized (and
//! numbered) once.

use std::sync::Arc;

use tokio_util::sync::CancellationToken;

use super::Every;
use crate::config::Config;
use crate::domain::billing::BillingPeriod;
use crate::store::{AuditEntry, InvoiceScope, Store};

/// How many closed periods the first run looks back over (a control plane that was down for a
/// while still invoices them).
const LOOK_BACK_PERIODS: usize = 12;

pub async fn run(store: Store, config: Arc<Config>, shutdown: CancellationToken) -> anyhow::Result<()> {
    let period = config.billing_period();
    let grace = i64::try_from(config.invoice_grace_period.as_millis()).unwrap_or(i64::MAX);
    // Start of the latest closed period already brought to drafts by this process.
    let mut done_through: Option<i64> = None;
    let mut every = Every::new(config.billing_check_interval, shutdown.clone());
    while every.round().await {
        round(&store, period, grace, &mut done_through, &shutdown).await;
    }
    Ok(())
}

/// Drafts of the current and previous period brought up to date, drafts for the closed periods
/// not handled yet, then finalization of every draft whose period and grace are over.
async fn round(
    store: &Store,
    period: BillingPeriod,
    grace: i64,
    done_through: &mut Option<i64>,
    shutdown: &CancellationToken,
) {
    let now = store.now_ms();
    for p in [period.previous(now), period.containing(now)] {
        if let Err(e) = store.refresh_drafts(p, &InvoiceScope::default()).await {
            tracing::warn!(error = %e, "billing: refreshing drafts failed; retrying next round");
        }
    }
    // Closed periods whose grace is over, newest first, down to the last one handled.
    let mut due = Vec::new();
    let mut p = period.previous(now);
    while p.1.saturating_add(grace) <= now && *done_through != Some(p.0) && due.len() < LOOK_BACK_PERIODS {
        due.push(p);
        if done_through.is_some_and(|d| p.0 <= d) {
            break;
        }
        p = period.previous(p.0);
    }
    let mut ok = true;
    for p in due.iter().rev() {
        if let Err(e) = store.refresh_drafts(*p, &InvoiceScope::default()).await {
            tracing::warn!(error = %e, "billing: computing drafts failed; retrying next round");
            ok = false;
            break;
        }
    }
    if ok && let Some(newest) = due.first() {
        *done_through = Some(newest.0);
    }
    let ids = match store.drafts_closed_before(now.saturating_sub(grace)).await {
        Ok(ids) => ids,
        Err(e) => {
            tracing::warn!(error = %e, "billing: listing due drafts failed");
            return;
        }
    };
    for id in ids {
        let entry = AuditEntry {
            org_id: None,
            actor_id: None,
            actor_email: None,
            action: "invoice.finalized",
            target_type: "invoice",
            target_id: id.clone(),
            details: serde_json::json!({}),
        };
        match store.finalize_invoice(&id, entry).await {
            Ok((invoice, true)) => tracing::info!(
                invoice = %invoice.id, number = invoice.number, total_minor = invoice.total_minor,
                currency = %invoice.currency, "invoice finalized"
            ),
            Ok(_) => {}
            Err(e) => tracing::warn!(invoice = %id, error = %e, "billing: finalizing failed"),
        }
        if shutdown.is_cancelled() {
            return;
        }
    }
}
