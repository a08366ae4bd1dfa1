//! Reading the audit trail: newest first, in the caller's scope, from the
//! indexes that end in `(created_at, id)` (migration m20261203_000012).

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use entity::{audit_log, partners, users, ActorType};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use super::model::{AuditActor, AuditEntryView, AuditFilter};
use crate::auth::{scope, Caller};
use crate::error::{ApiError, ApiResult, FieldCode, FieldError};
use crate::pagination::{Page, PageParams};

/// Midnight WIB at the start of `day`, in UTC.
fn start_of(day: NaiveDate) -> DateTime<Utc> {
    let midnight = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    Utc.from_utc_datetime(&midnight) - Duration::hours(7)
}

fn check(filter: &AuditFilter) -> ApiResult<()> {
    if let (Some(from), Some(to)) = (filter.from, filter.to) {
        if to < from {
            return Err(ApiError::validation(vec![FieldError::new(
                "to",
                FieldCode::NotBefore,
            )
            .with("other", "from")]));
        }
    }
    Ok(())
}

/// One page of the trail visible to `caller`, filtered.
pub async fn list(
    db: &impl ConnectionTrait,
    caller: &Caller,
    filter: &AuditFilter,
    page: &PageParams,
) -> ApiResult<Page<AuditEntryView>> {
    let limit = page.limit()?;
    check(filter)?;
    use audit_log::Column as A;
    let mut q = audit_log::Entity::find()
        .filter(scope::trail(caller))
        .order_by_desc(A::CreatedAt)
        .order_by_desc(A::Id);
    if let Some(t) = filter.resource_type.as_deref() {
        q = q.filter(A::ResourceType.eq(t));
    }
    if let Some(id) = filter.resource_id {
        q = q.filter(A::ResourceId.eq(id));
    }
    if let Some(id) = filter.actor_id {
        q = q.filter(A::ActorId.eq(id));
    }
    if let Some(action) = filter.action.as_deref() {
        q = q.filter(A::Action.eq(action));
    }
    if let Some(from) = filter.from {
        q = q.filter(A::CreatedAt.gte(start_of(from)));
    }
    if let Some(to) = filter.to.and_then(|d| d.succ_opt()) {
        q = q.filter(A::CreatedAt.lt(start_of(to)));
    }
    if let Some((at, id)) = page.position::<(DateTime<Utc>, Uuid)>()? {
        q = q.filter(
            Condition::any()
                .add(A::CreatedAt.lt(at))
                .add(Condition::all().add(A::CreatedAt.eq(at)).add(A::Id.lt(id))),
        );
    }
    let rows = q.limit(limit + 1).all(db).await?;
    let names = Names::load(db, &rows).await?;
    Ok(Page::from_rows(
        rows,
        limit,
        |r| (r.created_at, r.id),
        |r| names.render(r),
    ))
}

/// Entries about one resource, newest first, however many: a santri's
/// history of processing for their export.
pub async fn about(
    db: &impl ConnectionTrait,
    resource_type: &str,
    resource_id: Uuid,
) -> ApiResult<Vec<AuditEntryView>> {
    use audit_log::Column as A;
    let rows = audit_log::Entity::find()
        .filter(A::ResourceType.eq(resource_type))
        .filter(A::ResourceId.eq(resource_id))
        .order_by_desc(A::CreatedAt)
        .order_by_desc(A::Id)
        .all(db)
        .await?;
    let names = Names::load(db, &rows).await?;
    Ok(rows.into_iter().map(|r| names.render(r)).collect())
}

/// The names and roles of the actors of a page, read in two statements.
struct Names {
    users: HashMap<Uuid, (String, String)>,
    partners: HashMap<Uuid, String>,
}

impl Names {
    async fn load(db: &impl ConnectionTrait, rows: &[audit_log::Model]) -> ApiResult<Self> {
        let ids = |kind: ActorType| -> Vec<Uuid> {
            let mut ids: Vec<Uuid> = rows
                .iter()
                .filter(|r| r.actor_type == kind)
                .filter_map(|r| r.actor_id)
                .collect();
            ids.sort();
            ids.dedup();
            ids
        };
        let user_ids = ids(ActorType::User);
        let partner_ids = ids(ActorType::Partner);
        let users = if user_ids.is_empty() {
            HashMap::new()
        } else {
            users::Entity::find()
                .filter(users::Column::Id.is_in(user_ids))
                .all(db)
                .await?
                .into_iter()
                .map(|u| (u.id, (u.name, u.role.as_str().to_string())))
                .collect()
        };
        let partners = if partner_ids.is_empty() {
            HashMap::new()
        } else {
            partners::Entity::find()
                .filter(partners::Column::Id.is_in(partner_ids))
                .all(db)
                .await?
                .into_iter()
                .map(|p| (p.id, p.name))
                .collect()
        };
        Ok(Self { users, partners })
    }

    fn render(&self, r: audit_log::Model) -> AuditEntryView {
        let (name, role) = match (r.actor_type, r.actor_id) {
            (ActorType::User, Some(id)) => match self.users.get(&id) {
                Some((name, role)) => (Some(name.clone()), role.clone()),
                None => (None, "user".to_string()),
            },
            (ActorType::Partner, Some(id)) => {
                (self.partners.get(&id).cloned(), "partner".to_string())
            }
            (kind, _) => (None, kind.as_str().to_string()),
        };
        AuditEntryView {
            id: r.id,
            at: r.created_at,
            actor: AuditActor {
                id: r.actor_id,
                // An erased account's name is empty: no name, not "".
                name: name.filter(|n| !n.is_empty()),
                role,
            },
            action: r.action,
            resource_type: r.resource_type,
            resource_id: r.resource_id,
            province_code: r.province_code,
            request_id: r.request_id,
            changes: r.changes,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_wib() {
        let d = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        assert_eq!(start_of(d).to_rfc3339(), "2026-11-30T17:00:00+00:00");
    }
}
