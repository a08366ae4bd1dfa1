//! Products of a pesantren and their curation: draft → in review →
//! approved (or rejected), unlisted and relisted, with every rule of the
//! state machine in [`super::curation`].

use entity::{
    koperasi, pesantren, product_images, products, ProductCondition, ProductStatus, ReviewDecision,
    ReviewedResource, Role,
};
use sea_orm::sea_query::{Expr, LikeExpr};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait,
    ExprTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use uuid::Uuid;

use super::curation::{self, Action, Filled};
use super::model::{
    ImageSources, Position, ProductFilter, ProductInput, ProductSort, ProductView, IMAGE_PATH,
};
use super::variants;
use crate::audit::{self, WriteTx};
use crate::auth::{rules, scope, Caller};
use crate::db;
use crate::edit::{check_version, Edit};
use crate::error::{ApiError, ApiResult, Code, FieldCode, FieldError};
use crate::feed::{self, view::load_variants};
use crate::pagination::{decode_cursor, encode_cursor, Page, PageParams};
use crate::reviews;
use crate::validation::validate;

/// The ids among `ids` that are published today.
async fn published_ids(db: &impl ConnectionTrait, ids: Vec<Uuid>) -> ApiResult<Vec<Uuid>> {
    if ids.is_empty() {
        return Ok(ids);
    }
    Ok(products::Entity::find()
        .select_only()
        .column(products::Column::Id)
        .filter(products::Column::Id.is_in(ids))
        .filter(crate::publication::published(crate::publication::today()))
        .into_tuple()
        .all(db)
        .await?)
}

pub(super) async fn views(
    db: &impl ConnectionTrait,
    rows: Vec<products::Model>,
) -> ApiResult<Vec<ProductView>> {
    let ids: Vec<Uuid> = rows.iter().map(|p| p.id).collect();
    let published = published_ids(db, ids).await?;
    let rows = rows
        .into_iter()
        .map(|p| {
            let live = published.contains(&p.id);
            Listed {
                product: p,
                published: live,
            }
        })
        .collect();
    views_of(db, rows).await
}

/// A product row read with whether it is published today, in the same
/// statement (a page of a list: the rule is a column of the page's query,
/// so it is exact against the register, as the product's own read is).
struct Listed {
    product: products::Model,
    published: bool,
}

impl sea_orm::FromQueryResult for Listed {
    fn from_query_result(row: &sea_orm::QueryResult, pre: &str) -> Result<Self, sea_orm::DbErr> {
        Ok(Listed {
            product: products::Model::from_query_result(row, pre)?,
            published: row.try_get(pre, PUBLISHED_NOW)?,
        })
    }
}

/// The column [`Listed`] reads the publication rule from.
const PUBLISHED_NOW: &str = "published_now";

/// The publication rule on `today` as a column of a products query.
fn published_column(today: chrono::NaiveDate) -> sea_orm::sea_query::SimpleExpr {
    Expr::case(crate::publication::published(today), true)
        .finally(false)
        .into()
}

/// The views of listed rows; variants are read only for products with
/// options (most have none, and then no statement is sent).
async fn views_of(db: &impl ConnectionTrait, rows: Vec<Listed>) -> ApiResult<Vec<ProductView>> {
    let with_options: Vec<Uuid> = rows
        .iter()
        .filter(|r| r.product.options.is_some())
        .map(|r| r.product.id)
        .collect();
    let mut all_variants = if with_options.is_empty() {
        Default::default()
    } else {
        load_variants(db, with_options).await?
    };
    Ok(rows
        .into_iter()
        .map(|r| {
            let vs = all_variants.remove(&r.product.id);
            ProductView::new(r.product, r.published, vs)
        })
        .collect())
}

pub(super) async fn view(
    db: &impl ConnectionTrait,
    row: products::Model,
) -> ApiResult<ProductView> {
    Ok(views(db, vec![row]).await?.remove(0))
}

fn duplicate_sku() -> ApiError {
    ApiError::new(Code::ProductSkuTaken)
}

