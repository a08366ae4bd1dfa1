//! Reading request bodies and query strings into their types with every bad
//! field or parameter reported at once, and turning `validator`'s errors
//! into [`FieldError`]s.
//!
//! serde stops at the first field it cannot read. To still answer every bad
//! field in one 422, [`parse_value`] notes that field, puts a stand-in of the
//! right type where it was (or removes it, for an unknown field), and reads
//! again; once the body reads, the type's own rules ([`Check`]) judge the
//! other fields, and their verdicts on the stand-ins are dropped.

use std::borrow::Cow;

use serde::de::DeserializeOwned;
use serde_json::Value;
use validator::{ValidationError, ValidationErrors, ValidationErrorsKind};

use crate::error::{ApiError, Code, FieldCode, FieldError};

/// A request body's own rules: every failing field, including the rules
/// that compare fields.
pub trait Check {
    fn check(&self) -> Vec<FieldError>;

    /// The rules, on a body whose fields `stand_ins` were not readable and
    /// hold stand-ins (see [`parse_value`]): a type whose rule for one field
    /// depends on another overrides this, so as not to judge a field by a
    /// stand-in.
    fn check_besides(&self, stand_ins: &[String]) -> Vec<FieldError> {
        let _ = stand_ins;
        self.check()
    }
}

/// Implements [`Check`] for types whose rules are all `validator` attributes.
#[macro_export]
macro_rules! check_with_validator {
    ($($t:ty),* $(,)?) => {$(
        impl $crate::validation::Check for $t {
            fn check(&self) -> Vec<$crate::error::FieldError> {
                $crate::validation::validator_errors(validator::Validate::validate(self))
            }
        }
    )*};
}

/// Implements [`Check`] for types whose fields need no rule beyond their type.
#[macro_export]
macro_rules! check_nothing {
    ($($t:ty),* $(,)?) => {$(
        impl $crate::validation::Check for $t {
            fn check(&self) -> Vec<$crate::error::FieldError> {
                Vec::new()
            }
        }
    )*};
}

/// Answers 422 with every failing field of `value`.
pub fn validate(value: &impl Check) -> Result<(), ApiError> {
    ApiError::check(value.check())
}

/// A `validator` error carrying `code` as its message key.
pub fn invalid(code: FieldCode) -> ValidationError {
    ValidationError::new(code.wire()).with_message(Cow::Borrowed(code.as_str()))
}

/// The failing fields of a `validator` result.
pub fn validator_errors(result: Result<(), ValidationErrors>) -> Vec<FieldError> {
    match result {
        Ok(()) => Vec::new(),
        Err(e) => field_errors(&e),
    }
}

/// Every failing field, flattened to dotted paths (`manager.email`,
/// `items[3].stock`), sorted so answers are stable.
pub fn field_errors(errors: &ValidationErrors) -> Vec<FieldError> {
    let mut out = Vec::new();
    collect(errors, "", &mut out);
    out.sort_by(|a, b| a.field.cmp(&b.field));
    out
}

fn collect(errors: &ValidationErrors, prefix: &str, out: &mut Vec<FieldError>) {
    for (field, kind) in errors.errors() {
        let path = if prefix.is_empty() {
            field.to_string()
        } else {
            format!("{prefix}.{field}")
        };
        match kind {
            ValidationErrorsKind::Field(list) => {
                out.extend(list.iter().map(|e| from_validator(&path, e)));
            }
            ValidationErrorsKind::Struct(inner) => collect(inner, &path, out),
            ValidationErrorsKind::List(items) => {
                for (i, inner) in items {
                    collect(inner, &format!("{path}[{i}]"), out);
                }
            }
        }
    }
}

fn param(e: &ValidationError, name: &str) -> Option<i64> {
    match e.params.get(name)? {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f.round() as i64)),
        _ => None,
    }
}

/// One `validator` error as a field error: the message key when the rule
/// names one (`message = "field.range_grams"`), otherwise the one its kind
/// and bounds call for; the bounds become the message's arguments.
fn from_validator(path: &str, e: &ValidationError) -> FieldError {
    let (min, max, equal) = (param(e, "min"), param(e, "max"), param(e, "equal"));
    let named = e.message.as_deref().and_then(FieldCode::from_key);
    let code = named.unwrap_or(match (e.code.as_ref(), min, max, equal) {
        ("length", _, _, Some(_)) => FieldCode::LengthExact,
        ("length", Some(_), Some(_), _) => FieldCode::LengthBetween,
        ("length", Some(_), None, _) => FieldCode::LengthMin,
        ("length", None, _, _) => FieldCode::LengthMax,
        ("range", Some(_), Some(_), _) => FieldCode::RangeBetween,
        ("range", Some(_), None, _) => FieldCode::RangeMin,
        ("range", None, _, _) => FieldCode::RangeMax,
        ("email", ..) => FieldCode::Email,
        ("url", ..) => FieldCode::Url,
        ("required", ..) => FieldCode::Required,
        _ => FieldCode::TypeInvalid,
    });
    let mut error = FieldError::new(path, code);
    for (name, value) in [("min", min), ("max", max), ("equal", equal)] {
        if let Some(v) = value {
            error = error.with(name, v);
        }
    }
    error
}

