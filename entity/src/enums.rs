//! Enumerations stored as strings. Each one is also an OpenAPI schema, so the
//! document lists the allowed values exactly as the database holds them.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

// `$value:tt`, not `:literal`: a `literal` fragment reaches the derives
// wrapped in an invisible group, which utoipa skips, so the document listed
// the variant names (`Admin`) instead of the values sent (`admin`).
macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $value:tt),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize, ToSchema)]
        #[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
        pub enum $name {
            $(
                $(#[$vmeta])*
                #[sea_orm(string_value = $value)]
                #[serde(rename = $value)]
                $variant,
            )+
        }

        impl $name {
            /// The value as stored and as serialised.
            pub fn as_str(&self) -> &'static str {
                match self { $(Self::$variant => $value,)+ }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

string_enum! {
    /// What a user account may do; partners are machine clients, not users.
    Role {
        /// Provincial OPOP secretariat / cooperatives office.
        Admin = "admin",
        /// Kurator or mentor: reviews products, verifies certifications.
        Curator = "curator",
        /// Staff of one pesantren.
        PesantrenManager = "pesantren_manager",
        /// A student or alumnus, bound to their own santri record.
        Santri = "santri",
        /// Pendamping: a (campus) business mentor, who sees the pesantren
        /// assigned to them and records mentoring sessions on them.
        Mentor = "mentor",
    }
}

string_enum! {
    /// Where a pesantren stands in the programme.
    PesantrenStatus {
        /// Registered online, waiting for the secretariat's check.
        Registered = "registered",
        /// Checked by the secretariat; its products may be published.
        Verified = "verified",
        /// Taken out of the programme; nothing of it is public.
        Suspended = "suspended",
    }
}

string_enum! {
    /// Gender as recorded by Dukcapil: `L` (laki-laki) or `P` (perempuan).
    Gender {
        L = "L",
        P = "P",
    }
}

string_enum! {
    /// Whether a santri still studies at the pesantren.
    SantriStatus {
        Active = "active",
        Alumni = "alumni",
    }
}

string_enum! {
    /// How a parent or guardian gave consent for a minor's data.
    ConsentMethod {
        /// A signed paper form, kept by the pesantren.
        WrittenForm = "written_form",
        /// Given in person to the pesantren's staff.
        InPerson = "in_person",
        /// Through a digital form or message.
        Digital = "digital",
    }
}

string_enum! {
    /// Product category; food, beverage, herbal and cosmetics need a halal certificate.
    ProductCategory {
        Food = "food",
        Beverage = "beverage",
        Herbal = "herbal",
        Cosmetics = "cosmetics",
        Fashion = "fashion",
        Craft = "craft",
        Agriculture = "agriculture",
        Other = "other",
    }
}

impl ProductCategory {
    /// Products eaten, drunk or put on the skin need a valid halal certificate
    /// before they are published.
    pub fn requires_halal(&self) -> bool {
        matches!(
            self,
            Self::Food | Self::Beverage | Self::Herbal | Self::Cosmetics
        )
    }
}

string_enum! {
    /// Curation state of a product.
    ProductStatus {
        Draft = "draft",
        InReview = "in_review",
        Approved = "approved",
        Rejected = "rejected",
        Unlisted = "unlisted",
    }
}

string_enum! {
    /// Condition of the goods, as marketplaces ask for it.
    ProductCondition {
        New = "new",
        Used = "used",
    }
}

string_enum! {
    /// Kind of certificate.
    CertificationType {
        /// Halal certificate from BPJPH (formerly MUI).
        Halal = "halal",
        /// Home-industry food permit (P-IRT), 15 digits.
        Pirt = "pirt",
        /// BPOM registration (`MD`/`ML` + 12 digits, `NA` for cosmetics).
        Bpom = "bpom",
        /// Indonesian National Standard.
        Sni = "sni",
        /// Trademark (merek) registration.
        Haki = "haki",
    }
}

string_enum! {
    /// Review state of a certification.
    CertificationStatus {
        Pending = "pending",
        Verified = "verified",
        Rejected = "rejected",
    }
}

string_enum! {
    /// Kind of event in the catalogue change feed.
    ChangeOp {
        Upsert = "upsert",
        Delete = "delete",
    }
}

string_enum! {
    /// Who performed an audited change.
    ActorType {
        User = "user",
        Partner = "partner",
        Anonymous = "anonymous",
        System = "system",
    }
}

string_enum! {
    /// What kind of programme activity.
    ActivityKind {
        /// Pelatihan: managerial, production or sharia-finance training.
        Training = "training",
        /// Magang: an internship.
        Internship = "internship",
        /// Santri OPOP Camp and similar camps.
        Camp = "camp",
        /// OPOP Expo, online or offline.
        Expo = "expo",
        /// Temu bisnis: pesantren meet buyers and sign deals.
        BusinessMatching = "business_matching",
        /// Klinik pendampingan: group mentoring.
        MentoringClinic = "mentoring_clinic",
    }
}

impl ActivityKind {
    /// Activities at which deals are made and recorded.
    pub fn takes_deals(&self) -> bool {
        matches!(self, Self::Expo | Self::BusinessMatching)
    }

    /// Activities whose attending santri count as trained.
    pub fn trains(&self) -> bool {
        matches!(
            self,
            Self::Training | Self::Internship | Self::Camp | Self::MentoringClinic
        )
    }
}

string_enum! {
    /// Where an activity stands.
    ActivityStatus {
        /// Announced internally; nobody can enrol yet.
        Planned = "planned",
        /// Enrolment is open.
        Open = "open",
        /// Enrolment has closed; the activity has not finished.
        Closed = "closed",
        /// Held and finished.
        Done = "done",
        /// Called off.
        Cancelled = "cancelled",
    }
}

string_enum! {
    /// Who is buying in a deal.
    BuyerKind {
        /// A company that buys the production (off-taker).
        Offtaker = "offtaker",
        Retailer = "retailer",
        Marketplace = "marketplace",
        Government = "government",
        Export = "export",
        Other = "other",
    }
}

string_enum! {
    /// What was agreed in a deal.
    DealKind {
        /// Goods sold on the spot.
        Transaction = "transaction",
        /// A signed supply contract.
        Contract = "contract",
        /// A commitment (letter of intent) to buy.
        Commitment = "commitment",
    }
}

string_enum! {
    /// Whether a deal counts yet.
    DealStatus {
        /// Reported by the pesantren; not counted until staff confirm it.
        Reported = "reported",
        /// Confirmed (or recorded) by staff; counted.
        Confirmed = "confirmed",
    }
}

string_enum! {
    /// What an alumnus's enterprise is for.
    EnterpriseKind {
        /// A social enterprise with the community (sociopreneur).
        Social = "social",
        /// A business.
        Business = "business",
    }
}

string_enum! {
    /// Where a competition (audisi) stands.
    CompetitionStatus {
        /// Being prepared by the secretariat; not visible to pesantren.
        Draft = "draft",
        /// Taking entries until `entries_close_on`.
        Open = "open",
        /// Entries are closed; jurors score, stage by stage.
        Judging = "judging",
        /// Every stage is over; awards are public.
        Closed = "closed",
    }
}

string_enum! {
    /// Where an entry stands in its competition.
    EntryStatus {
        /// Still competing at its current `stage`.
        Active = "active",
        /// Eliminated at its current `stage`, with a reason.
        Eliminated = "eliminated",
        /// Advanced out of the last stage: may receive an award.
        Finalist = "finalist",
    }
}

string_enum! {
    /// What a review history row is about.
    ReviewedResource {
        Product = "product",
        Certification = "certification",
        Pesantren = "pesantren",
    }
}

string_enum! {
    /// A decision kept in a review history.
    ReviewDecision {
        /// A product's pesantren sent it to curation.
        Submit = "submit",
        /// A curator or admin approved a product.
        Approve = "approve",
        /// A curator or admin rejected a product or a certificate, with a reason.
        Reject = "reject",
        /// A product's pesantren took it out of the catalogue.
        Unlist = "unlist",
        /// A product's pesantren put it back.
        Relist = "relist",
        /// A curator awarded a product flagship status.
        Flagship = "flagship",
        /// A curator withdrew a product's flagship status.
        WithdrawFlagship = "withdraw_flagship",
        /// A curator or admin verified a certificate, or an admin a pesantren.
        Verify = "verify",
        /// An admin suspended a pesantren, perhaps with a reason.
        Suspend = "suspend",
    }
}
