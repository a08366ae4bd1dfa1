//! The trail as a spreadsheet for inspectors (`Accept: text/csv`): one row
//! per entry, the changes as their JSON text.

use super::model::AuditEntryView;

pub const HEADER: [&str; 11] = [
    "id",
    "at",
    "actor_id",
    "actor_name",
    "actor_role",
    "action",
    "resource_type",
    "resource_id",
    "province_code",
    "request_id",
    "changes",
];

pub fn render(entries: &[AuditEntryView]) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(HEADER)?;
    for e in entries {
        w.write_record([
            e.id.to_string(),
            e.at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
            e.actor.id.map(|id| id.to_string()).unwrap_or_default(),
            e.actor.name.clone().unwrap_or_default(),
            e.actor.role.clone(),
            e.action.clone(),
            e.resource_type.clone(),
            e.resource_id.to_string(),
            e.province_code.clone().unwrap_or_default(),
            e.request_id.clone().unwrap_or_default(),
            e.changes.to_string(),
        ])?;
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}
