//! The one place that decides what the person using this device may see and do, from
//! the signed membership (`identity::Membership`): who they are, their roles and the
//! signed reporting lines. Pages ask it; they never work a right out themselves.
//!
//! A workspace nobody has claimed yet (made by an earlier build, or just made) has no
//! rules: whoever sets it up may do everything, as before, until a device claims it.
//!
//! ```
//! use throughline::model::access::Access;
//! use throughline::model::PersonId;
//! let someone = PersonId::random();
//! let setup = Access::unclaimed(Some(someone.clone()));
//! assert!(setup.may_edit_people() && setup.may_run_cycles());
//! // A device the rules do not know sees no one's ratings.
//! let visitor = Access::nobody();
//! assert!(!visitor.may_see_ratings_of(&someone));
//! ```

use std::collections::BTreeSet;

use super::identity::{DeviceKey, Membership, Role};
use super::listing::Listed;
use super::part_check::PartWriter;
use super::review::{Capacity, Review};
use super::{DocumentId, PersonId};

/// What the person using this device may do.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Access {
    person: Option<PersonId>,
    /// `None` while the workspace is unclaimed (no rules yet).
    rules: Option<Rules>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Rules {
    admin: bool,
    hr: bool,
    /// Everyone below this person in the signed reporting lines.
    reports: BTreeSet<PersonId>,
    /// Their direct reports.
    direct_reports: BTreeSet<PersonId>,
    /// Whether this device was in the workspace and has been removed.
    removed: bool,
    /// The plans (their URLs) an admin signed this person onto, in any role.
    plans: BTreeSet<String>,
}

impl Access {
    /// A workspace with no rules yet: `person` (as chosen on this device) may do anything.
    pub fn unclaimed(person: Option<PersonId>) -> Self {
        Self {
            person,
            rules: None,
        }
    }

    /// Someone the rules do not know (a device whose key cannot be read): nothing.
    pub fn nobody() -> Self {
        Self {
            person: None,
            rules: Some(Rules {
                admin: false,
                hr: false,
                reports: BTreeSet::new(),
                direct_reports: BTreeSet::new(),
                removed: false,
                plans: BTreeSet::new(),
            }),
        }
    }

    /// What `device` may do under `membership`.
    pub fn of_device(membership: &Membership, device: &DeviceKey) -> Self {
        let person = membership.person_of(device).cloned();
        let mut reports = BTreeSet::new();
        let mut direct_reports = BTreeSet::new();
        if let Some(me) = &person {
            let lines = membership.reporting_lines();
            for (report, manager) in lines {
                if manager.as_ref() == Some(me) {
                    direct_reports.insert(report.clone());
                }
            }
            // Everyone whose chain of managers reaches this person (the signed lines have
            // no loops: a statement making one is ignored).
            for report in lines.keys() {
                let mut up = lines.get(report).and_then(Option::as_ref);
                let mut steps = 0;
                while let Some(manager) = up {
                    if manager == me {
                        reports.insert(report.clone());
                        break;
                    }
                    steps += 1;
                    if steps > lines.len() {
                        break;
                    }
                    up = lines.get(manager).and_then(Option::as_ref);
                }
            }
        }
        let rules = Rules {
            admin: person
                .as_ref()
                .is_some_and(|p| membership.has_role(p, Role::Admin)),
            hr: person
                .as_ref()
                .is_some_and(|p| membership.has_role(p, Role::Hr)),
            reports,
            direct_reports,
            removed: membership.was_removed(device),
            plans: person
                .as_ref()
                .map(|p| membership.plans_of(p))
                .unwrap_or_default(),
        };
        Self {
            person,
            rules: Some(rules),
        }
    }

    /// Who uses this device, if anyone the rules (or the setup) know.
    pub fn person(&self) -> Option<&PersonId> {
        self.person.as_ref()
    }

    /// Whether the workspace has rules (someone claimed it).
    pub fn claimed(&self) -> bool {
        self.rules.is_some()
    }

    /// Whether this device was removed from the workspace.
    pub fn removed(&self) -> bool {
        self.rules.as_ref().is_some_and(|r| r.removed)
    }

    pub fn is_admin(&self) -> bool {
        self.rules.as_ref().is_none_or(|r| r.admin)
    }

