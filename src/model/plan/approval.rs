//! A plan's status and its approvals: draft → in review → approved → archived. Approving
//! records who approved, in which role and when; the store then names a version
//! ([`Approval::version_name`]) so the approved plan can always be compared with.

use autosurgeon::{Hydrate, Reconcile};

use super::{Plan, PlanError, PlanStatus, Role};
use crate::model::{ItemId, PersonId};

/// Who approved a plan, in which role, and when.
#[derive(Debug, Clone, Default, PartialEq, Hydrate, Reconcile)]
pub struct Approval {
    pub person: PersonId,
    /// Their name when they approved (kept if they later leave the workspace).
    pub name: String,
    pub role: Role,
    /// Milliseconds since 1970.
    pub at: i64,
}

impl Approval {
    /// The name of the version the approval makes, e.g. "Approved by the board on 27 Nov
    /// 2026", given the approval's date as the person reads it.
    pub fn version_name(&self, date: &str) -> String {
        let by = match self.role {
            Role::Board => "the board".to_owned(),
            Role::Executive => "the executive".to_owned(),
            Role::Contributor => self.name.clone(),
        };
        format!("Approved by {by} on {date}")
    }
}

impl Plan {
    /// The statuses this plan may move to by hand (approval has its own step).
    pub fn next_statuses(&self) -> Vec<PlanStatus> {
        match self.status {
            PlanStatus::Draft => vec![PlanStatus::InReview],
            PlanStatus::InReview => vec![PlanStatus::Draft],
            PlanStatus::Approved => vec![PlanStatus::InReview, PlanStatus::Archived],
            PlanStatus::Archived => vec![PlanStatus::Draft],
        }
    }

    /// Moves the plan to `status`; refused (with the reason) when not allowed from here.
    pub fn set_status(&mut self, status: PlanStatus) -> Result<(), PlanError> {
        if status == PlanStatus::Approved {
            return Err(PlanError::ApprovedOnlyByApproving);
        }
        if !self.next_statuses().contains(&status) {
            return Err(PlanError::StatusNotAllowed {
                from: self.status,
                to: status,
            });
        }
        self.status = status;
        Ok(())
    }

    /// Whether `person` may approve the plan now, and if not, why.
    pub fn can_approve(&self, person: Option<&PersonId>) -> Result<Role, PlanError> {
        if self.status != PlanStatus::InReview {
            return Err(PlanError::NotInReview);
        }
        let Some(person) = person else {
            return Err(PlanError::ApproverUnknown);
        };
        match self.participants.get(person) {
            Some(role @ (Role::Board | Role::Executive)) => Ok(*role),
            Some(Role::Contributor) => Err(PlanError::ContributorCannotApprove),
            None => Err(PlanError::NotAParticipant),
        }
    }

    /// Approves the plan as `person` (named `name`) at `at`; returns the approval.
    pub fn approve(
        &mut self,
        person: &PersonId,
        name: &str,
        at: i64,
    ) -> Result<Approval, PlanError> {
        let role = self.can_approve(Some(person))?;
        let approval = Approval {
            person: person.clone(),
            name: name.to_owned(),
            role,
            at,
        };
        self.approvals.insert(ItemId::random(), approval.clone());
        self.status = PlanStatus::Approved;
        Ok(approval)
    }

    /// The approvals, newest first.
    pub fn approvals_newest_first(&self) -> Vec<&Approval> {
        let mut approvals: Vec<&Approval> = self.approvals.values().collect();
        approvals.sort_by(|a, b| b.at.cmp(&a.at).then_with(|| a.name.cmp(&b.name)));
        approvals
    }
}
