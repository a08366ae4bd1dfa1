//! The life of a competition and of the stages inside it: the only place
//! that knows which state follows which, which stages nominate by area,
//! and when an area may lose all of its entries.
//!
//! `draft` → `open` (entries) → `judging` (stage by stage) → `closed`;
//! `closed` is final, and a competition closes only once its last stage
//! has.

use std::collections::BTreeMap;

use entity::CompetitionStatus::{self, *};

use crate::error::{ApiError, Code};

/// What an admin asks of a competition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Open,
    Judge,
    Close,
}

impl Action {
    pub fn verb(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Judge => "judge",
            Self::Close => "close",
        }
    }
}

/// The state after `action`, or a 409 naming the current state.
/// `stages_left` is how many stages have not closed yet.
pub fn next(
    status: CompetitionStatus,
    action: Action,
    stages_left: usize,
) -> Result<CompetitionStatus, ApiError> {
    match (status, action) {
        (Draft, Action::Open) => Ok(Open),
        (Open, Action::Judge) => Ok(Judging),
        (Judging, Action::Close) if stages_left == 0 => Ok(Closed),
        (Judging, Action::Close) => {
            Err(ApiError::new(Code::CompetitionStagesLeft).with("count", stages_left))
        }
        _ => Err(ApiError::new(Code::CompetitionStateConflict)
            .with("status", status.as_str())
            .with("action", action.verb())),
    }
}

/// Whether entries may be taken: while `open`, until `entries_close_on`.
pub fn takes_entries(
    status: CompetitionStatus,
    closes_on: chrono::NaiveDate,
    today: chrono::NaiveDate,
) -> Result<(), ApiError> {
    if status != Open {
        return Err(ApiError::new(Code::CompetitionNotOpen).with("status", status.as_str()));
    }
    if today > closes_on {
        return Err(
            ApiError::new(Code::CompetitionEntriesClosed).with("date", closes_on.to_string())
        );
    }
    Ok(())
}

/// Whether entries are judged (scored, advanced, eliminated) now.
pub fn judging(status: CompetitionStatus) -> Result<(), ApiError> {
    if status != Judging {
        return Err(ApiError::new(Code::CompetitionNotJudging).with("status", status.as_str()));
    }
    Ok(())
}

/// The area a stage nominates by, from its name: `district` by kecamatan
/// (the six-digit district code), `regency` by kabupaten/kota.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AreaLevel {
    District,
    Regency,
}

impl AreaLevel {
    pub fn of(stage: &str) -> Option<Self> {
        match stage {
            "district" => Some(Self::District),
            "regency" => Some(Self::Regency),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::District => "district",
            Self::Regency => "regency",
        }
    }

    /// The entry's area at this level.
    pub fn code_of<'a>(self, regency: &'a str, district: Option<&'a str>) -> &'a str {
        match self {
            // An entry without a kecamatan competes for its kabupaten/kota
            // (only possible for entries made before the stage existed:
            // entering a competition with a `district` stage needs one).
            Self::District => district.unwrap_or(regency),
            Self::Regency => regency,
        }
    }
}

/// An entry that reached the stage being decided, as the area rules see it.
#[derive(Debug, Clone)]
pub struct AtStage {
    pub area: String,
    /// Went past this stage.
    pub advanced: bool,
    /// Still to be decided at it.
    pub pending: bool,
    /// Scored by at least one juror at it.
    pub scored: bool,
}

#[derive(Default)]
struct AreaTally {
    advanced: usize,
    pending: usize,
    scored: bool,
}

fn by_area(entries: &[AtStage]) -> BTreeMap<&str, AreaTally> {
    let mut areas: BTreeMap<&str, AreaTally> = BTreeMap::new();
    for e in entries {
        let t = areas.entry(e.area.as_str()).or_default();
        t.advanced += usize::from(e.advanced);
        t.pending += usize::from(e.pending);
        t.scored |= e.scored;
    }
    areas
}

/// Whether the last pending entry of `area` may be eliminated: an area
/// whose entries were scored nominates at least one, so its last entry
/// goes only when none of them scored (they failed before judging).
/// `others` are the entries of the stage besides the one eliminated.
pub fn may_eliminate(area: &str, scored: bool, others: &[AtStage]) -> Result<(), ApiError> {
    let areas = by_area(others);
    let (advanced, pending, others_scored) = areas
        .get(area)
        .map(|t| (t.advanced, t.pending, t.scored))
        .unwrap_or_default();
    if advanced == 0 && pending == 0 && (scored || others_scored) {
        return Err(ApiError::new(Code::EntryAreaNominee).with("area", area));
    }
    Ok(())
}

