//! What a person must do next, across the workspace: their reviews by stage and
//! deadline, feedback asked of them, open action items from their check-ins, and plans
//! waiting for their approval. Home shows it; the rules of who does what come from
//! `review::stage` and `plan::approval`, so the list and the buttons always agree.
//!
//! ```
//! use throughline::model::review::{Review, ReviewSetup, Stage};
//! use throughline::model::to_do::{to_dos, Documents};
//! use throughline::model::{DocumentId, PersonId, Workspace};
//! let ana = PersonId::from("ana");
//! let mut review = Review::new(ReviewSetup::example(&ana, None));
//! review.stage = Stage::SelfReview;
//! let id = DocumentId::random();
//! let documents = Documents { reviews: vec![(id, &review)], ..Documents::default() };
//! let list = to_dos(&Workspace::new("Acme"), &ana, &documents, "2027-01-10");
//! assert_eq!(list[0].what, "Write your self review (2027 annual review)");
//! ```

use super::check_in::CheckInSeries;
use super::plan::{Plan, PlanStatus};
use super::review::{check_act, check_write, Act, AskedFeedback, Part, Review, ReviewCycle, Stage};
use std::collections::BTreeMap;

use super::{DocumentId, ItemId, PersonId, Workspace};

/// Where a to-do is done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    Review(DocumentId),
    CheckIns(DocumentId),
    Plan(DocumentId),
    /// A cycle's calibration (the 9-box).
    Calibration(ItemId),
    /// Feedback one was asked for, in its own document.
    Feedback(DocumentId),
}

/// One thing to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToDo {
    /// In words: "Write your self review (2027 annual review)".
    pub what: String,
    /// `YYYY-MM-DD`, when there is a deadline.
    pub due: Option<String>,
    /// Past its deadline on the day asked about.
    pub late: bool,
    pub place: Place,
}

