//! Every problem code and every field-message code of the API. A code is
//! part of the contract: clients switch on it, so one is never renamed or
//! reused for another meaning. Texts are in `i18n/texts.rs`, looked up by
//! the same string.

use super::Kind;

macro_rules! codes {
    ($($name:ident = $code:literal => $kind:ident,)*) => {
        /// The code of a problem: decides its status ([`Kind`]) and names
        /// its texts.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Code {
            $($name,)*
        }

        impl Code {
            pub const ALL: &'static [Code] = &[$(Code::$name,)*];

            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Code::$name => $code,)*
                }
            }

            pub const fn kind(self) -> Kind {
                match self {
                    $(Code::$name => Kind::$kind,)*
                }
            }
        }
    };
}

macro_rules! field_codes {
    ($($name:ident = $code:literal => $wire:literal,)*) => {
        /// The message of an invalid field, and the short `code` the field
        /// error carries on the wire (`required`, `format`, `range`, …).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum FieldCode {
            $($name,)*
        }

        impl FieldCode {
            pub const ALL: &'static [FieldCode] = &[$(FieldCode::$name,)*];

            pub const fn as_str(self) -> &'static str {
                match self {
                    $(FieldCode::$name => $code,)*
                }
            }

            /// The `code` of the field error on the wire.
            pub const fn wire(self) -> &'static str {
                match self {
                    $(FieldCode::$name => $wire,)*
                }
            }

            /// The code named by `key` (`field.required`), as `validator`
            /// attributes carry it in their `message`.
            pub fn from_key(key: &str) -> Option<FieldCode> {
                match key {
                    $($code => Some(FieldCode::$name),)*
                    _ => None,
                }
            }
        }
    };
}

