//! The whole data model of the first release: accounts, the register, products,
//! certifications, partners, orders, the change feed and the audit log.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Columns every resource carries.
pub(crate) fn resource(table: &'static str) -> TableCreateStatement {
    Table::create()
        .table(table)
        .if_not_exists()
        .col(pk_uuid("id"))
        .col(timestamp_with_time_zone("created_at"))
        .col(timestamp_with_time_zone("updated_at"))
        .col(integer("version").default(1))
        .to_owned()
}

pub(crate) fn fk(
    from_table: &'static str,
    from_col: &'static str,
    to_table: &'static str,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{from_table}_{from_col}"))
        .from(from_table, from_col)
        .to(to_table, "id")
        .to_owned()
}

pub(crate) fn index(table: &'static str, cols: &[&'static str]) -> IndexCreateStatement {
    let mut idx = Index::create();
    idx.name(format!("idx_{table}_{}", cols.join("_")))
        .table(table)
        .if_not_exists();
    for c in cols {
        idx.col(*c);
    }
    idx.to_owned()
}

pub(crate) fn unique(table: &'static str, cols: &[&'static str]) -> IndexCreateStatement {
    let mut idx = index(table, cols);
    idx.name(format!("uq_{table}_{}", cols.join("_"))).unique();
    idx
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            resource("pesantren")
                .col(string_uniq("nspp"))
                .col(string("name"))
                .col(string("search_name"))
                .col(string("province_code"))
                .col(string("regency_code"))
                .col(string_null("district_code"))
                .col(text("address"))
                .col(string("leader_name"))
                .col(string("phone"))
                .col(string_null("email"))
                .col(string_null("website"))
                .col(text_null("description"))
                .col(string("status"))
                .col(timestamp_with_time_zone_null("verified_at"))
                .to_owned(),
        )
        .await?;
        for cols in [
            &["province_code", "status"][..],
            &["regency_code"],
            &["status"],
            &["search_name"],
        ] {
            m.create_index(index("pesantren", cols)).await?;
        }

        m.create_table(
            resource("santri")
                .col(uuid("pesantren_id"))
                .col(string("province_code"))
                .col(string("name"))
                .col(string("search_name"))
                .col(string_null("nik"))
                .col(string("gender"))
                .col(date_null("birth_date"))
                .col(integer_null("entry_year"))
                .col(string("status"))
                .col(boolean("is_santripreneur").default(false))
                .col(string_null("phone"))
                .col(string_null("email"))
                .col(text_null("address"))
                .col(string_null("guardian_name"))
                .col(timestamp_with_time_zone_null("guardian_consent_at"))
                .foreign_key(
                    fk("santri", "pesantren_id", "pesantren").on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(index("santri", &["pesantren_id", "status"]))
            .await?;
        m.create_index(index("santri", &["province_code", "is_santripreneur"]))
            .await?;
        m.create_index(unique("santri", &["pesantren_id", "nik"]))
            .await?;

        m.create_table(
            resource("users")
                .col(string_uniq("email"))
                .col(string("name"))
                .col(string("password_hash"))
                .col(string("role"))
                .col(string_null("province_code"))
                .col(uuid_null("pesantren_id"))
                .col(uuid_null("santri_id"))
                .col(boolean("is_active").default(true))
                .col(timestamp_with_time_zone_null("last_login_at"))
                .foreign_key(&mut fk("users", "pesantren_id", "pesantren"))
                .foreign_key(
                    fk("users", "santri_id", "santri").on_delete(ForeignKeyAction::SetNull),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(index("users", &["role", "province_code"]))
            .await?;
        m.create_index(index("users", &["pesantren_id"])).await?;

        m.create_table(
            resource("partners")
                .col(string("name"))
                .col(string_uniq("code"))
                .col(string_uniq("client_id"))
                .col(string("client_secret_hash"))
                .col(string_null("webhook_url"))
                .col(string_null("webhook_secret"))
                .col(boolean("is_active").default(true))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("refresh_tokens")
                .if_not_exists()
                .col(pk_uuid("id"))
                .col(uuid("user_id"))
                .col(uuid("family_id"))
                .col(string_uniq("token_hash"))
                .col(big_integer("expires_at"))
                .col(timestamp_with_time_zone_null("used_at"))
                .col(timestamp_with_time_zone_null("revoked_at"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(
                    fk("refresh_tokens", "user_id", "users").on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(index("refresh_tokens", &["family_id"]))
            .await?;
        m.create_index(index("refresh_tokens", &["user_id"]))
            .await?;

        m.create_table(
            resource("koperasi")
                .col(uuid_uniq("pesantren_id"))
                .col(string("province_code"))
                .col(string("name"))
                .col(string_null("legal_entity_number"))
                .col(string_null("nib").unique_key())
                .col(integer("member_count").default(0))
                .col(json_binary("business_units"))
                .foreign_key(
                    fk("koperasi", "pesantren_id", "pesantren")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(index("koperasi", &["province_code"]))
            .await?;

        m.create_table(
            resource("products")
                .col(uuid("pesantren_id"))
                .col(string("province_code"))
                .col(uuid_null("koperasi_id"))
                .col(string("name"))
                .col(string("search_name"))
                .col(text("description"))
                .col(string("category"))
                .col(big_integer("price_idr"))
                .col(big_integer("stock"))
                .col(string("unit"))
                .col(integer("weight_grams"))
                .col(string("sku"))
                .col(json_binary("images"))
                .col(boolean("is_flagship").default(false))
                .col(string("status"))
                .col(text_null("rejection_reason"))
                .col(string_null("brand"))
                .col(string("condition"))
                .col(integer_null("length_cm"))
                .col(integer_null("width_cm"))
                .col(integer_null("height_cm"))
                .col(integer("min_order_qty").default(1))
                .col(integer_null("shelf_life_days"))
                .col(uuid_null("created_by"))
                .col(timestamp_with_time_zone_null("submitted_at"))
                .col(uuid_null("reviewed_by"))
                .col(timestamp_with_time_zone_null("reviewed_at"))
                .foreign_key(&mut fk("products", "pesantren_id", "pesantren"))
                .foreign_key(
                    fk("products", "koperasi_id", "koperasi").on_delete(ForeignKeyAction::SetNull),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(unique("products", &["pesantren_id", "sku"]))
            .await?;
        for cols in [
            &["status", "category", "province_code"][..],
            &["status", "province_code"],
            &["pesantren_id", "status"],
            &["search_name"],
            &["price_idr"],
            &["is_flagship", "status"],
        ] {
            m.create_index(index("products", cols)).await?;
        }

        m.create_table(
            resource("certifications")
                .col(uuid("product_id"))
                .col(uuid("pesantren_id"))
                .col(string("province_code"))
                .col(string("type"))
                .col(string("number"))
                .col(string("issuer"))
                .col(date_null("issued_on"))
                .col(date_null("expires_on"))
                .col(string("status"))
                .col(text_null("rejection_reason"))
                .col(string_null("document_url"))
                .col(uuid_null("verified_by"))
                .col(timestamp_with_time_zone_null("verified_at"))
                .foreign_key(
                    fk("certifications", "product_id", "products")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(unique("certifications", &["product_id", "type", "number"]))
            .await?;
        m.create_index(index("certifications", &["product_id", "type", "status"]))
            .await?;
        m.create_index(index("certifications", &["status", "expires_on"]))
            .await?;
        m.create_index(index("certifications", &["province_code", "status"]))
            .await?;
        m.create_index(index("certifications", &["pesantren_id"]))
            .await?;

        m.create_table(
            resource("partner_listings")
                .col(uuid("partner_id"))
                .col(uuid("product_id"))
                .col(string("external_id"))
                .col(string("url"))
                .col(string_null("category_id"))
                .col(json_binary_null("attributes"))
                .foreign_key(
                    fk("partner_listings", "partner_id", "partners")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    fk("partner_listings", "product_id", "products")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(unique("partner_listings", &["partner_id", "product_id"]))
            .await?;
        m.create_index(index("partner_listings", &["product_id"]))
            .await?;

        m.create_table(
            resource("orders")
                .col(uuid("partner_id"))
                .col(uuid("product_id"))
                .col(uuid("pesantren_id"))
                .col(string("province_code"))
                .col(integer("quantity"))
                .col(string("external_order_id"))
                .col(string("idempotency_key"))
                .col(big_integer("unit_price_idr"))
                .col(big_integer("total_idr"))
                .foreign_key(&mut fk("orders", "partner_id", "partners"))
                .foreign_key(&mut fk("orders", "product_id", "products"))
                .to_owned(),
        )
        .await?;
        m.create_index(unique("orders", &["partner_id", "external_order_id"]))
            .await?;
        m.create_index(index("orders", &["product_id"])).await?;
        m.create_index(index("orders", &["pesantren_id"])).await?;

        m.create_table(
            Table::create()
                .table("idempotency_keys")
                .if_not_exists()
                .col(pk_uuid("id"))
                .col(string("principal"))
                .col(string("key"))
                .col(string("endpoint"))
                .col(string("request_hash"))
                .col(integer("response_status"))
                .col(json_binary("response_body"))
                .col(timestamp_with_time_zone("created_at"))
                .col(big_integer("expires_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(unique("idempotency_keys", &["principal", "key"]))
            .await?;
        m.create_index(index("idempotency_keys", &["expires_at"]))
            .await?;

        // The feed's sequence counter: one row, bumped by an UPDATE inside the
        // writing transaction, so positions are handed out in commit order.
        m.create_table(
            Table::create()
                .table("catalog_feed_state")
                .if_not_exists()
                .col(integer("id").primary_key())
                .col(big_integer("last_seq"))
                .to_owned(),
        )
        .await?;
        m.exec_stmt(
            Query::insert()
                .into_table("catalog_feed_state")
                .columns(["id", "last_seq"])
                .values_panic([1.into(), 0i64.into()])
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("catalog_changes")
                .if_not_exists()
                .col(big_integer("seq").primary_key())
                .col(uuid("product_id"))
                .col(string("op"))
                .col(json_binary_null("payload"))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("catalog_changes", &["product_id"]))
            .await?;

        m.create_table(
            Table::create()
                .table("audit_log")
                .if_not_exists()
                .col(pk_uuid("id"))
                .col(string("actor_type"))
                .col(uuid_null("actor_id"))
                .col(string("action"))
                .col(string("resource_type"))
                .col(uuid("resource_id"))
                .col(string_null("province_code"))
                .col(json_binary("changes"))
                .col(string_null("request_id"))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("audit_log", &["resource_type", "resource_id"]))
            .await?;
        m.create_index(index("audit_log", &["actor_id"])).await?;
        m.create_index(index("audit_log", &["province_code"]))
            .await?;

        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "audit_log",
            "catalog_changes",
            "catalog_feed_state",
            "idempotency_keys",
            "orders",
            "partner_listings",
            "certifications",
            "products",
            "koperasi",
            "refresh_tokens",
            "partners",
            "users",
            "santri",
            "pesantren",
        ] {
            m.drop_table(Table::drop().table(table).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}
