//! A plan's status and its approvals: draft → in review → approved → archived. Approving
//! records who approved, in which role and when; the store then names a version
//! ([`Approval::version_name`]) so the approved plan can always be compared with.

use autosurgeon::{Hydrate, Reconcile};

use super::{Plan, PlanStatus, Role};
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
    pub fn set_status(&mut self, status: PlanStatus) -> Result<(), String> {
        if status == PlanStatus::Approved {
            return Err(
                "A plan is approved by a board or executive participant: use Approve.".to_owned(),
            );
        }
        if !self.next_statuses().contains(&status) {
            return Err(format!(
                "A plan that is {} cannot be moved to {}.",
                self.status.label().to_lowercase(),
                status.label().to_lowercase()
            ));
        }
        self.status = status;
        Ok(())
    }

    /// Whether `person` may approve the plan now, and if not, why.
    pub fn can_approve(&self, person: Option<&PersonId>) -> Result<Role, String> {
        if self.status != PlanStatus::InReview {
            return Err(
                "Only a plan in review can be approved: send it for review first.".to_owned(),
            );
        }
        let Some(person) = person else {
            return Err("Choose who you are (Settings → You) to approve.".to_owned());
        };
        match self.participants.get(person) {
            Some(role @ (Role::Board | Role::Executive)) => Ok(*role),
            Some(Role::Contributor) => {
                Err("Contributors cannot approve; a board or executive participant can.".to_owned())
            }
            None => {
                Err("Only the plan's board or executive participants can approve it.".to_owned())
            }
        }
    }

    /// Approves the plan as `person` (named `name`) at `at`; returns the approval.
    pub fn approve(&mut self, person: &PersonId, name: &str, at: i64) -> Result<Approval, String> {
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