codes! {
    // The request itself.
    RequestNotFound = "request.not_found" => NotFound,
    RequestMethodNotAllowed = "request.method_not_allowed" => MethodNotAllowed,
    RequestNotAcceptable = "request.not_acceptable" => NotAcceptable,
    RequestFailed = "request.failed" => BadRequest,
    RequestNotJson = "request.not_json" => BadRequest,
    RequestBodyRequired = "request.body_required" => BadRequest,
    RequestBodyUnreadable = "request.body_unreadable" => BadRequest,
    RequestTooLarge = "request.too_large" => PayloadTooLarge,
    RequestTooLargeLimit = "request.too_large_limit" => PayloadTooLarge,
    RequestJsonOnly = "request.json_only" => UnsupportedMediaType,
    RequestPatchMediaType = "request.patch_media_type" => UnsupportedMediaType,
    RequestPathInvalid = "request.path_invalid" => BadRequest,
    RequestQueryInvalid = "request.query_invalid" => BadRequest,
    RequestInvalid = "request.invalid" => Validation,
    RequestIfMatchInvalid = "request.if_match_invalid" => BadRequest,
    RequestVersionMismatch = "request.version_mismatch" => PreconditionFailed,
    RequestRateLimited = "request.rate_limited" => TooManyRequests,
    RequestTimedOut = "request.timed_out" => TimedOut,
    CursorInvalid = "cursor.invalid" => BadRequest,
    CursorOtherOrder = "cursor.other_order" => BadRequest,
    IdempotencyKeyMissing = "idempotency.key_missing" => BadRequest,
    IdempotencyKeyInvalid = "idempotency.key_invalid" => BadRequest,
    IdempotencyInProgress = "idempotency.in_progress" => Conflict,
    // The server and its database.
    Internal = "server.internal" => Internal,
    DatabaseUnavailable = "server.database_unavailable" => Unavailable,
    UniqueTaken = "server.unique_taken" => Conflict,
    ReferenceConflict = "server.reference_conflict" => Conflict,
    MetricsTokenInvalid = "server.metrics_token_invalid" => Unauthorized,
    // Who is calling.
    AuthTokenInvalid = "auth.token_invalid" => Unauthorized,
    AuthRoleForbidden = "auth.role_forbidden" => Forbidden,
    AuthBadCredentials = "auth.bad_credentials" => Unauthorized,
    AuthBadClient = "auth.bad_client" => Unauthorized,
    AuthRefreshInvalid = "auth.refresh_invalid" => Unauthorized,
    AuthRefreshReused = "auth.refresh_reused" => Unauthorized,
    AuthPesantrenUnverified = "auth.pesantren_unverified" => Forbidden,
    AuthLocked = "auth.locked" => TooManyRequests,
    AuthOwnProvinceOnly = "auth.own_province_only" => Forbidden,
    // Users and partners.
    UserNotFound = "user.not_found" => NotFound,
    UserEmailTaken = "user.email_taken" => Conflict,
    UserNoProfile = "user.no_profile" => Forbidden,
    UserSelfDeactivation = "user.self_deactivation" => Conflict,
    PartnerCodeTaken = "partner.code_taken" => Conflict,
    PartnerNationalOnly = "partner.national_only" => Forbidden,
    // Regions.
    RegionNotFound = "region.not_found" => NotFound,
    // The register.
    PesantrenNotFound = "pesantren.not_found" => NotFound,
    PesantrenNsppTaken = "pesantren.nspp_taken" => Conflict,
    PesantrenStateConflict = "pesantren.state_conflict" => Conflict,
    PesantrenMoveForbidden = "pesantren.move_forbidden" => Forbidden,
    RegistrationThrottled = "registration.throttled" => TooManyRequests,
    SantriNotFound = "santri.not_found" => NotFound,
    SantriNikTaken = "santri.nik_taken" => Conflict,
    SantriSelfEditLimited = "santri.self_edit_limited" => Forbidden,
    SantriReadOnly = "santri.read_only" => Forbidden,
    SantriHasAccount = "santri.has_account" => Conflict,
    SantriErased = "santri.erased" => Conflict,
    SantriNoConsent = "santri.no_consent" => Conflict,
    KoperasiNotFound = "koperasi.not_found" => NotFound,
    KoperasiOnePerPesantren = "koperasi.one_per_pesantren" => Conflict,
    KoperasiAlreadyExists = "koperasi.already_exists" => Conflict,
    KoperasiNibTaken = "koperasi.nib_taken" => Conflict,
    // Products and their certificates.
    ProductNotFound = "product.not_found" => NotFound,
    ProductSkuTaken = "product.sku_taken" => Conflict,
    ProductStateConflict = "product.state_conflict" => Conflict,
    ProductIncomplete = "product.incomplete" => Validation,
    ProductOwnWork = "product.own_work" => Forbidden,
    VariantSkuTaken = "variant.sku_taken" => Conflict,
    CertificationNotFound = "certification.not_found" => NotFound,
    CertificationTaken = "certification.taken" => Conflict,
    CertificationStateConflict = "certification.state_conflict" => Conflict,
    CertificationExpired = "certification.expired" => Conflict,
    CertificationOwnWork = "certification.own_work" => Forbidden,
    ImageNotFound = "image.not_found" => NotFound,
    ImageTooMany = "image.too_many" => Conflict,
    ImageTooLarge = "image.too_large" => PayloadTooLarge,
    ImageNotAnImage = "image.not_an_image" => UnsupportedMediaType,
    ImageNotMultipart = "image.not_multipart" => UnsupportedMediaType,
    ImageMultipartUnreadable = "image.multipart_unreadable" => BadRequest,
    ImageOnePart = "image.one_part" => BadRequest,
    ImageProductChanged = "image.product_changed" => Conflict,
    ImageTooManyPixels = "image.too_many_pixels" => Unprocessable,
    // The catalogue and its partners.
    CatalogProductNotFound = "catalog.product_not_found" => NotFound,
    FeedCursorAhead = "feed.cursor_ahead" => BadRequest,
    ListingNotFound = "listing.not_found" => NotFound,
    ListingConcurrent = "listing.concurrent" => Conflict,
    OrderNotFound = "order.not_found" => NotFound,
    OrderStockShort = "order.stock_short" => Conflict,
    OrderAlreadyReported = "order.already_reported" => Conflict,
    WebhookNotFound = "webhook.not_found" => NotFound,
    WebhookConcurrent = "webhook.concurrent" => Conflict,
    WebhookCursorPastEnd = "webhook.cursor_past_end" => BadRequest,
    // The programme.
    ProductFlagshipNotApproved = "product.flagship_not_approved" => Conflict,
    ActivityNotFound = "activity.not_found" => NotFound,
    ActivityStateConflict = "activity.state_conflict" => Conflict,
    ActivityNotOpen = "activity.not_open" => Conflict,
    ActivityRegistrationClosed = "activity.registration_closed" => Conflict,
    ActivityFull = "activity.full" => Conflict,
    ActivityCapacityBelowEnrolled = "activity.capacity_below_enrolled" => Conflict,
    ActivityFinished = "activity.finished" => Conflict,
    ParticipantNotFound = "participant.not_found" => NotFound,
    ParticipantAlreadyEnrolled = "participant.already_enrolled" => Conflict,
    ParticipantAttendanceTooEarly = "participant.attendance_too_early" => Conflict,
    DealNotFound = "deal.not_found" => NotFound,
    DealActivityKind = "deal.activity_kind" => Unprocessable,
    DealAlreadyConfirmed = "deal.already_confirmed" => Conflict,
    AssignmentNotFound = "assignment.not_found" => NotFound,
    AssignmentOverlaps = "assignment.overlaps" => Conflict,
    MentoringSessionNotFound = "mentoring_session.not_found" => NotFound,
    TargetNotFound = "target.not_found" => NotFound,
    EnterpriseNotFound = "enterprise.not_found" => NotFound,
    EnterpriseNotAlumnus = "enterprise.not_alumnus" => Conflict,
    // Competitions.
    CompetitionNotFound = "competition.not_found" => NotFound,
    CompetitionStateConflict = "competition.state_conflict" => Conflict,
    CompetitionStagesLeft = "competition.stages_left" => Conflict,
    CompetitionNotOpen = "competition.not_open" => Conflict,
    CompetitionEntriesClosed = "competition.entries_closed" => Conflict,
    CompetitionNotJudging = "competition.not_judging" => Conflict,
    CompetitionStageMoved = "competition.stage_moved" => Conflict,
    CompetitionStagesDone = "competition.stages_done" => Conflict,
    CompetitionStageUndecided = "competition.stage_undecided" => Conflict,
    CompetitionAreaWithoutNominee = "competition.area_without_nominee" => Conflict,
    EntryNotFound = "entry.not_found" => NotFound,
    EntryAlreadyEntered = "entry.already_entered" => Conflict,
    EntryDecided = "entry.decided" => Conflict,
    EntryNotAtStage = "entry.not_at_stage" => Conflict,
    EntryAreaNominee = "entry.area_nominee" => Conflict,
    ScoreAlreadyGiven = "score.already_given" => Conflict,
    ScoreJurorMentors = "score.juror_mentors" => Forbidden,
    ScoreJurorCreatedProducts = "score.juror_created_products" => Forbidden,
    AwardNotFound = "award.not_found" => NotFound,
    AwardTooEarly = "award.too_early" => Conflict,
    AwardNotFinalist = "award.not_finalist" => Conflict,
    AwardAlreadyGiven = "award.already_given" => Conflict,
    AwardRankTaken = "award.rank_taken" => Conflict,
    AwardOverGrant = "award.over_grant" => Conflict,
}

