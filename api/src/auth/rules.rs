//! The write-time rules about who may do what to a row they can already
//! see (scope decides what they see, `policy` which routes they may call):
//! the one place each rule is written, so that every module that needs one
//! applies the same.

use entity::Role;
use uuid::Uuid;

use super::principal::Caller;
use crate::error::{ApiError, ApiResult, Code};

/// Staff of a province act in that province only: an admin (or curator)
/// with a `province_code` may not create, move or place anything into
/// another province. National staff (no province) may.
pub fn own_province(caller: &Caller, province: &str) -> ApiResult<()> {
    match caller.user().and_then(|u| u.province_code.as_deref()) {
        Some(own) if own != province => {
            Err(ApiError::new(Code::AuthOwnProvinceOnly).with("own", own))
        }
        _ => Ok(()),
    }
}

/// Four eyes: nobody reviews what they made or last changed, whatever
/// their role (an admin who adds a certificate, or rewrites a product's
/// description, leaves its review to someone else). `hands` are the
/// record's creator and last editor (and, for a certificate, its
/// product's); `refusal` names what is reviewed.
pub fn not_own_work(caller: &Caller, hands: &[Option<Uuid>], refusal: Code) -> ApiResult<()> {
    match caller.user_id() {
        Some(me) if hands.contains(&Some(me)) => Err(ApiError::new(refusal)),
        _ => Ok(()),
    }
}

/// The fields of their own record a santri may change.
pub const SANTRI_SELF_FIELDS: [&str; 3] = ["phone", "email", "address"];

/// Whether the caller may change these fields of a santri record in its
/// scope: admins and the pesantren's managers any field, the santri
/// themself only [`SANTRI_SELF_FIELDS`], curators none.
pub fn may_change_santri(caller: &Caller, changed: &[&str]) -> ApiResult<()> {
    match caller.role() {
        Some(Role::Admin | Role::PesantrenManager) => Ok(()),
        Some(Role::Santri) => {
            let others: Vec<&str> = changed
                .iter()
                .copied()
                .filter(|f| !SANTRI_SELF_FIELDS.contains(f))
                .collect();
            if others.is_empty() {
                Ok(())
            } else {
                Err(ApiError::new(Code::SantriSelfEditLimited).with("fields", others.join(", ")))
            }
        }
        _ => Err(ApiError::new(Code::SantriReadOnly)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::principal::{Principal, UserPrincipal};

    fn user(role: Role, province: Option<&str>) -> Caller {
        Caller {
            principal: Principal::User(UserPrincipal {
                id: Uuid::nil(),
                role,
                province_code: province.map(str::to_string),
                pesantren_id: None,
                santri_id: None,
            }),
            request_id: None,
            lang: Default::default(),
        }
    }

    #[test]
    fn provincial_staff_stay_in_their_province() {
        assert!(own_province(&user(Role::Admin, Some("35")), "35").is_ok());
        let refused = own_province(&user(Role::Admin, Some("35")), "32").unwrap_err();
        assert_eq!(refused.code(), Code::AuthOwnProvinceOnly);
        assert!(own_province(&user(Role::Admin, None), "32").is_ok());
    }

    #[test]
    fn nobody_reviews_their_own_work() {
        let me = user(Role::Curator, Some("35"));
        let err = not_own_work(&me, &[Some(Uuid::nil()), None], Code::ProductOwnWork).unwrap_err();
        assert_eq!(err.code(), Code::ProductOwnWork);
        // The last editor counts as much as the creator.
        let err = not_own_work(
            &me,
            &[Some(Uuid::max()), Some(Uuid::nil())],
            Code::ProductOwnWork,
        );
        assert!(err.is_err());
        assert!(not_own_work(&me, &[Some(Uuid::max())], Code::ProductOwnWork).is_ok());
        assert!(not_own_work(&me, &[None, None], Code::ProductOwnWork).is_ok());
    }

    #[test]
    fn a_santri_changes_only_their_contact_fields() {
        let santri = user(Role::Santri, Some("35"));
        assert!(may_change_santri(&santri, &["phone", "address"]).is_ok());
        let err = may_change_santri(&santri, &["phone", "name", "nik"]).unwrap_err();
        assert_eq!(err.code(), Code::SantriSelfEditLimited);
        assert!(err.detail(crate::i18n::Lang::En).contains("name, nik"));
        assert!(may_change_santri(&user(Role::PesantrenManager, None), &["nik"]).is_ok());
        assert_eq!(
            may_change_santri(&user(Role::Curator, Some("35")), &[])
                .unwrap_err()
                .code(),
            Code::SantriReadOnly
        );
    }
}
