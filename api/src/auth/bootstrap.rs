//! The first admin, created at start-up when no admin exists yet.

use entity::{users, Role};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};

use crate::audit::{self, Actor, WriteTx};
use crate::config::Config;
use crate::db;

/// Email of the generated development admin.
pub const DEV_ADMIN_EMAIL: &str = "admin@opop.local";

/// Ensures an admin exists. With `OPOP_ADMIN_EMAIL`/`OPOP_ADMIN_PASSWORD` it
/// creates that admin; in development without them it generates a password
/// and prints it once; in production without them it refuses to start.
pub async fn ensure_admin(db: &DatabaseConnection, config: &Config) -> anyhow::Result<()> {
    let exists = users::Entity::find()
        .filter(users::Column::Role.eq(Role::Admin))
        .one(db)
        .await?
        .is_some();
    if exists {
        return Ok(());
    }
    let (email, password, generated) = match (&config.admin_email, &config.admin_password) {
        (Some(e), Some(p)) => (e.trim().to_lowercase(), p.clone(), false),
        _ if config.is_production() => anyhow::bail!(
            "no admin exists: set OPOP_ADMIN_EMAIL and OPOP_ADMIN_PASSWORD for the first start"
        ),
        _ => (
            config
                .admin_email
                .clone()
                .unwrap_or_else(|| DEV_ADMIN_EMAIL.to_string()),
            super::password::random_secret(20),
            true,
        ),
    };
    if password.chars().count() < 10 {
        anyhow::bail!("OPOP_ADMIN_PASSWORD must be at least 10 characters long");
    }
    let now = db::now();
    let mut tx = WriteTx::begin(db, &Actor::system()).await?;
    let admin = users::ActiveModel {
        id: Set(db::new_id()),
        email: Set(email.clone()),
        name: Set("OPOP Administrator".into()),
        password_hash: Set(super::password::hash(&password)?),
        role: Set(Role::Admin),
        province_code: Set(None),
        pesantren_id: Set(None),
        santri_id: Set(None),
        is_active: Set(true),
        last_login_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    }
    .insert(&*tx)
    .await?;
    tx.record(audit::Entry {
        action: "create",
        resource_type: "user",
        resource_id: admin.id,
        province_code: None,
        changes: serde_json::json!({"email": email, "role": "admin"}),
    })
    .await?;
    tx.commit().await?;
    if generated {
        // Printed, not logged: it must not end up in a log collector.
        println!(
            "\nCreated the first admin for development:\n  email:    {email}\n  password: {password}\nIt is shown only this once. Set OPOP_ADMIN_EMAIL and OPOP_ADMIN_PASSWORD to choose them.\n"
        );
    } else {
        tracing::info!(email = %email, "created the first admin");
    }
    Ok(())
}