    pub fn is_hr(&self) -> bool {
        self.rules.as_ref().is_none_or(|r| r.hr)
    }

    /// Adding, changing and removing people and teams, roles and reporting lines.
    pub fn may_edit_people(&self) -> bool {
        self.is_admin()
    }

    /// Starting a plan (a new one, or next cycle's): the admins', who then sign who takes
    /// part in it. Everyone's while nobody has claimed the workspace.
    pub fn may_start_plans(&self) -> bool {
        self.is_admin() && !self.removed()
    }

    /// Whether this device may change the plan `plan`: its participants, as admins signed
    /// them (any role), and the admins. Every member reads every plan.
    pub fn may_change_plan(&self, plan: DocumentId) -> bool {
        self.may_change(&Listed::Plan { plan })
    }

    /// Scales, templates and cycles; every review of a cycle, its ratings and calibration.
    pub fn may_run_cycles(&self) -> bool {
        self.is_hr()
    }

    /// Whether `person` is below this person in the reporting lines.
    pub fn manages(&self, person: &PersonId) -> bool {
        match &self.rules {
            None => true,
            Some(rules) => rules.reports.contains(person),
        }
    }

    /// Ratings, potential and calibration of `person`: HR and their managers.
    pub fn may_see_ratings_of(&self, person: &PersonId) -> bool {
        match &self.rules {
            None => true,
            Some(rules) => rules.hr || rules.reports.contains(person),
        }
    }

    /// Whether this device may hold (open, store, sync) the review of `employee`: their
    /// own, the people below them, everyone's for HR. What a device never opens never
    /// reaches its storage.
    pub fn may_open_review_of(&self, employee: &PersonId) -> bool {
        match &self.rules {
            None => true,
            Some(rules) if rules.removed => false,
            Some(rules) => {
                self.person.as_ref() == Some(employee)
                    || rules.hr
                    || rules.reports.contains(employee)
            }
        }
    }

    /// Whether this device may hold the check-in series of `manager` and `employee`:
    /// only the pair's.
    pub fn may_open_check_in(&self, manager: &PersonId, employee: &PersonId) -> bool {
        match &self.rules {
            None => true,
            Some(rules) if rules.removed => false,
            Some(_) => self
                .person
                .as_ref()
                .is_some_and(|me| me == manager || me == employee),
        }
    }

    /// Whether this device may hold (open, store, sync) the listed document `listed`:
    /// every plan; a review if [`Access::may_open_review_of`] its employee; feedback asked
    /// on a review if its writer, or one who may open the review *other than its
    /// employee* (and the same for a review's manager's side); a check-in series if one
    /// of its pair; feedback given during the year if its giver, or one who may open the
    /// reviews of the person it is for (them, their managers, HR); a document listed as several
    /// things only if each of them. Devices ask this for
    /// what they open, and the relay for what it serves.
    pub fn may_hold(&self, listed: &Listed) -> bool {
        match listed {
            Listed::Plan { .. } => !self.removed() && (!self.claimed() || self.person.is_some()),
            Listed::Review { employee } => self.may_open_review_of(employee),
            Listed::ManagerSide { employee } => {
                self.may_open_review_of(employee)
                    && (self.rules.is_none() || self.person.as_ref() != Some(employee))
            }
            Listed::AskedFeedback { employee, writer } => {
                let me = self.person.as_ref();
                (!self.removed() && me.is_some() && me == writer.as_ref())
                    || (self.may_open_review_of(employee) && me != Some(employee))
            }
            Listed::CheckIn { manager, employee } => self.may_open_check_in(manager, employee),
            Listed::GivenFeedback { to, from } => {
                self.may_open_review_of(to)
                    || (!self.removed()
                        && self.person.is_some()
                        && self.person.as_ref() == Some(from))
            }
            Listed::Contested(all) => all.iter().all(|listed| self.may_hold(listed)),
        }
    }