async fn sku_taken(
    db: &impl ConnectionTrait,
    pesantren_id: Uuid,
    sku: Option<&str>,
    except: Option<Uuid>,
) -> ApiResult<bool> {
    let Some(sku) = sku else {
        return Ok(false);
    };
    let mut q = products::Entity::find()
        .filter(products::Column::PesantrenId.eq(pesantren_id))
        .filter(products::Column::Sku.eq(sku));
    if let Some(id) = except {
        q = q.filter(products::Column::Id.ne(id));
    }
    Ok(q.one(db).await?.is_some())
}

/// The koperasi must belong to the product's pesantren.
async fn check_koperasi(
    db: &impl ConnectionTrait,
    pesantren_id: Uuid,
    koperasi_id: Option<Uuid>,
) -> ApiResult<()> {
    let Some(kid) = koperasi_id else {
        return Ok(());
    };
    let ok = koperasi::Entity::find_by_id(kid)
        .filter(koperasi::Column::PesantrenId.eq(pesantren_id))
        .one(db)
        .await?
        .is_some();
    if ok {
        Ok(())
    } else {
        Err(ApiError::field("koperasi_id", FieldCode::NoSuchKoperasi))
    }
}

/// Whether `url` is the URL of one of `uploaded` under the API's own base,
/// or an https link to an allowed host. The host is read by a URL parser,
/// not by matching text: `https://allowed.example@evil.example/` names
/// `evil.example`.
fn image_source_allowed(url: &str, uploaded: &[Uuid], sources: ImageSources<'_>) -> bool {
    if let Some(id) = url
        .strip_prefix(sources.base)
        .and_then(|rest| rest.strip_prefix(IMAGE_PATH))
    {
        return Uuid::try_parse(id)
            .is_ok_and(|u| u.hyphenated().to_string() == id && uploaded.contains(&u));
    }
    let Ok(parsed) = reqwest::Url::parse(url) else {
        return false;
    };
    parsed.scheme() == "https"
        && parsed.username().is_empty()
        && parsed.password().is_none()
        && parsed.port().is_none()
        && parsed
            .host_str()
            .is_some_and(|h| sources.hosts.iter().any(|a| a.eq_ignore_ascii_case(h)))
}

/// Refuses (422, `images[i]`, `image_source`) every link of `images` that
/// is neither an image uploaded to this product, under the API's own base,
/// nor an https link to a host of `OPOP_IMAGE_HOSTS`. Any other link would
/// let whoever serves it change the picture of a curated product at will
/// (security review, finding 4). Links the product holds already are
/// taken back unchanged, so that a representation read back is writable
/// back (and products older than this rule stay editable); no new one
/// gets in.
async fn check_image_sources(
    db: &impl ConnectionTrait,
    product_id: Option<Uuid>,
    images: &[String],
    held: &[String],
    sources: ImageSources<'_>,
) -> ApiResult<()> {
    let uploaded: Vec<Uuid> = match product_id {
        Some(id) => {
            product_images::Entity::find()
                .select_only()
                .column(product_images::Column::Id)
                .filter(product_images::Column::ProductId.eq(id))
                .into_tuple()
                .all(db)
                .await?
        }
        None => Vec::new(),
    };
    let errors: Vec<FieldError> = images
        .iter()
        .enumerate()
        .filter(|(_, url)| !held.contains(url) && !image_source_allowed(url, &uploaded, sources))
        .map(|(i, _)| FieldError::new(format!("images[{i}]"), FieldCode::ImageSource))
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::validation(errors))
    }
}

fn map_unique(e: sea_orm::DbErr) -> ApiError {
    if crate::error::is_unique_violation(&e) {
        duplicate_sku()
    } else {
        e.into()
    }
}