/// Whether a stage may close: every entry at it decided and, at an area
/// stage, every area that was judged nominating at least one.
pub fn may_close_stage(stage: &str, entries: &[AtStage]) -> Result<(), ApiError> {
    let pending = entries.iter().filter(|e| e.pending).count();
    if pending > 0 {
        return Err(ApiError::new(Code::CompetitionStageUndecided)
            .with("stage", stage)
            .with("count", pending));
    }
    if AreaLevel::of(stage).is_some() {
        if let Some((area, _)) = by_area(entries)
            .into_iter()
            .find(|(_, t)| t.advanced == 0 && t.scored)
        {
            return Err(ApiError::new(Code::CompetitionAreaWithoutNominee)
                .with("stage", stage)
                .with("area", area));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(area: &str, advanced: bool, pending: bool, scored: bool) -> AtStage {
        AtStage {
            area: area.into(),
            advanced,
            pending,
            scored,
        }
    }

    #[test]
    fn a_competition_goes_from_draft_to_closed() {
        assert_eq!(next(Draft, Action::Open, 3).ok(), Some(Open));
        assert_eq!(next(Open, Action::Judge, 3).ok(), Some(Judging));
        assert_eq!(next(Judging, Action::Close, 0).ok(), Some(Closed));
        let early = next(Judging, Action::Close, 1).unwrap_err();
        assert_eq!(early.code(), Code::CompetitionStagesLeft);
        for (status, action) in [
            (Draft, Action::Judge),
            (Draft, Action::Close),
            (Open, Action::Open),
            (Open, Action::Close),
            (Judging, Action::Open),
            (Closed, Action::Open),
            (Closed, Action::Judge),
            (Closed, Action::Close),
        ] {
            assert_eq!(
                next(status, action, 0).unwrap_err().code(),
                Code::CompetitionStateConflict
            );
        }
    }

    #[test]
    fn entries_are_taken_while_open_until_the_deadline() {
        let day = |d| chrono::NaiveDate::from_ymd_opt(2026, 3, d).unwrap_or_default();
        assert!(takes_entries(Open, day(10), day(10)).is_ok());
        assert_eq!(
            takes_entries(Open, day(10), day(11)).unwrap_err().code(),
            Code::CompetitionEntriesClosed
        );
        assert_eq!(
            takes_entries(Draft, day(10), day(1)).unwrap_err().code(),
            Code::CompetitionNotOpen
        );
    }

    #[test]
    fn stages_named_district_or_regency_nominate_by_area() {
        assert_eq!(AreaLevel::of("district"), Some(AreaLevel::District));
        assert_eq!(AreaLevel::of("regency"), Some(AreaLevel::Regency));
        assert_eq!(AreaLevel::of("province"), None);
        assert_eq!(
            AreaLevel::District.code_of("3204", Some("320401")),
            "320401"
        );
        assert_eq!(AreaLevel::District.code_of("3204", None), "3204");
        assert_eq!(AreaLevel::Regency.code_of("3204", Some("320401")), "3204");
    }

    #[test]
    fn an_area_that_was_judged_keeps_one_entry() {
        // The other entry of the area is already out, and this one scored.
        let others = [at("a", false, false, true), at("b", true, false, true)];
        assert_eq!(
            may_eliminate("a", true, &others).unwrap_err().code(),
            Code::EntryAreaNominee
        );
        // Nobody of the area scored: all may go (the administrative check).
        assert!(may_eliminate("a", false, &[at("a", false, false, false)]).is_ok());
        // Another of the area is still pending or went on.
        assert!(may_eliminate("a", true, &[at("a", false, true, false)]).is_ok());
        assert!(may_eliminate("a", true, &[at("a", true, false, true)]).is_ok());
    }

    #[test]
    fn a_stage_closes_once_decided_with_a_nominee_per_judged_area() {
        let pending = [at("a", false, true, true)];
        assert_eq!(
            may_close_stage("district", &pending).unwrap_err().code(),
            Code::CompetitionStageUndecided
        );
        let without = [at("a", true, false, true), at("b", false, false, true)];
        assert_eq!(
            may_close_stage("district", &without).unwrap_err().code(),
            Code::CompetitionAreaWithoutNominee
        );
        // Not an area stage: nobody needs to go on from each area.
        assert!(may_close_stage("province", &without).is_ok());
        // An area that was never judged may have none.
        let unjudged = [at("a", true, false, true), at("b", false, false, false)];
        assert!(may_close_stage("district", &unjudged).is_ok());
    }
}
