//! A plan's status and its approvals: draft → in review → approved → archived. Approving
//! records who approved, in which role and when; the store then names a version
//! ([`Approval::version_name`]) so the approved plan can always be compared with.

use std::collections::BTreeMap;

use autosurgeon::{Hydrate, Reconcile};

use super::{Plan, PlanError, PlanStatus, Role};
use crate::model::identity::{check_seal, seal, DeviceSecret, Membership, SealCheck};
use crate::model::{ItemId, PersonId};

/// Who approved a plan, in which role, and when; once the workspace has members, sealed
/// with the approver's device key over the plan's heads (see [`Approval::seal`]).
#[derive(Debug, Clone, Default, PartialEq, Hydrate, Reconcile)]
pub struct Approval {
    pub person: PersonId,
    /// Their name when they approved (kept if they later leave the workspace).
    pub name: String,
    pub role: Role,
    /// Milliseconds since 1970.
    pub at: i64,
    /// The plan's heads (hex) when it was approved: the version approved.
    #[autosurgeon(missing = "Vec::new")]
    pub heads: Vec<String>,
    /// The approving device's key (empty: approved before devices had keys).
    #[autosurgeon(missing = "String::new")]
    pub device: String,
    /// That device's signature over the plan, the approver, role, time and heads.
    #[autosurgeon(missing = "String::new")]
    pub seal: String,
}

impl Approval {
    fn sealed_bytes(&self, plan: &str) -> Vec<u8> {
        serde_json::to_vec(&(
            plan,
            "plan-approval",
            self.person.as_str(),
            format!("{:?}", self.role),
            self.at,
            &self.heads,
            &self.device,
        ))
        .unwrap_or_default()
    }

    /// Seals the approval with this device's key (`plan`: the plan document's URL).
    pub fn seal(&mut self, plan: &str, secret: &DeviceSecret) {
        // The device's key is part of what is signed, so it is set first.
        self.device = secret.public().to_string();
        (self.device, self.seal) = seal(secret, &self.sealed_bytes(plan));
    }

    /// Whether the approval is what it says: signed by a device of the approver, over
    /// what is shown (the same verdicts as a review's sign-off).
    pub fn check(&self, plan: &str, membership: Option<&Membership>) -> SealCheck {
        let bytes = self.sealed_bytes(plan);
        check_seal(&self.device, &self.seal, &bytes, &self.person, membership)
    }

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

    /// Whether `person` may approve the plan now, and if not, why, by the roles the plan
    /// lists (a workspace nobody has claimed; see [`Plan::can_approve_under`]).
    pub fn can_approve(&self, person: Option<&PersonId>) -> Result<Role, PlanError> {
        self.can_approve_under(person, None)
    }

    /// Whether `person` may approve the plan now, by `signed` roles (what the workspace's
    /// admins signed, `Membership::plan_roles`) once the workspace has members, or by the
    /// roles the plan lists while it has none (`None`). A role written into the plan and
    /// never signed counts for nothing in a claimed workspace.
    pub fn can_approve_under(
        &self,
        person: Option<&PersonId>,
        signed: Option<&BTreeMap<PersonId, Role>>,
    ) -> Result<Role, PlanError> {
        if self.status != PlanStatus::InReview {
            return Err(PlanError::NotInReview);
        }
        let Some(person) = person else {
            return Err(PlanError::ApproverUnknown);
        };
        let roles = signed.unwrap_or(&self.participants);
        match roles.get(person) {
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
        self.approve_sealed(person, name, at, Vec::new(), None, None)
    }

    /// Approves as [`Plan::approve`] does, recording the plan's `heads` (the version
    /// approved) and, given the plan's URL and this device's key, sealing the approval;
    /// who may approve is decided by `signed` roles as [`Plan::can_approve_under`] says.
    pub fn approve_sealed(
        &mut self,
        person: &PersonId,
        name: &str,
        at: i64,
        heads: Vec<String>,
        sealer: Option<(&str, &DeviceSecret)>,
        signed: Option<&BTreeMap<PersonId, Role>>,
    ) -> Result<Approval, PlanError> {
        let role = self.can_approve_under(Some(person), signed)?;
        let mut approval = Approval {
            person: person.clone(),
            name: name.to_owned(),
            role,
            at,
            heads,
            ..Approval::default()
        };
        if let Some((plan, secret)) = sealer {
            approval.seal(plan, secret);
        }
        self.approvals.insert(ItemId::random(), approval.clone());
        self.status = PlanStatus::Approved;
        Ok(approval)
    }

    /// Whether the plan's status may be shown as it says: always, unless it says
    /// approved in a workspace with members (`membership`) where no approval of it holds,
    /// that is none sealed by a device of its approver over the plan (`plan`: its URL) by
    /// someone an admin signed onto its board or executive. The status is a field any
    /// writer of the plan could set; the approvals are what cannot be forged. (An unsealed
    /// approval, from before the workspace had members, is not verifiable and does not
    /// hold: anyone could write one.)
    pub fn approval_holds(&self, plan: &str, membership: Option<&Membership>) -> bool {
        let Some(membership) = membership else {
            return true;
        };
        self.status != PlanStatus::Approved
            || self.approvals.values().any(|approval| {
                approval.check(plan, Some(membership)) == SealCheck::Verified
                    && membership.ever_approver(plan, &approval.person)
            })
    }

    /// The approvals, newest first.
    pub fn approvals_newest_first(&self) -> Vec<&Approval> {
        let mut approvals: Vec<&Approval> = self.approvals.values().collect();
        approvals.sort_by(|a, b| b.at.cmp(&a.at).then_with(|| a.name.cmp(&b.name)));
        approvals
    }
}