/// Reads a JSON body: 400 when it is not JSON, 422 naming every bad field
/// when it is JSON of the wrong shape or fails `T`'s rules. The rules run
/// here only when the shape was wrong (to list everything in one answer);
/// the domain functions run them on a body that reads.
pub fn parse<T: DeserializeOwned + Check>(bytes: &[u8]) -> Result<T, ApiError> {
    let value: Value = serde_json::from_slice(bytes).map_err(not_json)?;
    parse_value(value)
}

/// The 400 for text that is not a JSON document.
pub fn not_json(e: serde_json::Error) -> ApiError {
    ApiError::new(Code::RequestNotJson)
        .with("line", e.line())
        .with("column", e.column())
}

/// Reads a query string into `T`; when it cannot be read, 400 with one
/// field error per parameter at fault.
pub fn parse_query<T: DeserializeOwned>(query: &str) -> Result<T, ApiError> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query)
        .map_err(|_| ApiError::new(Code::RequestQueryInvalid).with("count", 1))?;
    serde_urlencoded::from_str::<T>(query).map_err(|_| {
        // One at a time: `serde_urlencoded` says what is wrong but not where.
        let mut errors: Vec<FieldError> = Vec::new();
        for (name, value) in &pairs {
            let single = serde_urlencoded::to_string([(name, value)]).unwrap_or_default();
            if let Err(e) = serde_urlencoded::from_str::<T>(&single) {
                if let Some(error) = query_field_error(name, &e.to_string()) {
                    errors.push(error);
                }
            }
        }
        if errors.is_empty() {
            errors.push(FieldError::new("query", FieldCode::TypeInvalid));
        }
        errors.sort_by(|a, b| a.field.cmp(&b.field));
        errors.dedup_by(|a, b| a.field == b.field);
        ApiError::with_fields(Code::RequestQueryInvalid, errors)
    })
}

/// The error a lone `name=value` gets, unless the value is fine alone (the
/// error was about another parameter, or a missing one).
fn query_field_error(name: &str, message: &str) -> Option<FieldError> {
    if message.starts_with("missing field") {
        return None;
    }
    if message.starts_with("unknown variant") {
        let allowed = allowed_list(&expected_names(message));
        return Some(FieldError::new(name, FieldCode::OneOf).with("allowed", allowed));
    }
    let code = if message.contains("invalid digit") || message.contains("number too") {
        FieldCode::TypeInteger
    } else if message.contains("invalid float") {
        FieldCode::TypeNumber
    } else if message.contains("provided string was not") || message.contains("bool") {
        FieldCode::TypeBoolean
    } else if ["UUID", "uuid", "hyphenated", "simple format"]
        .iter()
        .any(|w| message.contains(w))
    {
        FieldCode::TypeUuid
    } else if message.contains("input") {
        FieldCode::TypeDate
    } else {
        FieldCode::TypeInvalid
    };
    Some(FieldError::new(name, code))
}

/// Most fields one answer reports; a body with more bad fields than this
/// gets the first ones.
const MAX_REPORTED: usize = 100;

/// [`parse`] for a document already read.
pub fn parse_value<T: DeserializeOwned + Check>(mut value: Value) -> Result<T, ApiError> {
    let mut errors: Vec<FieldError> = Vec::new();
    let mut replaced: Vec<String> = Vec::new();
    loop {
        let e = match serde_path_to_error::deserialize::<_, T>(&value) {
            Ok(parsed) if errors.is_empty() => return Ok(parsed),
            Ok(parsed) => {
                let stand_in = |field: &str| replaced.iter().any(|r| covers(r, field));
                errors.extend(
                    parsed
                        .check_besides(&replaced)
                        .into_iter()
                        .filter(|e| !stand_in(&e.field)),
                );
                return Err(ApiError::validation(errors));
            }
            Err(e) => e,
        };
        let segments: Vec<Segment> = e.path().iter().map(Segment::from).collect();
        let message = e.inner().to_string();
        let fault = classify(&segments, &message);
        let field = fault.path.clone();
        // Inside a stand-in (an object put for a missing one) nothing more is
        // the client's fault.
        let inside_stand_in = replaced.iter().any(|r| covers(r, &field));
        if !inside_stand_in && !errors.iter().any(|x| x.field == field) {
            errors.push(FieldError::new(&field, fault.code).with_all(fault.args));
        }
        let fixed = errors.len() <= MAX_REPORTED
            && match fault.repair {
                Repair::Remove => remove(&mut value, &fault.location),
                Repair::StandIn(candidates) => {
                    stand_in::<T>(&mut value, &fault.location, &field, candidates)
                }
            };
        if !fixed {
            return Err(ApiError::validation(errors));
        }
        replaced.push(field);
    }
}

