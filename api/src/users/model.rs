//! Request and response types of user accounts.

use entity::{users, Role};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

/// A user account, as answered (never with its password hash).
#[derive(Debug, Serialize, ToSchema)]
pub struct UserView {
    pub id: Uuid,
    #[schema(example = "kurator@opop.jatimprov.go.id")]
    pub email: String,
    #[schema(example = "Dr. Siti Rahmawati")]
    pub name: String,
    pub role: Role,
    /// Province of an admin or curator (`null`: all provinces), or of the
    /// pesantren of a manager or santri.
    #[schema(example = "35")]
    pub province_code: Option<String>,
    pub pesantren_id: Option<Uuid>,
    pub santri_id: Option<Uuid>,
    pub is_active: bool,
    pub last_login_at: Option<chrono::DateTime<chrono::Utc>>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
    pub version: i32,
}

impl From<users::Model> for UserView {
    fn from(u: users::Model) -> Self {
        Self {
            id: u.id,
            email: u.email,
            name: u.name,
            role: u.role,
            province_code: u.province_code,
            pesantren_id: u.pesantren_id,
            santri_id: u.santri_id,
            is_active: u.is_active,
            last_login_at: u.last_login_at,
            created_at: u.created_at,
            updated_at: u.updated_at,
            version: u.version,
        }
    }
}

/// A new user account.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUser {
    #[validate(email, length(max = 254))]
    #[schema(max_length = 254)]
    #[schema(example = "kurator@opop.jatimprov.go.id")]
    pub email: String,
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    #[schema(example = "Dr. Siti Rahmawati")]
    pub name: String,
    /// At least 10 characters.
    #[validate(length(min = 10, max = 1024, message = "field.length_min"))]
    #[schema(min_length = 10, max_length = 1024)]
    #[schema(example = "a-long-password")]
    pub password: String,
    pub role: Role,
    /// For `admin` and `curator`: the province they work in; omit for all
    /// provinces (national admins only). Derived for other roles.
    #[validate(custom(function = "crate::ids::validate_province_code"))]
    #[schema(pattern = r"^[0-9]{2}$")]
    #[schema(example = "35")]
    pub province_code: Option<String>,
    /// Required for `pesantren_manager`.
    pub pesantren_id: Option<Uuid>,
    /// Required for `santri`: the santri record the account belongs to.
    pub santri_id: Option<Uuid>,
}

/// Filters of the user list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserFilter {
    pub role: Option<Role>,
    pub pesantren_id: Option<Uuid>,
    pub is_active: Option<bool>,
}

crate::check_with_validator!(CreateUser);
