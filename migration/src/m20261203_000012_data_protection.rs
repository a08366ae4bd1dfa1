//! Children's data (UU 27/2022) and a readable audit trail.
//!
//! - Santri carry a consent record (who consented for a minor, how, when,
//!   recorded by whom), its withdrawal, the day they left (for retention)
//!   and the time their personal data was erased.
//! - Audit entries about santri already written keep only the names of the
//!   fields they changed: their values are personal data of often minor
//!   persons and may not outlive the record they describe.
//! - The trail is read newest first within a province, a resource or an
//!   actor: each of those has an index ending in (created_at, id).

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, Statement};
use serde_json::Value as Json;

use crate::m20261123_000001_initial::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn santri_columns() -> Vec<ColumnDef> {
    let mut cols = Vec::new();
    for name in ["consent_relation", "consent_method"] {
        cols.push(ColumnDef::new(Alias::new(name)).string().null().to_owned());
    }
    cols.push(
        ColumnDef::new(Alias::new("consent_given_on"))
            .date()
            .null()
            .to_owned(),
    );
    cols.push(
        ColumnDef::new(Alias::new("consent_recorded_by"))
            .uuid()
            .null()
            .to_owned(),
    );
    for name in ["consent_withdrawn_at", "erased_at"] {
        cols.push(
            ColumnDef::new(Alias::new(name))
                .timestamp_with_time_zone()
                .null()
                .to_owned(),
        );
    }
    cols.push(
        ColumnDef::new(Alias::new("left_on"))
            .date()
            .null()
            .to_owned(),
    );
    cols
}

const OLD_AUDIT_INDEXES: [&str; 3] = [
    "idx_audit_log_resource_type_resource_id",
    "idx_audit_log_actor_id",
    "idx_audit_log_province_code",
];

const NEW_AUDIT_INDEXES: [&[&str]; 4] = [
    &["created_at", "id"],
    &["province_code", "created_at", "id"],
    &["resource_type", "resource_id", "created_at", "id"],
    &["actor_id", "created_at", "id"],
];

/// `{field: …}` reduced to `{"fields": [names]}`; the same rule as
/// `opop_api::audit::names_only`, which this migration cannot depend on.
fn names_only(changes: &Json) -> Json {
    let mut names: Vec<String> = match changes {
        Json::Object(map) if map.contains_key("fields") && map.len() == 1 => {
            return changes.clone()
        }
        Json::Object(map) => map.keys().cloned().collect(),
        _ => Vec::new(),
    };
    names.sort();
    Json::from_iter([("fields".to_string(), Json::from(names))])
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // SQLite takes one column per ALTER TABLE.
        for col in santri_columns() {
            m.alter_table(Table::alter().table("santri").add_column(col).to_owned())
                .await?;
        }
        m.create_index(index("santri", &["status", "left_on"]))
            .await?;

        for name in OLD_AUDIT_INDEXES {
            m.drop_index(
                Index::drop()
                    .name(name)
                    .table("audit_log")
                    .if_exists()
                    .to_owned(),
            )
            .await?;
        }
        for cols in NEW_AUDIT_INDEXES {
            m.create_index(index("audit_log", cols)).await?;
        }

        let db = m.get_connection();
        let backend = db.get_database_backend();
        // Alumni recorded before `left_on` existed count from their last change.
        db.execute_unprepared(match backend {
            sea_orm_migration::sea_orm::DatabaseBackend::Postgres => {
                "UPDATE santri SET left_on = (updated_at AT TIME ZONE 'UTC')::date WHERE status = 'alumni'"
            }
            _ => "UPDATE santri SET left_on = date(updated_at) WHERE status = 'alumni'",
        })
        .await?;
        let rows = db
            .query_all_raw(Statement::from_string(
                backend,
                "SELECT id, changes FROM audit_log WHERE resource_type = 'santri'",
            ))
            .await?;
        for row in rows {
            let id: uuid::Uuid = row.try_get("", "id")?;
            let changes: Json = row.try_get("", "changes")?;
            let reduced = names_only(&changes);
            if reduced != changes {
                db.execute_raw(Statement::from_sql_and_values(
                    backend,
                    match backend {
                        sea_orm_migration::sea_orm::DatabaseBackend::Postgres => {
                            "UPDATE audit_log SET changes = $1 WHERE id = $2"
                        }
                        _ => "UPDATE audit_log SET changes = ? WHERE id = ?",
                    },
                    [reduced.into(), id.into()],
                ))
                .await?;
            }
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for cols in NEW_AUDIT_INDEXES {
            m.drop_index(
                Index::drop()
                    .name(format!("idx_audit_log_{}", cols.join("_")))
                    .table("audit_log")
                    .if_exists()
                    .to_owned(),
            )
            .await?;
        }
        m.create_index(index("audit_log", &["resource_type", "resource_id"]))
            .await?;
        m.create_index(index("audit_log", &["actor_id"])).await?;
        m.create_index(index("audit_log", &["province_code"]))
            .await?;
        m.drop_index(
            Index::drop()
                .name("idx_santri_status_left_on")
                .table("santri")
                .if_exists()
                .to_owned(),
        )
        .await?;
        for col in santri_columns() {
            m.alter_table(
                Table::alter()
                    .table("santri")
                    .drop_column(Alias::new(col.get_column_name()))
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