/// Whether `field` is `path` or inside it.
fn covers(path: &str, field: &str) -> bool {
    field == path
        || field
            .strip_prefix(path)
            .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
}

impl FieldError {
    fn with_all(mut self, args: Vec<(&'static str, String)>) -> Self {
        for (name, value) in args {
            self = self.with(name, value);
        }
        self
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Segment {
    Key(String),
    Index(usize),
}

impl From<&serde_path_to_error::Segment> for Segment {
    fn from(s: &serde_path_to_error::Segment) -> Self {
        match s {
            serde_path_to_error::Segment::Seq { index } => Self::Index(*index),
            serde_path_to_error::Segment::Map { key } => Self::Key(key.clone()),
            serde_path_to_error::Segment::Enum { variant } => Self::Key(variant.clone()),
            serde_path_to_error::Segment::Unknown => Self::Key("?".into()),
        }
    }
}

fn render_path(segments: &[Segment]) -> String {
    let mut out = String::new();
    for s in segments {
        match s {
            Segment::Key(k) if out.is_empty() => out.push_str(k),
            Segment::Key(k) => {
                out.push('.');
                out.push_str(k);
            }
            Segment::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// What a serde error says is wrong, where, and how to read on past it.
struct Fault {
    /// The field as the answer names it.
    path: String,
    /// Where in the document to repair.
    location: Vec<Segment>,
    code: FieldCode,
    args: Vec<(&'static str, String)>,
    repair: Repair,
}

enum Repair {
    Remove,
    /// Stand-ins to try, most likely first.
    StandIn(Vec<Value>),
}

/// The text between the first pair of backticks after `after`.
fn quoted(message: &str, after: &str) -> Option<String> {
    let rest = &message[message.find(after)? + after.len()..];
    let start = rest.find('`')? + 1;
    let end = rest[start..].find('`')? + start;
    Some(rest[start..end].to_string())
}

/// Every backticked name after "expected" (`one of `a`, `b``, `` `a` or `b` ``).
fn expected_names(message: &str) -> Vec<String> {
    let Some(at) = message.find("expected") else {
        return Vec::new();
    };
    message[at..]
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

/// The names a field may take, as its message lists them.
fn allowed_list(names: &[String]) -> String {
    names
        .iter()
        .map(|a| format!("`{a}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn classify(segments: &[Segment], message: &str) -> Fault {
    let whole = |code, args, repair| Fault {
        path: display(segments),
        location: segments.to_vec(),
        code,
        args,
        repair,
    };
    if let Some(name) = message
        .starts_with("missing field")
        .then(|| quoted(message, "missing field"))
        .flatten()
    {
        let mut location = segments.to_vec();
        location.push(Segment::Key(name));
        return Fault {
            path: render_path(&location),
            location,
            code: FieldCode::Required,
            args: Vec::new(),
            repair: Repair::StandIn(candidates("")),
        };
    }
    if message.starts_with("unknown field") {
        // The unknown key is the path's last segment.
        let mut location = segments.to_vec();
        if let Some(name) = quoted(message, "unknown field") {
            if location.last() != Some(&Segment::Key(name.clone())) {
                location.push(Segment::Key(name));
            }
        }
        return Fault {
            path: render_path(&location),
            location,
            code: FieldCode::Unknown,
            args: Vec::new(),
            repair: Repair::Remove,
        };
    }
    if let Some(name) = message
        .starts_with("duplicate field")
        .then(|| quoted(message, "duplicate field"))
        .flatten()
    {
        let mut location = segments.to_vec();
        location.push(Segment::Key(name));
        return Fault {
            path: render_path(&location),
            location,
            code: FieldCode::Duplicate,
            args: Vec::new(),
            repair: Repair::Remove,
        };
    }
    if message.starts_with("unknown variant") {
        let allowed = expected_names(message);
        let list = allowed_list(&allowed);
        let stand_ins = allowed.into_iter().map(Value::String).collect();
        return whole(
            FieldCode::OneOf,
            vec![("allowed", list)],
            Repair::StandIn(stand_ins),
        );
    }
    let expected = message
        .split("expected ")
        .nth(1)
        .unwrap_or("")
        .split(" at line ")
        .next()
        .unwrap_or("");
    let code = if message.starts_with("invalid type") {
        type_code(expected)
    } else if message.starts_with("invalid value: integer") && is_integer(expected) {
        if message.contains("integer `-") {
            FieldCode::NotNegative
        } else {
            FieldCode::IntegerTooLarge
        }
    } else if ["UUID", "uuid", "urn:uuid", "hyphenated", "simple format"]
        .iter()
        .any(|w| message.contains(w))
    {
        FieldCode::TypeUuid
    } else if [
        "input contains invalid characters",
        "premature end of input",
        "input is out of range",
        "trailing input",
        "input is not enough",
        "no possible date",
    ]
    .iter()
    .any(|w| message.contains(w))
    {
        FieldCode::TypeDate
    } else {
        type_code(expected)
    };
    whole(code, Vec::new(), Repair::StandIn(candidates(expected)))
}

fn display(segments: &[Segment]) -> String {
    if segments.is_empty() {
        "body".to_string()
    } else {
        render_path(segments)
    }
}

fn is_integer(expected: &str) -> bool {
    matches!(
        expected.trim(),
        "u8" | "u16" | "u32" | "u64" | "i8" | "i16" | "i32" | "i64" | "usize" | "isize"
    )
}

fn type_code(expected: &str) -> FieldCode {
    let e = expected.trim();
    if is_integer(e) {
        FieldCode::TypeInteger
    } else if matches!(e, "f32" | "f64") {
        FieldCode::TypeNumber
    } else if e.contains("string") || e.contains("char") {
        FieldCode::TypeString
    } else if e.contains("boolean") {
        FieldCode::TypeBoolean
    } else if e.contains("sequence") || e.contains("array") || e.contains("tuple") {
        FieldCode::TypeArray
    } else if e.starts_with("struct") || e.contains("map") || e.starts_with("enum") {
        FieldCode::TypeObject
    } else if e.contains("UUID") || e.contains("uuid") {
        FieldCode::TypeUuid
    } else if e.contains("date") {
        FieldCode::TypeDate
    } else {
        FieldCode::TypeInvalid
    }
}

/// Stand-in values for a field whose type serde described as `expected`.
fn candidates(expected: &str) -> Vec<Value> {
    use serde_json::json;
    let all = [
        json!(""),
        json!(1),
        json!(false),
        json!([]),
        json!({}),
        json!("00000000-0000-0000-0000-000000000000"),
        json!("2000-01-01"),
        json!("2000-01-01T00:00:00Z"),
        json!(1.5),
        Value::Null,
    ];
    let first = match type_code(expected) {
        FieldCode::TypeString => Some(json!("")),
        FieldCode::TypeInteger => Some(json!(1)),
        FieldCode::TypeNumber => Some(json!(1.5)),
        FieldCode::TypeBoolean => Some(json!(false)),
        FieldCode::TypeArray => Some(json!([])),
        FieldCode::TypeObject => Some(json!({})),
        FieldCode::TypeUuid => Some(json!("00000000-0000-0000-0000-000000000000")),
        FieldCode::TypeDate => Some(json!("2000-01-01")),
        _ => None,
    };
    first.into_iter().chain(all).collect()
}

/// The value at `location`'s parent and the last segment.
fn parent_mut<'a>(root: &'a mut Value, location: &[Segment]) -> Option<(&'a mut Value, Segment)> {
    let (last, parents) = location.split_last()?;
    let mut node = root;
    for s in parents {
        node = match s {
            Segment::Key(k) => node.as_object_mut()?.get_mut(k)?,
            Segment::Index(i) => node.as_array_mut()?.get_mut(*i)?,
        };
    }
    Some((node, last.clone()))
}

fn remove(root: &mut Value, location: &[Segment]) -> bool {
    match parent_mut(root, location) {
        Some((Value::Object(map), Segment::Key(k))) => map.remove(&k).is_some(),
        _ => false,
    }
}

fn put(root: &mut Value, location: &[Segment], value: Value) -> bool {
    if location.is_empty() {
        *root = value;
        return true;
    }
    match parent_mut(root, location) {
        Some((Value::Object(map), Segment::Key(k))) => {
            map.insert(k, value);
            true
        }
        Some((Value::Array(items), Segment::Index(i))) if i < items.len() => {
            items[i] = value;
            true
        }
        _ => false,
    }
}

/// Tries per field before giving up on reading further.
const MAX_TRIES: usize = 16;

/// Puts the first stand-in under which the document reads past `field`. A
/// stand-in that fails at the same field tells what the field wants (an
/// enum's variants, a type), and those are tried next.
fn stand_in<T: DeserializeOwned>(
    root: &mut Value,
    location: &[Segment],
    field: &str,
    candidates: Vec<Value>,
) -> bool {
    let mut queue: std::collections::VecDeque<Value> = candidates.into();
    let mut tried: Vec<Value> = Vec::new();
    while let Some(candidate) = queue.pop_front() {
        if tried.contains(&candidate) {
            continue;
        }
        if tried.len() >= MAX_TRIES {
            return false;
        }
        tried.push(candidate.clone());
        let mut trial = root.clone();
        if !put(&mut trial, location, candidate) {
            return false;
        }
        let failure = match serde_path_to_error::deserialize::<_, T>(&trial) {
            Ok(_) => None,
            Err(e) => {
                let segments: Vec<Segment> = e.path().iter().map(Segment::from).collect();
                let message = e.inner().to_string();
                let fault = classify(&segments, &message);
                (fault.path == field).then_some((fault, message))
            }
        };
        match failure {
            None => {
                *root = trial;
                return true;
            }
            Some((fault, message)) => {
                if let Repair::StandIn(hints) = fault.repair {
                    let names = expected_names(&message).into_iter().map(Value::String);
                    for hint in hints.into_iter().take(1).chain(names).rev() {
                        queue.push_front(hint);
                    }
                }
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;
    use validator::Validate;

    use super::*;

    #[derive(Debug, Deserialize, Validate)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Item {
        #[validate(length(min = 3, max = 200))]
        name: String,
        category: Category,
        #[validate(range(min = 100, max = 100_000_000, message = "field.range_rupiah"))]
        price_idr: Option<i64>,
        #[validate(range(min = 0, max = 10_000_000))]
        stock: Option<i64>,
        tags: Option<Vec<String>>,
        #[validate(nested)]
        parts: Option<Vec<Part>>,
    }

    #[derive(Debug, Deserialize, Validate)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Part {
        #[validate(range(min = 1))]
        count: i32,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum Category {
        Food,
        Craft,
    }

    crate::check_with_validator!(Item);

    fn errors(body: Value) -> Vec<(String, &'static str, String)> {
        let err = parse_value::<Item>(body).expect_err("the body is invalid");
        err.field_errors()
            .iter()
            .map(|e| {
                (
                    e.field.clone(),
                    e.code.wire(),
                    e.message(crate::i18n::Lang::En),
                )
            })
            .collect()
    }

    #[test]
    fn an_unknown_enum_value_does_not_hide_the_other_bad_fields() {
        let got = errors(serde_json::json!({
            "name": "Kopi", "category": "weapons", "price_idr": -5, "stock": -1
        }));
        assert_eq!(
            got,
            vec![
                (
                    "category".into(),
                    "type",
                    "must be one of `food`, `craft`".into()
                ),
                (
                    "price_idr".into(),
                    "range",
                    "must be 100 to 100,000,000 rupiah".into()
                ),
                (
                    "stock".into(),
                    "range",
                    "must be between 0 and 10,000,000".into()
                ),
            ]
        );
    }

    #[test]
    fn unknown_missing_and_mistyped_fields_are_all_reported() {
        let got = errors(serde_json::json!({
            "colour": "red", "price_idr": "cheap", "stock": 5, "tags": "x",
            "parts": [{"count": 2}, {"count": "two"}, {"count": 0, "extra": 1}]
        }));
        let fields: Vec<(&str, &str)> = got.iter().map(|(f, c, _)| (f.as_str(), *c)).collect();
        assert_eq!(
            fields,
            vec![
                ("category", "required"),
                ("colour", "unknown"),
                ("name", "required"),
                ("parts[1].count", "type"),
                ("parts[2].count", "range"),
                ("parts[2].extra", "unknown"),
                ("price_idr", "type"),
                ("tags", "type"),
            ]
        );
    }

    #[test]
    fn a_body_that_reads_is_answered_as_read() {
        let item: Item = parse_value(serde_json::json!({"name": "x", "category": "food"}))
            .expect("reads; its rules are the domain's to run");
        assert_eq!(item.name, "x");
        assert!(matches!(
            parse::<Item>(b"{\"name\": "),
            Err(e) if e.code() == Code::RequestNotJson
        ));
    }
}
