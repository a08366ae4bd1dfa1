//! The programme's own work: activities with their participants and deals,
//! mentors' assignments and sessions, targets per province and year, and
//! alumni enterprises. Flagship status becomes an award: what managers set
//! until now is kept as a request, not as an award (see `docs/programme.md`).

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261123_000001_initial::{fk, index, resource, unique};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            resource("activities")
                .col(string("kind"))
                .col(string("title"))
                .col(text_null("description"))
                .col(string("province_code"))
                .col(string_null("regency_code"))
                .col(date("starts_on"))
                .col(date("ends_on"))
                .col(string_null("location"))
                .col(boolean("online").default(false))
                .col(integer_null("capacity"))
                .col(date_null("registration_closes_on"))
                .col(boolean("public").default(false))
                .col(string("status"))
                // Places taken: enrolment raises it only while below
                // `capacity`, in the same statement, so no race oversells.
                .col(integer("enrolled").default(0))
                .col(uuid_null("created_by"))
                .to_owned(),
        )
        .await?;
        for cols in [
            &["province_code", "starts_on"][..],
            &["public", "starts_on"],
        ] {
            m.create_index(index("activities", cols)).await?;
        }

        m.create_table(
            resource("activity_participants")
                .col(uuid("activity_id"))
                .col(uuid("pesantren_id"))
                .col(string("province_code"))
                .col(json_binary("santri_ids"))
                // The length of `santri_ids`, so the figures sum it in SQL
                // without a JSON function that differs by database.
                .col(integer("santri_count").default(0))
                .col(boolean_null("attended"))
                .col(timestamp_with_time_zone("enrolled_at"))
                .col(uuid_null("enrolled_by"))
                .foreign_key(
                    fk("activity_participants", "activity_id", "activities")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    fk("activity_participants", "pesantren_id", "pesantren")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(unique(
            "activity_participants",
            &["activity_id", "pesantren_id"],
        ))
        .await?;
        m.create_index(index("activity_participants", &["pesantren_id"]))
            .await?;

        m.create_table(
            resource("deals")
                .col(uuid("activity_id"))
                .col(uuid("pesantren_id"))
                .col(string("province_code"))
                .col(string("buyer_name"))
                .col(string("buyer_kind"))
                .col(uuid_null("product_id"))
                .col(big_integer("value_idr"))
                .col(string("kind"))
                .col(date("signed_on"))
                .col(string("status"))
                .col(uuid_null("reported_by"))
                .col(uuid_null("confirmed_by"))
                .col(timestamp_with_time_zone_null("confirmed_at"))
                .foreign_key(
                    fk("deals", "activity_id", "activities").on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    fk("deals", "pesantren_id", "pesantren").on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    fk("deals", "product_id", "products").on_delete(ForeignKeyAction::SetNull),
                )
                .to_owned(),
        )
        .await?;
        for cols in [
            &["activity_id", "status"][..],
            &["province_code", "status"],
            &["pesantren_id"],
        ] {
            m.create_index(index("deals", cols)).await?;
        }

        m.create_table(
            resource("mentor_assignments")
                .col(uuid("mentor_id"))
                .col(uuid("pesantren_id"))
                .col(string("province_code"))
                .col(date("starts_on"))
                .col(date_null("ends_on"))
                .col(uuid_null("created_by"))
                .foreign_key(
                    fk("mentor_assignments", "mentor_id", "users")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    fk("mentor_assignments", "pesantren_id", "pesantren")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        for cols in [&["mentor_id", "pesantren_id"][..], &["pesantren_id"]] {
            m.create_index(index("mentor_assignments", cols)).await?;
        }

        m.create_table(
            resource("mentoring_sessions")
                .col(uuid("pesantren_id"))
                .col(string("province_code"))
                .col(uuid("mentor_id"))
                .col(date("held_on"))
                .col(string("topic"))
                .col(text("notes"))
                .col(text_null("follow_up"))
                .foreign_key(
                    fk("mentoring_sessions", "pesantren_id", "pesantren")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    fk("mentoring_sessions", "mentor_id", "users")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        for cols in [
            &["pesantren_id", "held_on"][..],
            &["province_code", "held_on"],
        ] {
            m.create_index(index("mentoring_sessions", cols)).await?;
        }

        m.create_table(
            resource("targets")
                .col(string("province_code"))
                .col(integer("year"))
                .col(big_integer_null("verified_pesantren"))
                .col(big_integer_null("flagship_products"))
                .col(big_integer_null("santripreneurs"))
                .col(big_integer_null("sociopreneurs"))
                .col(big_integer_null("trained_santri"))
                .col(big_integer_null("deal_value_idr"))
                .col(uuid_null("updated_by"))
                .to_owned(),
        )
        .await?;
        m.create_index(unique("targets", &["province_code", "year"]))
            .await?;

        m.create_table(
            resource("enterprises")
                .col(uuid("santri_id"))
                .col(uuid("pesantren_id"))
                .col(string("province_code"))
                .col(string("name"))
                .col(string("kind"))
                .col(date("started_on"))
                .col(text_null("description"))
                .foreign_key(
                    fk("enterprises", "santri_id", "santri").on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        for cols in [&["santri_id"][..], &["province_code", "kind"]] {
            m.create_index(index("enterprises", cols)).await?;
        }

        // Flagship status becomes an award. Managers could set `is_flagship`
        // on their own products until now; nobody awarded it, so what they
        // set is kept as what it was: a request.
        for col in [
            boolean("flagship_requested").default(false).to_owned(),
            uuid_null("flagship_awarded_by").to_owned(),
            timestamp_with_time_zone_null("flagship_awarded_at").to_owned(),
        ] {
            m.alter_table(Table::alter().table("products").add_column(col).to_owned())
                .await?;
        }
        m.exec_stmt(
            Query::update()
                .table("products")
                .value("flagship_requested", Expr::col("is_flagship"))
                .value("is_flagship", false)
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.exec_stmt(
            Query::update()
                .table("products")
                .value(
                    "is_flagship",
                    Expr::col("is_flagship").or(Expr::col("flagship_requested")),
                )
                .to_owned(),
        )
        .await?;
        for col in [
            "flagship_awarded_at",
            "flagship_awarded_by",
            "flagship_requested",
        ] {
            m.alter_table(
                Table::alter()
                    .table("products")
                    .drop_column(Alias::new(col))
                    .to_owned(),
            )
            .await?;
        }
        for table in [
            "enterprises",
            "targets",
            "mentoring_sessions",
            "mentor_assignments",
            "deals",
            "activity_participants",
            "activities",
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
