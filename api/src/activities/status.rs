//! The life of an activity: the only place that knows which state follows
//! which, and what each state allows of its participants and deals.
//!
//! `planned` → `open` (enrolment) → `closed` (enrolment over) → `done`;
//! `closed` may open again, an `open` one may be completed at once, and
//! anything not yet `done` may be `cancelled`. `done` and `cancelled` are
//! final.

use chrono::NaiveDate;
use entity::ActivityStatus::{self, *};

use crate::error::{ApiError, Code};

/// What a caller asks of an activity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Open,
    Close,
    Complete,
    Cancel,
}

impl Action {
    pub fn verb(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Close => "close",
            Self::Complete => "complete",
            Self::Cancel => "cancel",
        }
    }
}

/// The state after `action`, or a 409 naming the current state.
pub fn next(status: ActivityStatus, action: Action) -> Result<ActivityStatus, ApiError> {
    match (status, action) {
        (Planned | Closed, Action::Open) => Ok(Open),
        (Open, Action::Close) => Ok(Closed),
        (Open | Closed, Action::Complete) => Ok(Done),
        (Planned | Open | Closed, Action::Cancel) => Ok(Cancelled),
        _ => Err(ApiError::new(Code::ActivityStateConflict)
            .with("status", status.as_str())
            .with("action", action.verb())),
    }
}

/// Whether a pesantren may enrol on `today`: only while `open` and not
/// past the registration deadline. Capacity is the database's to hold.
pub fn may_enrol(
    status: ActivityStatus,
    closes_on: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<(), ApiError> {
    if status != Open {
        return Err(ApiError::new(Code::ActivityNotOpen).with("status", status.as_str()));
    }
    match closes_on {
        Some(day) if today > day => {
            Err(ApiError::new(Code::ActivityRegistrationClosed).with("date", day.to_string()))
        }
        _ => Ok(()),
    }
}

/// Whether the participants may still change (withdrawals): not once the
/// activity is over or called off.
pub fn participants_change(status: ActivityStatus) -> Result<(), ApiError> {
    match status {
        Done | Cancelled => {
            Err(ApiError::new(Code::ActivityFinished).with("status", status.as_str()))
        }
        _ => Ok(()),
    }
}

/// Whether attendance may be recorded: once the activity has opened and
/// unless it was called off.
pub fn records_attendance(status: ActivityStatus) -> Result<(), ApiError> {
    match status {
        Open | Closed | Done => Ok(()),
        _ => {
            Err(ApiError::new(Code::ParticipantAttendanceTooEarly).with("status", status.as_str()))
        }
    }
}

/// Whether deals may be recorded or confirmed: not on a cancelled activity.
pub fn takes_deals(status: ActivityStatus) -> Result<(), ApiError> {
    match status {
        Cancelled => Err(ApiError::new(Code::ActivityFinished).with("status", status.as_str())),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, d).unwrap_or_default()
    }

    #[test]
    fn an_activity_goes_from_planned_to_done() {
        assert_eq!(next(Planned, Action::Open).ok(), Some(Open));
        assert_eq!(next(Open, Action::Close).ok(), Some(Closed));
        assert_eq!(next(Closed, Action::Open).ok(), Some(Open));
        assert_eq!(next(Closed, Action::Complete).ok(), Some(Done));
        assert_eq!(next(Open, Action::Complete).ok(), Some(Done));
    }

    #[test]
    fn done_and_cancelled_are_final() {
        for action in [
            Action::Open,
            Action::Close,
            Action::Complete,
            Action::Cancel,
        ] {
            for status in [Done, Cancelled] {
                let err = next(status, action).unwrap_err();
                assert_eq!(err.code(), Code::ActivityStateConflict);
            }
        }
        assert!(next(Planned, Action::Complete).is_err());
        assert!(next(Planned, Action::Close).is_err());
        assert_eq!(next(Planned, Action::Cancel).ok(), Some(Cancelled));
    }

    #[test]
    fn enrolment_needs_an_open_activity_before_its_deadline() {
        assert!(may_enrol(Open, None, day(20)).is_ok());
        assert!(may_enrol(Open, Some(day(10)), day(10)).is_ok());
        let late = may_enrol(Open, Some(day(10)), day(11)).unwrap_err();
        assert_eq!(late.code(), Code::ActivityRegistrationClosed);
        for status in [Planned, Closed, Done, Cancelled] {
            assert_eq!(
                may_enrol(status, None, day(1)).unwrap_err().code(),
                Code::ActivityNotOpen
            );
        }
    }

    #[test]
    fn attendance_and_deals_follow_the_state() {
        assert!(records_attendance(Planned).is_err());
        assert!(records_attendance(Done).is_ok());
        assert!(takes_deals(Done).is_ok());
        assert!(takes_deals(Cancelled).is_err());
        assert!(participants_change(Closed).is_ok());
        assert!(participants_change(Done).is_err());
    }
}
