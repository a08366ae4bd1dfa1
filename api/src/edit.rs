//! `PUT` and `PATCH` over a resource's own representation.
//!
//! A client may send back what it read (GET, change a field, PUT): the
//! fields of the representation that the input type does not take (`id`,
//! `status`, `version`, timestamps, review fields) are read-only, dropped
//! when unchanged and refused with a field error (`read_only`) when
//! changed. `PATCH` takes a JSON Merge Patch (RFC 7396): it is applied to
//! the current representation, and the result is read as a `PUT` would be,
//! so both go through the same validation, audit and feed rules.

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::PartialSchema;

use crate::error::{ApiError, ApiResult, Code, FieldCode, FieldError};
use crate::validation::{parse_value, Check};

/// A write to one resource, as the client sent it.
#[derive(Debug, Clone)]
pub enum Edit<I> {
    /// A body already typed (tools, the demo seed).
    Input(I),
    /// A `PUT` body: the whole writable state, possibly the representation.
    Replace(Value),
    /// A `PATCH` body: a JSON Merge Patch.
    Patch(Value),
}

impl<I: DeserializeOwned + Check + PartialSchema> Edit<I> {
    /// The input this edit comes to, given the resource's `current`
    /// representation: 422 with every bad field, read-only ones included.
    pub fn resolve(self, current: &impl Serialize) -> ApiResult<I> {
        self.resolve_with(current, |_, _| {})
    }

    /// [`Self::resolve`], with `prepare` applied to the body (the patched
    /// representation, for a `PATCH`) before it is read: for what a
    /// resource derives from other fields.
    pub fn resolve_with(
        self,
        current: &impl Serialize,
        prepare: impl Fn(&mut Value, &Value),
    ) -> ApiResult<I> {
        match self {
            Edit::Input(input) => Ok(input),
            Edit::Replace(mut body) => {
                let current = representation(current)?;
                prepare(&mut body, &current);
                replacement(body, &current)
            }
            Edit::Patch(patch) => {
                let current = representation(current)?;
                let mut merged = current.clone();
                merge_patch(&mut merged, patch);
                prepare(&mut merged, &current);
                replacement(merged, &current)
            }
        }
    }
}

fn representation(current: &impl Serialize) -> ApiResult<Value> {
    Ok(serde_json::to_value(current).map_err(anyhow::Error::from)?)
}

/// Applies an RFC 7396 merge patch to `target`: members of an object patch
/// replace, `null` removes, anything that is not an object replaces whole.
pub fn merge_patch(target: &mut Value, patch: Value) {
    let Value::Object(patch) = patch else {
        *target = patch;
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    if let Value::Object(map) = target {
        for (key, value) in patch {
            if value.is_null() {
                map.remove(&key);
            } else {
                merge_patch(map.entry(key).or_insert(Value::Null), value);
            }
        }
    }
}

/// The properties the input type `I` takes, from its schema.
fn writable<I: PartialSchema>() -> Vec<String> {
    use utoipa::openapi::schema::Schema;
    use utoipa::openapi::RefOr;
    match I::schema() {
        RefOr::T(Schema::Object(object)) => object.properties.keys().cloned().collect(),
        _ => Vec::new(),
    }
}

/// Reads `body` as `I`, after dropping the read-only fields of `current`
/// it repeats unchanged; a read-only field sent with another value is a
/// field error beside any other.
fn replacement<I: DeserializeOwned + Check + PartialSchema>(
    mut body: Value,
    current: &Value,
) -> ApiResult<I> {
    let writable = writable::<I>();
    let mut refused: Vec<FieldError> = Vec::new();
    if let (Value::Object(fields), Value::Object(now)) = (&mut body, current) {
        let read_only: Vec<String> = fields
            .keys()
            .filter(|k| !writable.contains(k) && now.contains_key(*k))
            .cloned()
            .collect();
        for key in read_only {
            let sent = fields.remove(&key).unwrap_or(Value::Null);
            if now.get(&key) != Some(&sent) {
                refused.push(FieldError::new(key, FieldCode::ReadOnly));
            }
        }
    }
    match parse_value::<I>(body) {
        Ok(input) if refused.is_empty() => Ok(input),
        Ok(input) => {
            let mut all = input.check();
            all.extend(refused);
            Err(ApiError::validation(all))
        }
        Err(e) if e.field_errors().is_empty() => Err(e),
        Err(e) => {
            let mut all = e.field_errors().to_vec();
            all.extend(refused);
            Err(ApiError::validation(all))
        }
    }
}

/// The schema of a merge patch of `input`: its properties, none required.
pub fn partial(
    input: utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
) -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    use utoipa::openapi::schema::Schema;
    use utoipa::openapi::RefOr;
    match input {
        RefOr::T(Schema::Object(mut object)) => {
            object.required.clear();
            RefOr::T(Schema::Object(object))
        }
        other => other,
    }
}

