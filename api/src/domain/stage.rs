//! The pipeline's rules (domain.md): moves go forward only and may skip stages;
//! SIGNED is entered only by recording a primary agreement; nothing after SIGNED
//! before it; any stage before IN_PRODUCTION may pause to STALLED or LOST, and a
//! paused project returns only to the stage it came from.

use entity::enums::ProjectStage::{self, *};

const ORDER: [ProjectStage; 7] = [Lead, Contacted, Negotiating, Signed, Registered, UnderConstruction, InProduction];

fn rank(s: ProjectStage) -> Option<usize> {
    ORDER.iter().position(|x| *x == s)
}

pub fn is_paused(s: ProjectStage) -> bool {
    matches!(s, Stalled | Lost)
}

/// Whether a project at `stage` (paused from `paused_from`) may be moved to `to`
/// by `moveProjectStage`.
pub fn may_move(stage: ProjectStage, paused_from: Option<ProjectStage>, to: ProjectStage) -> bool {
    if stage == to {
        return false;
    }
    if is_paused(stage) {
        return paused_from == Some(to);
    }
    if is_paused(to) {
        return stage != InProduction;
    }
    match (rank(stage), rank(to)) {
        (Some(from), Some(target)) => {
            let signed = rank(Signed).unwrap_or(3);
            target > from && to != Signed && (target < signed || from >= signed)
        }
        _ => false,
    }
}

/// Whether recording a primary agreement may move a project at `stage` to
/// SIGNED: from any stage before it. A STALLED or LOST project returns to its
/// stage first.
pub fn may_sign(stage: ProjectStage) -> bool {
    rank(stage).zip(rank(Signed)).is_some_and(|(r, s)| r < s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forward_moves_may_skip_stages() {
        assert!(may_move(Lead, None, Contacted));
        assert!(may_move(Lead, None, Negotiating));
        assert!(may_move(Signed, None, InProduction));
        assert!(may_move(Registered, None, UnderConstruction));
    }

    #[test]
    fn backward_and_same_stage_moves_are_forbidden() {
        assert!(!may_move(Negotiating, None, Contacted));
        assert!(!may_move(InProduction, None, Signed));
        assert!(!may_move(Contacted, None, Contacted));
    }

    #[test]
    fn signed_is_reached_only_by_an_agreement() {
        assert!(!may_move(Negotiating, None, Signed));
        assert!(!may_move(Negotiating, None, Registered));
        assert!(!may_move(Lead, None, InProduction));
        assert!(may_sign(Negotiating));
        assert!(may_sign(Lead));
        assert!(!may_sign(Signed));
        assert!(!may_sign(Registered));
    }

    #[test]
    fn pausing_and_returning() {
        assert!(may_move(Negotiating, None, Stalled));
        assert!(may_move(UnderConstruction, None, Lost));
        assert!(!may_move(InProduction, None, Stalled));
        assert!(may_move(Stalled, Some(Negotiating), Negotiating));
        assert!(!may_move(Stalled, Some(Negotiating), Contacted));
        assert!(!may_move(Stalled, Some(Negotiating), Lost));
        assert!(!may_move(Lost, Some(Contacted), Negotiating));
        assert!(!may_sign(Stalled));
        assert!(!may_sign(Lost));
    }
}