/// The documents this device has open, read.
#[derive(Default)]
pub struct Documents<'a> {
    pub reviews: Vec<(DocumentId, &'a Review)>,
    pub check_ins: Vec<(DocumentId, &'a CheckInSeries)>,
    pub plans: Vec<(DocumentId, &'a Plan)>,
    /// Feedback documents (see `review::AskedFeedback`).
    pub asked: Vec<(DocumentId, &'a AskedFeedback)>,
    /// The workspace's signed membership, once it has members: who may approve a plan
    /// is what its admins signed (`Membership::plan_roles`), not what the plan says.
    pub membership: Option<&'a super::identity::Membership>,
}

/// What `me` must do, late first, then by deadline, then in words.
pub fn to_dos(ws: &Workspace, me: &PersonId, documents: &Documents, today: &str) -> Vec<ToDo> {
    let mut list = Vec::new();
    // HR calibrates a cycle in one meeting: one to-do per cycle, with how many wait.
    let mut to_calibrate: BTreeMap<&ItemId, usize> = BTreeMap::new();
    for (id, review) in &documents.reviews {
        let who = review.capacity_of(me);
        if review.stage == Stage::Calibration
            && who.hr
            && check_act(Act::Calibrate, review.stage, who).is_ok()
        {
            *to_calibrate.entry(&review.cycle).or_default() += 1;
        }
        let cycle = ws.cycles.get(&review.cycle);
        if let Some(what) = review_step(ws, review, me) {
            let due = cycle
                .and_then(|c| c.deadlines.for_stage(review.stage))
                .map(|(due, _)| due.to_owned())
                .filter(|due| !due.is_empty());
            list.push(ToDo {
                late: due.as_deref().is_some_and(|due| today > due),
                what,
                due,
                place: Place::Review(*id),
            });
        }
        if review
            .peer_feedback
            .values()
            .any(|f| f.waiting_for_approval())
            && check_act(Act::ApproveNomination, review.stage, review.capacity_of(me)).is_ok()
            && review.manager.as_ref() == Some(me)
        {
            list.push(ToDo {
                what: format!(
                    "Approve the colleagues {} nominated for feedback ({})",
                    ws.name_of(&review.employee),
                    review.cycle_name
                ),
                due: None,
                late: false,
                place: Place::Review(*id),
            });
        }
        if let Some(what) = feedback_owed(ws, review, me) {
            let due = cycle
                .map(|c: &ReviewCycle| c.deadlines.manager_review.clone())
                .filter(|due| !due.is_empty());
            list.push(ToDo {
                late: due.as_deref().is_some_and(|due| today > due),
                what,
                due,
                place: Place::Review(*id),
            });
        }
    }
    for (id, asked) in &documents.asked {
        if &asked.writer != me || asked.closed || asked.is_written() {
            continue;
        }
        let due = ws
            .cycles
            .get(&asked.cycle)
            .map(|c| c.deadlines.manager_review.clone())
            .filter(|due| !due.is_empty());
        list.push(ToDo {
            what: format!(
                "Write the feedback you were asked for on {} ({})",
                ws.name_of(&asked.employee),
                asked.cycle_name
            ),
            late: due.as_deref().is_some_and(|due| today > due),
            due,
            place: Place::Feedback(*id),
        });
    }
    for (cycle_id, waiting) in to_calibrate {
        let Some(cycle) = ws.cycles.get(cycle_id) else {
            continue;
        };
        let due = Some(cycle.deadlines.calibration.clone()).filter(|due| !due.is_empty());
        list.push(ToDo {
            what: format!(
                "Calibrate {} ({waiting} review{} waiting)",
                cycle.name,
                if waiting == 1 { "" } else { "s" }
            ),
            late: due.as_deref().is_some_and(|due| today > due),
            due,
            place: Place::Calibration(cycle_id.clone()),
        });
    }
    for (id, series) in &documents.check_ins {
        for action in series.actions.values() {
            let mine = action.owner.as_ref() == Some(me)
                || (action.owner.is_none() && &series.manager == me);
            if !mine || action.done_in.is_some() {
                continue;
            }
            let other = if &series.manager == me {
                &series.employee
            } else {
                &series.manager
            };
            list.push(ToDo {
                what: format!("{} (check-in with {})", action.text, ws.name_of(other)),
                late: action.due.as_deref().is_some_and(|due| today > due),
                due: action.due.clone(),
                place: Place::CheckIns(*id),
            });
        }
    }
    for (id, plan) in &documents.plans {
        let signed = documents.membership.map(|m| m.plan_roles(&id.url()));
        if plan.status == PlanStatus::InReview
            && plan.can_approve_under(Some(me), signed.as_ref()).is_ok()
        {
            list.push(ToDo {
                what: format!("Approve the plan “{}”", plan.title),
                due: None,
                late: false,
                place: Place::Plan(*id),
            });
        }
    }
    list.sort_by(|a, b| {
        b.late
            .cmp(&a.late)
            .then_with(|| match (&a.due, &b.due) {
                (Some(a), Some(b)) => a.cmp(b),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            })
            .then_with(|| a.what.cmp(&b.what))
    });
    list
}

/// The step of `review` that is `me`'s to take now, in words.
fn review_step(ws: &Workspace, review: &Review, me: &PersonId) -> Option<String> {
    let who = review.capacity_of(me);
    let cycle = &review.cycle_name;
    let name = || ws.name_of(&review.employee);
    match review.stage {
        Stage::SelfReview if check_write(Part::SelfAssessment, review.stage, who).is_ok() => {
            Some(format!("Write your self review ({cycle})"))
        }
        Stage::ManagerReview if check_write(Part::ManagerAssessment, review.stage, who).is_ok() => {
            Some(format!("Write the manager review of {} ({cycle})", name()))
        }
        Stage::Shared
            if review.acknowledgement.is_none()
                && check_act(Act::Acknowledge, review.stage, who).is_ok() =>
        {
            Some(format!("Read and acknowledge your review ({cycle})"))
        }
        Stage::Shared
            if review.signature.is_none() && check_act(Act::Sign, review.stage, who).is_ok() =>
        {
            Some(format!("Sign the review of {} ({cycle})", name()))
        }
        _ => None,
    }
}

/// Feedback `me` was asked to write in `review` by an earlier version (in the review
/// itself) and has not written yet.
fn feedback_owed(ws: &Workspace, review: &Review, me: &PersonId) -> Option<String> {
    let owed = review.peer_feedback.values().any(|f| {
        &f.from == me
            && f.document.is_none()
            && f.written_at.is_none()
            && !f.waiting_for_approval()
            && check_act(
                Act::WriteAskedFeedback { asked: true },
                review.stage,
                Default::default(),
            )
            .is_ok()
    });
    owed.then(|| {
        format!(
            "Write the feedback you were asked for on {} ({})",
            ws.name_of(&review.employee),
            review.cycle_name
        )
    })
}