/// Declares `$name`, the documented body of a `PATCH` of `$input`: a JSON
/// Merge Patch of its fields, none of them required.
#[macro_export]
macro_rules! merge_patch_schema {
    ($(#[$doc:meta])* $name:ident, $input:ty) => {
        $(#[$doc])*
        pub struct $name;

        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                $crate::edit::partial(<$input as utoipa::PartialSchema>::schema())
            }
        }

        impl utoipa::ToSchema for $name {
            fn schemas(
                schemas: &mut Vec<(
                    String,
                    utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
                )>,
            ) {
                <$input as utoipa::ToSchema>::schemas(schemas);
            }
        }
    };
}

/// Refuses a write whose `If-Match` names another version than the current one.
pub fn check_version(expected: Option<i32>, current: i32) -> ApiResult<()> {
    match expected {
        Some(v) if v != current => {
            Err(ApiError::new(Code::RequestVersionMismatch).with("version", current))
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;
    use serde_json::json;
    use utoipa::ToSchema;
    use validator::Validate;

    use super::*;

    #[test]
    fn a_merge_patch_follows_rfc_7396() {
        // The examples of RFC 7396, appendix A.
        let cases = [
            (json!({"a": "b"}), json!({"a": "c"}), json!({"a": "c"})),
            (
                json!({"a": "b"}),
                json!({"b": "c"}),
                json!({"a": "b", "b": "c"}),
            ),
            (json!({"a": "b"}), json!({"a": null}), json!({})),
            (
                json!({"a": "b", "b": "c"}),
                json!({"a": null}),
                json!({"b": "c"}),
            ),
            (json!({"a": ["b"]}), json!({"a": "c"}), json!({"a": "c"})),
            (json!({"a": "c"}), json!({"a": ["b"]}), json!({"a": ["b"]})),
            (
                json!({"a": {"b": "c"}}),
                json!({"a": {"b": "d", "c": null}}),
                json!({"a": {"b": "d"}}),
            ),
            (
                json!({"a": [{"b": "c"}]}),
                json!({"a": [1]}),
                json!({"a": [1]}),
            ),
            (json!(["a", "b"]), json!(["c", "d"]), json!(["c", "d"])),
            (json!({"a": "b"}), json!(["c"]), json!(["c"])),
            (json!({"a": "foo"}), json!(null), json!(null)),
            (json!({"a": "foo"}), json!("bar"), json!("bar")),
            (
                json!({"e": null}),
                json!({"a": 1}),
                json!({"e": null, "a": 1}),
            ),
            (
                json!([1, 2]),
                json!({"a": "b", "c": null}),
                json!({"a": "b"}),
            ),
            (
                json!({}),
                json!({"a": {"bb": {"ccc": null}}}),
                json!({"a": {"bb": {}}}),
            ),
        ];
        for (target, patch, want) in cases {
            let mut got = target.clone();
            merge_patch(&mut got, patch.clone());
            assert_eq!(got, want, "{target} + {patch}");
        }
    }

    #[derive(Debug, Deserialize, Validate, ToSchema)]
    #[serde(deny_unknown_fields)]
    struct Input {
        #[validate(length(min = 1))]
        name: String,
        note: Option<String>,
    }
    crate::check_with_validator!(Input);

    #[derive(Serialize)]
    struct View {
        id: u32,
        name: String,
        note: Option<String>,
        version: i32,
    }

    fn current() -> View {
        View {
            id: 7,
            name: "Kopi".into(),
            note: None,
            version: 3,
        }
    }

    #[test]
    fn the_representation_can_be_sent_back_with_a_change() {
        let body = json!({"id": 7, "name": "Kopi Robusta", "note": null, "version": 3});
        let input: Input = Edit::Replace(body).resolve(&current()).unwrap();
        assert_eq!(input.name, "Kopi Robusta");
    }

    #[test]
    fn changing_a_read_only_field_is_refused_beside_other_errors() {
        let body = json!({"id": 8, "name": "", "version": 3});
        let err = Edit::<Input>::Replace(body)
            .resolve(&current())
            .unwrap_err();
        let fields: Vec<(&str, &str)> = err
            .field_errors()
            .iter()
            .map(|e| (e.field.as_str(), e.code.wire()))
            .collect();
        assert_eq!(fields, vec![("id", "read_only"), ("name", "length")]);
    }

    #[test]
    fn a_patch_changes_only_what_it_names() {
        let input: Input = Edit::Patch(json!({"note": "baru"}))
            .resolve(&current())
            .unwrap();
        assert_eq!(
            (input.name.as_str(), input.note.as_deref()),
            ("Kopi", Some("baru"))
        );
        let err = Edit::<Input>::Patch(json!({"version": 9}))
            .resolve(&current())
            .unwrap_err();
        assert_eq!(err.field_errors()[0].code, FieldCode::ReadOnly);
    }
}