fn trimmed(s: &Option<String>) -> Option<String> {
    s.as_ref()
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// Writes the fields of `input` into `row`.
fn apply(input: &ProductInput, row: &mut products::ActiveModel) {
    row.koperasi_id = Set(input.koperasi_id);
    row.name = Set(input.name.trim().to_string());
    row.search_name = Set(crate::text::fold(&input.name));
    row.description = Set(trimmed(&input.description));
    row.category = Set(input.category);
    let (price, stock) = match &input.variants {
        Some(vs) => {
            let (price, stock) = variants::summary(vs);
            (Some(price), Some(stock))
        }
        None => (input.price_idr, input.stock),
    };
    row.price_idr = Set(price);
    row.stock = Set(stock);
    row.options = Set(input.options.as_ref().map(|o| serde_json::json!(o)));
    row.unit = Set(trimmed(&input.unit));
    row.weight_grams = Set(input.weight_grams);
    row.sku = Set(input.sku.clone());
    row.images = Set(serde_json::json!(input.images));
    row.flagship_requested = Set(input.flagship_requested);
    row.brand = Set(input.brand.as_ref().map(|b| b.trim().to_string()));
    row.condition = Set(input.condition.unwrap_or(ProductCondition::New));
    row.length_cm = Set(input.length_cm);
    row.width_cm = Set(input.width_cm);
    row.height_cm = Set(input.height_cm);
    row.min_order_qty = Set(input.min_order_qty.unwrap_or(1));
    row.shelf_life_days = Set(input.shelf_life_days);
}

/// Of a product with variants, the representation carries the lowest price
/// and the total stock, which the input may not set: sent back unchanged
/// they are dropped (a changed one is refused, as `set_per_variant`).
fn drop_derived(body: &mut serde_json::Value, current: &serde_json::Value) {
    let has_options = body.get("options").is_some_and(|o| !o.is_null());
    if let (true, Some(fields)) = (has_options, body.as_object_mut()) {
        for derived in ["price_idr", "stock"] {
            if fields.get(derived).is_some() && fields.get(derived) == current.get(derived) {
                fields.remove(derived);
            }
        }
    }
}

/// What a stored product fills in, for [`curation::missing`].
fn filled(p: &products::Model, variants: usize) -> Filled {
    let images = p.images.as_array().map_or(0, Vec::len);
    Filled {
        category: p.category,
        description: p.description.is_some(),
        unit: p.unit.is_some(),
        weight: p.weight_grams.is_some(),
        sku: p.sku.is_some(),
        images,
        shelf_life: p.shelf_life_days.is_some(),
        options: p.options.is_some(),
        variants,
        price: p.price_idr.is_some(),
        stock: p.stock.is_some(),
    }
}

/// Creates a product as a `draft`. A draft needs only its pesantren, a
/// name and a category; whatever else it has must be valid.
pub async fn create(
    db: &DatabaseConnection,
    caller: &Caller,
    input: ProductInput,
    sources: ImageSources<'_>,
) -> ApiResult<ProductView> {
    validate(&input)?;
    check_image_sources(db, None, &input.images, &[], sources).await?;
    let own = caller.user().and_then(|u| {
        (u.role == Role::PesantrenManager)
            .then_some(u.pesantren_id)
            .flatten()
    });
    let pesantren_id = input
        .pesantren_id
        .or(own)
        .ok_or_else(|| ApiError::field("pesantren_id", FieldCode::Required))?;
    let owner = scope::load::<pesantren::Entity>(db, caller, pesantren_id)
        .await
        .map_err(|_| ApiError::field("pesantren_id", FieldCode::NoSuchPesantren))?;
    check_koperasi(db, owner.id, input.koperasi_id).await?;
    if sku_taken(db, owner.id, input.sku.as_deref(), None).await? {
        return Err(duplicate_sku());
    }
    variants::check_against_stored(
        db,
        owner.id,
        None,
        input.sku.as_deref(),
        input.variant_inputs(),
    )
    .await?;
    let now = db::now();
    let mut row = products::ActiveModel {
        id: Set(db::new_id()),
        pesantren_id: Set(owner.id),
        province_code: Set(owner.province_code.clone()),
        status: Set(ProductStatus::Draft),
        rejection_reason: Set(None),
        created_by: Set(caller.user_id()),
        submitted_at: Set(None),
        reviewed_by: Set(None),
        reviewed_at: Set(None),
        in_feed: Set(false),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
        ..Default::default()
    };
    apply(&input, &mut row);
    let mut tx = WriteTx::begin(db, &caller.actor()).await?;
    let saved = row.insert(&*tx).await.map_err(map_unique)?;
    variants::replace(&*tx, &saved, input.variant_inputs()).await?;
    let result = view(&*tx, saved).await?;
    tx.record(audit::Entry {
        action: "create",
        resource_type: "product",
        resource_id: result.id,
        province_code: Some(result.province_code.clone()),
        changes: audit::created(&result),
    })
    .await?;
    tx.commit().await?;
    Ok(result)
}

pub async fn get(db: &DatabaseConnection, caller: &Caller, id: Uuid) -> ApiResult<ProductView> {
    let row = scope::load::<products::Entity>(db, caller, id).await?;
    view(db, row).await
}

/// Replaces (`PUT`) or patches (`PATCH`) a product. A product that stays
/// past `draft` after the edit must stay complete; an approved or unlisted
/// one whose curated content changes goes back to review
/// ([`curation::needs_review`]).
pub async fn update(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
    edit: Edit<ProductInput>,
    expected_version: Option<i32>,
    sources: ImageSources<'_>,
) -> ApiResult<ProductView> {
    let current = scope::load::<products::Entity>(db, caller, id).await?;
    let before = view(db, current.clone()).await?;
    let input = edit.resolve_with(&before, drop_derived)?;
    validate(&input)?;
    check_image_sources(db, Some(id), &input.images, &before.images, sources).await?;
    check_version(expected_version, current.version)?;
    check_koperasi(db, current.pesantren_id, input.koperasi_id).await?;
    if input.sku != current.sku
        && sku_taken(db, current.pesantren_id, input.sku.as_deref(), Some(id)).await?
    {
        return Err(duplicate_sku());
    }
    variants::check_against_stored(
        db,
        current.pesantren_id,
        Some(id),
        input.sku.as_deref(),
        input.variant_inputs(),
    )
    .await?;
    let content_changed = !curation::needs_review(&before.shown(), &input.shown()).is_empty();
    let status = curation::after_edit(current.status, content_changed);
    if status != ProductStatus::Draft {
        // Past the draft, an edit may not take away what curation needs
        // (what an older product lacked already is for its next review).
        let variants = before.variants.as_ref().map_or(0, Vec::len);
        let lacked = curation::missing(&filled(&current, variants));
        let lost: Vec<_> = curation::missing(&input.filled())
            .into_iter()
            .filter(|e| !lacked.iter().any(|l| l.field == e.field))
            .collect();
        ApiError::check_as(Code::ProductIncomplete, lost)?;
    }
    let mut row = products::ActiveModel {
        status: Set(status),
        edited_by: Set(caller.user_id()),
        updated_at: Set(db::now()),
        version: Set(current.version + 1),
        ..Default::default()
    };
    if status != current.status {
        row.rejection_reason = Set(None);
        row.submitted_at = Set((status == ProductStatus::InReview).then(db::now));
    }
    apply(&input, &mut row);
    let mut tx = feed::begin(db, &caller.actor()).await?;
    scope::update_if_version::<products::Entity>(&*tx, id, current.version, row)
        .await
        .map_err(|e| match e.code() {
            Code::UniqueTaken => duplicate_sku(),
            _ => e,
        })?;
    variants::replace(&*tx, &current, input.variant_inputs()).await?;
    feed::sync_product(&tx, id).await?;
    let after = reload(&*tx, id).await?;
    tx.record(audit::Entry {
        action: "update",
        resource_type: "product",
        resource_id: id,
        province_code: Some(after.province_code.clone()),
        changes: audit::diff(&before, &after),
    })
    .await?;
    tx.commit().await?;
    Ok(after)
}

pub(super) async fn reload(db: &impl ConnectionTrait, id: Uuid) -> ApiResult<ProductView> {
    let row = products::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::new(Code::ProductNotFound))?;
    view(db, row).await
}

