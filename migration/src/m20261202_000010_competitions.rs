//! Competitions (audisi) with their entries, jurors' scores, awards and
//! the disbursements of each award's grant.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261123_000001_initial::{fk, index, resource, unique};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            resource("competitions")
                .col(string("province_code"))
                .col(integer("year"))
                .col(string("title"))
                .col(text_null("description"))
                .col(json_binary("categories"))
                .col(json_binary("stages"))
                .col(date("entries_close_on"))
                .col(string("status"))
                .col(integer("current_stage").default(0))
                .col(uuid_null("created_by"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("competitions", &["province_code", "year"]))
            .await?;

        m.create_table(
            resource("competition_entries")
                .col(uuid("competition_id"))
                .col(uuid("pesantren_id"))
                .col(string("province_code"))
                .col(string("regency_code"))
                .col(string_null("district_code"))
                .col(string("category"))
                .col(json_binary("product_ids"))
                .col(integer("stage_index").default(0))
                .col(string("status"))
                .col(text_null("eliminated_reason"))
                .col(uuid_null("decided_by"))
                .col(timestamp_with_time_zone_null("decided_at"))
                .col(uuid_null("entered_by"))
                .foreign_key(
                    fk("competition_entries", "competition_id", "competitions")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    fk("competition_entries", "pesantren_id", "pesantren")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        // One entry per pesantren per competition, held by the database.
        m.create_index(unique(
            "competition_entries",
            &["competition_id", "pesantren_id"],
        ))
        .await?;
        m.create_index(index("competition_entries", &["pesantren_id"]))
            .await?;

        m.create_table(
            resource("competition_scores")
                .col(uuid("entry_id"))
                .col(uuid("competition_id"))
                .col(uuid("pesantren_id"))
                .col(string("province_code"))
                .col(integer("stage_index"))
                .col(uuid("juror_id"))
                .col(integer("score"))
                .col(text_null("notes"))
                .foreign_key(
                    fk("competition_scores", "entry_id", "competition_entries")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    fk("competition_scores", "juror_id", "users")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        // Once per juror and stage, held by the database.
        m.create_index(unique(
            "competition_scores",
            &["entry_id", "stage_index", "juror_id"],
        ))
        .await?;
        m.create_index(index(
            "competition_scores",
            &["competition_id", "stage_index"],
        ))
        .await?;

        m.create_table(
            resource("competition_awards")
                .col(uuid("competition_id"))
                .col(uuid("entry_id"))
                .col(uuid("pesantren_id"))
                .col(string("province_code"))
                .col(integer("year"))
                .col(string("category"))
                .col(integer("rank"))
                .col(big_integer("grant_idr"))
                .col(big_integer("disbursed_idr").default(0))
                .col(uuid_null("awarded_by"))
                .foreign_key(
                    fk("competition_awards", "competition_id", "competitions")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    fk("competition_awards", "entry_id", "competition_entries")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(unique("competition_awards", &["entry_id"]))
            .await?;
        m.create_index(unique(
            "competition_awards",
            &["competition_id", "category", "rank"],
        ))
        .await?;
        m.create_index(index("competition_awards", &["province_code", "year"]))
            .await?;

        m.create_table(
            resource("grant_disbursements")
                .col(uuid("award_id"))
                .col(uuid("pesantren_id"))
                .col(string("province_code"))
                .col(big_integer("amount_idr"))
                .col(date("paid_on"))
                .col(string("reference"))
                .col(uuid_null("recorded_by"))
                .foreign_key(
                    fk("grant_disbursements", "award_id", "competition_awards")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(index("grant_disbursements", &["award_id"]))
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "grant_disbursements",
            "competition_awards",
            "competition_scores",
            "competition_entries",
            "competitions",
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