field_codes! {
    // Shape.
    Required = "field.required" => "required",
    Unknown = "field.unknown" => "unknown",
    ReadOnly = "field.read_only" => "read_only",
    Duplicate = "field.duplicate" => "duplicate",
    OneOf = "field.one_of" => "type",
    TypeString = "field.type_string" => "type",
    TypeInteger = "field.type_integer" => "type",
    TypeNumber = "field.type_number" => "type",
    TypeBoolean = "field.type_boolean" => "type",
    TypeArray = "field.type_array" => "type",
    TypeObject = "field.type_object" => "type",
    TypeUuid = "field.type_uuid" => "type",
    TypeDate = "field.type_date" => "type",
    TypeInvalid = "field.type_invalid" => "type",
    IntegerTooLarge = "field.integer_too_large" => "range",
    // Sizes and ranges.
    LengthBetween = "field.length_between" => "length",
    LengthMin = "field.length_min" => "length",
    LengthMax = "field.length_max" => "length",
    LengthExact = "field.length_exact" => "length",
    ItemsBetween = "field.items_between" => "length",
    ItemsMax = "field.items_max" => "length",
    RangeBetween = "field.range_between" => "range",
    RangeMin = "field.range_min" => "range",
    RangeMax = "field.range_max" => "range",
    RangeRupiah = "field.range_rupiah" => "range",
    RangeGrams = "field.range_grams" => "range",
    RangeCm = "field.range_cm" => "range",
    RangeDays = "field.range_days" => "range",
    NotNegative = "field.not_negative" => "range",
    NotInFuture = "field.not_in_future" => "range",
    NotBefore = "field.not_before" => "range",
    NotBeforeBirthYear = "field.not_before_birth_year" => "range",
    OrderBelowMinimum = "field.order_below_minimum" => "range",
    // Formats.
    Email = "field.email" => "email",
    Url = "field.url" => "url",
    HttpsUrl = "field.https_url" => "url",
    ImageUrls = "field.image_urls" => "url",
    Nspp = "field.nspp" => "format",
    Nib = "field.nib" => "format",
    Nik = "field.nik" => "format",
    Phone = "field.phone" => "format",
    ProvinceCode = "field.province_code" => "format",
    RegencyCode = "field.regency_code" => "format",
    DistrictCode = "field.district_code" => "format",
    WithinProvince = "field.within_province" => "parent",
    WithinRegency = "field.within_regency" => "parent",
    // Region codes well formed but not in the Kemendagri data set.
    NoSuchRegency = "field.no_such_regency" => "format",
    NoSuchDistrict = "field.no_such_district" => "format",
    NikNoSuchDistrict = "field.nik_no_such_district" => "format",
    RegionParent = "field.region_parent" => "format",
    Sku = "field.sku" => "format",
    PartnerCode = "field.partner_code" => "format",
    NoControlCharacters = "field.no_control_characters" => "format",
    HalalNumber = "field.halal_number" => "format",
    PirtNumber = "field.pirt_number" => "format",
    BpomNumber = "field.bpom_number" => "format",
    FeedCursor = "field.feed_cursor" => "format",
    // The register's rules.
    NikGender = "field.nik_gender" => "mismatch",
    NikBirthDate = "field.nik_birth_date" => "mismatch",
    GuardianRequired = "field.guardian_required" => "required",
    ConsentRequired = "field.consent_required" => "required",
    RepeatedUnit = "field.repeated_unit" => "duplicate",
    NoSuchPesantren = "field.no_such_pesantren" => "invalid",
    NoSuchSantri = "field.no_such_santri" => "invalid",
    NoSuchKoperasi = "field.no_such_koperasi" => "invalid",
    OmitForStaff = "field.omit_for_staff" => "invalid",
    RequiredForManager = "field.required_for_manager" => "required",
    RequiredForSantri = "field.required_for_santri" => "required",
    // Products.
    RequiredForFood = "field.required_for_food" => "required",
    RequiredWith = "field.required_with" => "required",
    SetPerVariant = "field.set_per_variant" => "not_allowed",
    VariantRequired = "field.variant_required" => "required",
    VariantNotAllowed = "field.variant_not_allowed" => "not_allowed",
    NoSuchVariant = "field.no_such_variant" => "invalid",
    OptionCount = "field.option_count" => "length",
    OptionNames = "field.option_names" => "format",
    VariantCount = "field.variant_count" => "length",
    VariantValues = "field.variant_values" => "format",
    VariantCombination = "field.variant_combination" => "duplicate",
    VariantSkuRepeated = "field.variant_sku_repeated" => "duplicate",
    SentTwice = "field.sent_twice" => "duplicate",
    SkuTakenByVariant = "field.sku_taken_by_variant" => "taken",
    SkuTaken = "field.sku_taken" => "taken",
    ImageOrder = "field.image_order" => "set",
    ImageSource = "field.image_source" => "source",
    BatchRepeated = "field.batch_repeated" => "duplicate",
    FileRequired = "field.file_required" => "required",
    AttributesSize = "field.attributes_size" => "length",
    // Requests with a key.
    KeyReused = "field.key_reused" => "reused",
    // Webhook targets.
    WebhookUrlAbsolute = "field.webhook_url_absolute" => "format",
    WebhookUrlScheme = "field.webhook_url_scheme" => "scheme",
    WebhookUrlCredentials = "field.webhook_url_credentials" => "format",
    WebhookUrlHost = "field.webhook_url_host" => "format",
    WebhookUrlAddress = "field.webhook_url_address" => "address",
    WebhookUrlResolvesPrivate = "field.webhook_url_resolves_private" => "address",
    WebhookUrlUnresolvable = "field.webhook_url_unresolvable" => "unresolvable",
    // The programme.
    NotAfter = "field.not_after" => "range",
    NotAMentor = "field.not_a_mentor" => "invalid",
    MentorOtherProvince = "field.mentor_other_province" => "invalid",
    NotOfPesantren = "field.not_of_pesantren" => "invalid",
    NoSuchProduct = "field.no_such_product" => "invalid",
    TooFarAhead = "field.too_far_ahead" => "range",
    // Competitions.
    NameToken = "field.name_token" => "format",
    PesantrenNotVerified = "field.pesantren_not_verified" => "invalid",
    DistrictRequired = "field.district_required" => "required",
}