/// Applies a curation action. Submitting, unlisting and relisting are the
/// pesantren's; approving and rejecting are curators' and admins' of the
/// product's province, never on a product they created themselves.
/// Submitting asks for everything curation needs (422 listing what is
/// missing).
pub async fn act(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
    action: Action,
    reason: Option<String>,
    expected_version: Option<i32>,
) -> ApiResult<ProductView> {
    let current = scope::load::<products::Entity>(db, caller, id).await?;
    check_version(expected_version, current.version)?;
    if matches!(action, Action::Approve | Action::Reject) {
        rules::not_own_work(
            caller,
            &[current.created_by, current.edited_by],
            Code::ProductOwnWork,
        )?;
    }
    let status = curation::next(current.status, action)?;
    let before = view(db, current.clone()).await?;
    if action == Action::Submit {
        let variants = before.variants.as_ref().map_or(0, Vec::len);
        curation::require_complete(&filled(&current, variants))?;
    }
    let now = db::now();
    let mut row = products::ActiveModel {
        status: Set(status),
        updated_at: Set(now),
        version: Set(current.version + 1),
        ..Default::default()
    };
    match action {
        Action::Submit => {
            row.submitted_at = Set(Some(now));
            row.rejection_reason = Set(None);
        }
        Action::Approve | Action::Reject => {
            row.reviewed_by = Set(caller.user_id());
            row.reviewed_at = Set(Some(now));
            row.rejection_reason = Set(reason.clone());
        }
        Action::Unlist | Action::Relist => {}
    }
    let mut tx = feed::begin(db, &caller.actor()).await?;
    scope::update_if_version::<products::Entity>(&*tx, id, current.version, row).await?;
    feed::sync_product(&tx, id).await?;
    let after = reload(&*tx, id).await?;
    reviews::service::record(
        &tx,
        caller,
        ReviewedResource::Product,
        id,
        &after.province_code,
        action.decision(),
        reason.as_deref(),
    )
    .await?;
    tx.record(audit::Entry {
        action: action.verb(),
        resource_type: "product",
        resource_id: id,
        province_code: Some(after.province_code.clone()),
        changes: audit::diff(&before, &after),
    })
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// Awards (`award`) or withdraws flagship status: a curator's decision
/// for a product of their province, never one they made themselves. Only
/// a curated product (approved, or approved and unlisted) can be awarded;
/// awarding answers the pesantren's request, which is then cleared. Asking
/// for what already holds changes nothing (a retried call is harmless).
pub async fn set_flagship(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
    award: bool,
    expected_version: Option<i32>,
) -> ApiResult<ProductView> {
    let current = scope::load::<products::Entity>(db, caller, id).await?;
    check_version(expected_version, current.version)?;
    rules::not_own_work(
        caller,
        &[current.created_by, current.edited_by],
        Code::ProductOwnWork,
    )?;
    if award
        && !matches!(
            current.status,
            ProductStatus::Approved | ProductStatus::Unlisted
        )
    {
        return Err(
            ApiError::new(Code::ProductFlagshipNotApproved).with("status", current.status.as_str())
        );
    }
    if current.is_flagship == award && !(award && current.flagship_requested) {
        return view(db, current).await;
    }
    let before = view(db, current.clone()).await?;
    let now = db::now();
    let row = products::ActiveModel {
        is_flagship: Set(award),
        flagship_requested: Set(if award {
            false
        } else {
            current.flagship_requested
        }),
        flagship_awarded_by: Set(award.then(|| caller.user_id()).flatten()),
        flagship_awarded_at: Set(award.then_some(now)),
        updated_at: Set(now),
        version: Set(current.version + 1),
        ..Default::default()
    };
    let mut tx = feed::begin(db, &caller.actor()).await?;
    scope::update_if_version::<products::Entity>(&*tx, id, current.version, row).await?;
    feed::sync_product(&tx, id).await?;
    let after = reload(&*tx, id).await?;
    reviews::service::record(
        &tx,
        caller,
        ReviewedResource::Product,
        id,
        &after.province_code,
        if award {
            ReviewDecision::Flagship
        } else {
            ReviewDecision::WithdrawFlagship
        },
        None,
    )
    .await?;
    tx.record(audit::Entry {
        action: if award {
            "award_flagship"
        } else {
            "withdraw_flagship"
        },
        resource_type: "product",
        resource_id: id,
        province_code: Some(after.province_code.clone()),
        changes: audit::diff(&before, &after),
    })
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// The price key of drafts without a price: below every price, so they
/// come first cheapest-first and last dearest-first, on both databases (a
/// bare `NULL` sorts first on SQLite and last on PostgreSQL, and never
/// passes a keyset comparison).
const NO_PRICE: i64 = -1;

fn price_key() -> sea_orm::sea_query::Expr {
    Expr::col((products::Entity, products::Column::PriceIdr)).if_null(NO_PRICE)
}

pub async fn list(
    db: &DatabaseConnection,
    caller: &Caller,
    filter: &ProductFilter,
    page: &PageParams,
) -> ApiResult<Page<ProductView>> {
    let limit = page.limit()?;
    let sort = filter.sort.unwrap_or_default();
    let mut q = scope::find::<products::Entity>(caller);
    if let Some(pid) = filter.pesantren_id {
        q = q.filter(products::Column::PesantrenId.eq(pid));
    }
    if let Some(c) = filter.category {
        q = q.filter(products::Column::Category.eq(c));
    }
    if let Some(s) = filter.status {
        q = q.filter(products::Column::Status.eq(s));
    }
    if let Some(f) = filter.is_flagship {
        q = q.filter(products::Column::IsFlagship.eq(f));
    }
    if let Some(f) = filter.flagship_requested {
        q = q.filter(products::Column::FlagshipRequested.eq(f));
    }
    if let Some(text) = filter.q.as_deref().filter(|t| !t.trim().is_empty()) {
        q = q.filter(
            Expr::col((products::Entity, products::Column::SearchName))
                .like(LikeExpr::new(crate::text::like_pattern(text)).escape('\\')),
        );
    }
    if let Some(cursor) = &page.cursor {
        let pos: Position = decode_cursor(cursor)?;
        if pos.s != sort.into() {
            return Err(ApiError::new(Code::CursorOtherOrder));
        }
        let bad = || ApiError::new(Code::CursorInvalid);
        q = match sort {
            ProductSort::Newest => q.filter(products::Column::Id.lt(pos.id)),
            ProductSort::Name => {
                let k = pos.k.as_str().ok_or_else(bad)?.to_string();
                q.filter(
                    Condition::any()
                        .add(products::Column::SearchName.gt(k.clone()))
                        .add(
                            Condition::all()
                                .add(products::Column::SearchName.eq(k))
                                .add(products::Column::Id.gt(pos.id)),
                        ),
                )
            }
            ProductSort::Price | ProductSort::PriceDesc => {
                let k = pos.k.as_i64().ok_or_else(bad)?;
                let beyond = if sort == ProductSort::Price {
                    price_key().gt(k)
                } else {
                    price_key().lt(k)
                };
                q.filter(
                    Condition::any().add(beyond).add(
                        Condition::all()
                            .add(price_key().eq(k))
                            .add(products::Column::Id.gt(pos.id)),
                    ),
                )
            }
        };
    }
    q = match sort {
        ProductSort::Newest => q.order_by_desc(products::Column::Id),
        ProductSort::Name => q
            .order_by_asc(products::Column::SearchName)
            .order_by_asc(products::Column::Id),
        ProductSort::Price => q
            .order_by_asc(price_key())
            .order_by_asc(products::Column::Id),
        ProductSort::PriceDesc => q
            .order_by_desc(price_key())
            .order_by_asc(products::Column::Id),
    };
    let mut rows = q
        .column_as(published_column(crate::publication::today()), PUBLISHED_NOW)
        .limit(limit + 1)
        .into_model::<Listed>()
        .all(db)
        .await?;
    let next_cursor = if rows.len() as u64 > limit {
        rows.truncate(limit as usize);
        rows.last().map(|Listed { product: p, .. }| {
            let k = match sort {
                ProductSort::Newest => serde_json::Value::Null,
                ProductSort::Name => serde_json::Value::String(p.search_name.clone()),
                ProductSort::Price | ProductSort::PriceDesc => {
                    serde_json::json!(p.price_idr.unwrap_or(NO_PRICE))
                }
            };
            encode_cursor(&Position {
                s: sort.into(),
                k,
                id: p.id,
            })
        })
    } else {
        None
    };
    Ok(Page {
        data: views_of(db, rows).await?,
        next_cursor,
    })
}