    /// Whether this device may change the listed document `listed` (it may hold it, and
    /// acts on it): a review's employee, their direct manager and HR; its manager's side,
    /// the direct manager and HR (never the employee, not even one in HR); asked feedback's
    /// writer, the employee's direct manager and HR; given feedback, its giver only; a
    /// series' pair; on a plan, its signed participants and the admins. A manager
    /// further up reads a review but does not change it.
    pub fn may_change(&self, listed: &Listed) -> bool {
        if !self.may_hold(listed) {
            return false;
        }
        match (listed, &self.rules) {
            (_, None) => true,
            (Listed::Review { employee }, Some(rules)) => {
                rules.hr
                    || rules.direct_reports.contains(employee)
                    || self.person.as_ref() == Some(employee)
            }
            (Listed::ManagerSide { employee }, Some(rules)) => {
                rules.hr || rules.direct_reports.contains(employee)
            }
            (Listed::AskedFeedback { employee, writer }, Some(rules)) => {
                rules.hr
                    || rules.direct_reports.contains(employee)
                    || (self.person.is_some() && self.person.as_ref() == writer.as_ref())
            }
            (Listed::GivenFeedback { from, .. }, Some(_)) => self.person.as_ref() == Some(from),
            (Listed::Plan { plan }, Some(rules)) => {
                rules.admin || rules.plans.contains(&plan.url())
            }
            (Listed::CheckIn { .. }, Some(_)) => true,
            (Listed::Contested(all), Some(_)) => all.iter().all(|listed| self.may_change(listed)),
        }
    }

    /// In what capacity this device changes the listed document, when it may change it
    /// and the document has several writers with parts of their own: a review (as its
    /// employee, their direct manager or HR), a check-in series (as one of its pair) or
    /// asked feedback (as its writer, or the employee's manager or HR). What it sends of
    /// one is then checked part by part (`part_check::check_parts`) by the relay and a
    /// direct link. `None` for anything else (decided per document).
    pub fn part_writer(&self, listed: &Listed) -> Option<PartWriter> {
        let rules = self.rules.as_ref()?;
        if !self.may_change(listed) {
            return None;
        }
        match listed {
            Listed::Review { employee } => Some(PartWriter::Review(Capacity {
                employee: self.person.as_ref() == Some(employee),
                manager: rules.direct_reports.contains(employee),
                hr: rules.hr,
            })),
            Listed::CheckIn { manager, employee } => Some(PartWriter::CheckIn {
                manager: manager.clone(),
                employee: employee.clone(),
            }),
            Listed::AskedFeedback { employee, writer } => Some(PartWriter::AskedFeedback {
                employee: employee.clone(),
                writer: writer.clone(),
                manager_or_hr: rules.hr || rules.direct_reports.contains(employee),
            }),
            Listed::Contested(all) => all.iter().find_map(|listed| self.part_writer(listed)),
            Listed::Plan { .. } | Listed::ManagerSide { .. } | Listed::GivenFeedback { .. } => None,
        }
    }

    /// Whether a cycle's overview (everyone's progress, the CSV, the 9-box) is shown: to
    /// HR, and to managers (who see their own people in it).
    pub fn may_see_cycle_overview(&self) -> bool {
        match &self.rules {
            None => true,
            Some(rules) => rules.hr || !rules.direct_reports.is_empty(),
        }
    }

    /// Whether this person is shown `review` at all (the employee, their manager, HR).
    pub fn sees_review(&self, review: &Review) -> bool {
        !self.capacity_on(review).none()
    }

    /// Whether this person is shown the manager's side of `review` (assessment, ratings,
    /// potential, calibration): the manager and HR always, the employee once it is shared.
    pub fn sees_manager_side(&self, review: &Review) -> bool {
        let capacity = self.capacity_on(review);
        capacity.manager
            || capacity.hr
            || (capacity.employee && review.stage >= super::review::Stage::Shared)
    }

    /// In what capacity this person acts on `review`. With rules, the manager is whoever
    /// the signed lines say the employee reports to (not what the review document says),
    /// and HR is whoever holds the HR role.
    pub fn capacity_on(&self, review: &Review) -> Capacity {
        let Some(me) = &self.person else {
            return Capacity::default();
        };
        match &self.rules {
            None => review.capacity_of(me),
            Some(rules) if rules.removed => Capacity::default(),
            Some(rules) => Capacity {
                employee: &review.employee == me,
                manager: rules.direct_reports.contains(&review.employee),
                hr: rules.hr,
            },
        }
    }
}
