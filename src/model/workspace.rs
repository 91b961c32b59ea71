//! The workspace document: the organisation, its people and its teams.
//!
//! People and teams are maps keyed by stable ids. Two devices adding people at once both
//! keep their additions; two people editing different fields of the same person both keep
//! their edits; the same field edited twice settles on one value, the same on every device.

use std::collections::BTreeMap;

use autosurgeon::{Hydrate, Reconcile, Text};

use super::ids::{DocumentUrl, ItemId, PersonId, TeamId};
use super::nudge::Nudge;
use super::review::{
    CheckInEntry, Feedback, FeedbackRequest, GivenEntry, RatingScale, ReviewCycle, ReviewTemplate,
};
use super::text_update::TextUpdate;

/// Longest name (of a person, team or organisation) we accept, in characters.
const MAX_NAME_CHARS: usize = 200;

/// What stands for the name of someone who has left the workspace.
pub const NO_LONGER_HERE: &str = "Someone no longer here";

/// The workspace document.
#[derive(Debug, Clone, Default, PartialEq, Hydrate, Reconcile)]
pub struct Workspace {
    /// The organisation's name, shown in the header. Empty until someone names it.
    #[autosurgeon(hydrate = "super::interop::string_or_text")]
    pub organisation: String,
    /// What the organisation is and does, written together: Automerge text, so two people
    /// typing in it at once merge character by character. (Workspaces made before it
    /// existed read it as empty.)
    #[autosurgeon(missing = "Text::default")]
    pub about: Text,
    pub people: BTreeMap<PersonId, Person>,
    pub teams: BTreeMap<TeamId, Team>,
    /// The organisation's plans, each its own document, keyed by its `automerge:` URL.
    /// (Workspaces made before plans existed read it as empty.)
    #[autosurgeon(missing = "BTreeMap::new")]
    pub plans: BTreeMap<DocumentUrl, PlanEntry>,
    /// HR's rating scales and review templates. (Each of these maps reads as empty in a
    /// workspace made before reviews existed.)
    #[autosurgeon(missing = "BTreeMap::new")]
    pub scales: BTreeMap<ItemId, RatingScale>,
    #[autosurgeon(missing = "BTreeMap::new")]
    pub templates: BTreeMap<ItemId, ReviewTemplate>,
    #[autosurgeon(missing = "BTreeMap::new")]
    pub cycles: BTreeMap<ItemId, ReviewCycle>,
    /// Check-in series, each its own document, keyed by its `automerge:` URL.
    #[autosurgeon(missing = "BTreeMap::new")]
    pub check_ins: BTreeMap<DocumentUrl, CheckInEntry>,
    /// Feedback and praise given by earlier builds, which kept them here for every
    /// member to read; what is given now has a document of its own (`given_feedback`).
    #[autosurgeon(missing = "BTreeMap::new")]
    pub feedback: BTreeMap<ItemId, Feedback>,
    /// Feedback and praise, each in a document of its own, by its `automerge:` URL: to
    /// whom and from whom (who may read and write it, `listing::Listed::GivenFeedback`).
    #[autosurgeon(missing = "BTreeMap::new")]
    pub given_feedback: BTreeMap<DocumentUrl, GivenEntry>,
    /// Requests for peer feedback, so the asked person's device opens the review.
    #[autosurgeon(missing = "BTreeMap::new")]
    pub feedback_requests: BTreeMap<ItemId, FeedbackRequest>,
    /// Reminders of a late step sent by earlier builds, which kept them here for every
    /// member to read; a reminder is now kept in the review it is about (`Review::nudges`).
    #[autosurgeon(missing = "BTreeMap::new")]
    pub nudges: BTreeMap<ItemId, Nudge>,
    /// The key of the device that founded (or claimed) the workspace: where every signed
    /// membership statement must lead back to. Empty until someone claims the workspace.
    /// A device that joined pins the key its invitation carried and trusts only that one.
    #[autosurgeon(missing = "String::new")]
    pub root: String,
    /// Signed membership statements (`identity::Membership`), each under its hash.
    #[autosurgeon(missing = "BTreeMap::new")]
    pub membership: BTreeMap<String, crate::model::identity::SignedStatement>,
}

/// What a link from the workspace leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkKind {
    Plan,
    CheckIns,
    Review,
}

/// A plan listed in the workspace. What the plan says lives in its own document.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Hydrate, Reconcile)]
pub struct PlanEntry {
    /// When it was listed (milliseconds since 1970), to order the list.
    pub listed_at: i64,
}

/// A person in the organisation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Hydrate, Reconcile)]
pub struct Person {
    #[autosurgeon(hydrate = "super::interop::string_or_text")]
    pub name: String,
    #[autosurgeon(hydrate = "super::interop::string_or_text")]
    pub title: String,
    #[autosurgeon(hydrate = "super::interop::string_or_text")]
    pub email: String,
    /// Whom this person reports to.
    pub manager: Option<PersonId>,
    pub team: Option<TeamId>,
}

/// A team.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Hydrate, Reconcile)]
pub struct Team {
    #[autosurgeon(hydrate = "super::interop::string_or_text")]
    pub name: String,
    pub lead: Option<PersonId>,
}

/// What a person fills in on the form for a person.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PersonDetails {
    pub name: String,
    pub title: String,
    pub email: String,
    pub manager: Option<PersonId>,
    pub team: Option<TeamId>,
}

/// What a person fills in on the form for a team.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TeamDetails {
    pub name: String,
    pub lead: Option<PersonId>,
}

/// Why an edit of the workspace was refused. The text is shown to the person as it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WorkspaceError {
    #[error("A name is required.")]
    NameRequired,
    #[error("That name is too long (at most {MAX_NAME_CHARS} characters).")]
    NameTooLong,
    #[error("\"{0}\" is not an email address.")]
    InvalidEmail(String),
    #[error("That person is no longer in the workspace.")]
    UnknownPerson,
    #[error("That team is no longer in the workspace.")]
    UnknownTeam,
    #[error("A person cannot be their own manager.")]
    OwnManager,
    #[error("{0} already reports, directly or not, to this person; choose another manager.")]
    ManagerCycle(String),
}

impl Person {
    /// The form's fields, filled in with this person's details.
    pub fn details(&self) -> PersonDetails {
        PersonDetails {
            name: self.name.clone(),
            title: self.title.clone(),
            email: self.email.clone(),
            manager: self.manager.clone(),
            team: self.team.clone(),
        }
    }
}

impl Team {
    /// The form's fields, filled in with this team's details.
    pub fn details(&self) -> TeamDetails {
        TeamDetails {
            name: self.name.clone(),
            lead: self.lead.clone(),
        }
    }
}

impl Workspace {
    /// A new workspace for the organisation called `organisation` (may be empty: the app
    /// asks for the name on first start).
    pub fn new(organisation: &str) -> Self {
        Self {
            organisation: organisation.trim().to_owned(),
            ..Self::default()
        }
    }

    /// Names (or renames) the organisation.
    pub fn rename(&mut self, organisation: &str) -> Result<(), WorkspaceError> {
        self.organisation = valid_name(organisation)?;
        Ok(())
    }

    /// Replaces the description with `text`. Only the characters that differ are written,
    /// so someone else's concurrent typing elsewhere in the text is kept.
    pub fn set_about(&mut self, text: &str) {
        self.about.update_changed(text);
    }

    pub fn about_text(&self) -> &str {
        self.about.as_str()
    }

    /// Whether the organisation still needs a name (the first-start screen).
    pub fn needs_name(&self) -> bool {
        self.organisation.is_empty()
    }

    pub fn person(&self, id: &PersonId) -> Option<&Person> {
        self.people.get(id)
    }

    /// A person's name, or a note that they left the workspace (reviews, feedback and
    /// goals outlive the people they name).
    pub fn name_of(&self, id: &PersonId) -> String {
        self.person(id)
            .map(|p| p.name.clone())
            .unwrap_or_else(|| NO_LONGER_HERE.to_owned())
    }

    pub fn team(&self, id: &TeamId) -> Option<&Team> {
        self.teams.get(id)
    }

    /// Adds a person under `id` (a fresh [`PersonId::random`]).
    pub fn add_person(
        &mut self,
        id: PersonId,
        details: PersonDetails,
    ) -> Result<(), WorkspaceError> {
        let person = self.checked_person(&id, details)?;
        self.people.insert(id, person);
        Ok(())
    }

    /// Replaces the details of an existing person.
    pub fn update_person(
        &mut self,
        id: &PersonId,
        details: PersonDetails,
    ) -> Result<(), WorkspaceError> {
        if !self.people.contains_key(id) {
            return Err(WorkspaceError::UnknownPerson);
        }
        let person = self.checked_person(id, details)?;
        self.people.insert(id.clone(), person);
        Ok(())
    }

    /// Removes a person. Their direct reports are left without a manager and a team they
    /// led without a lead, so no reference points at someone who is gone.
    pub fn remove_person(&mut self, id: &PersonId) -> Result<Person, WorkspaceError> {
        let removed = self
            .people
            .remove(id)
            .ok_or(WorkspaceError::UnknownPerson)?;
        for person in self.people.values_mut() {
            if person.manager.as_ref() == Some(id) {
                person.manager = None;
            }
        }
        for team in self.teams.values_mut() {
            if team.lead.as_ref() == Some(id) {
                team.lead = None;
            }
        }
        Ok(removed)
    }

    pub fn add_team(&mut self, id: TeamId, details: TeamDetails) -> Result<(), WorkspaceError> {
        let team = self.checked_team(details)?;
        self.teams.insert(id, team);
        Ok(())
    }

    pub fn update_team(&mut self, id: &TeamId, details: TeamDetails) -> Result<(), WorkspaceError> {
        if !self.teams.contains_key(id) {
            return Err(WorkspaceError::UnknownTeam);
        }
        let team = self.checked_team(details)?;
        self.teams.insert(id.clone(), team);
        Ok(())
    }

    /// Removes a team; its members stay in the workspace, without a team.
    pub fn remove_team(&mut self, id: &TeamId) -> Result<Team, WorkspaceError> {
        let removed = self.teams.remove(id).ok_or(WorkspaceError::UnknownTeam)?;
        for person in self.people.values_mut() {
            if person.team.as_ref() == Some(id) {
                person.team = None;
            }
        }
        Ok(removed)
    }

    /// Lists the plan whose document is at `url` (idempotent: listing twice keeps one).
    pub fn list_plan(&mut self, url: impl Into<DocumentUrl>, listed_at: i64) {
        self.plans
            .entry(url.into())
            .or_insert(PlanEntry { listed_at });
    }

    /// Every link from the workspace to another document: listed plans and check-in
    /// series, the reviews of each cycle, the reviews feedback was asked on.
    pub fn links(&self) -> impl Iterator<Item = (LinkKind, &DocumentUrl)> {
        let plans = self.plans.keys().map(|url| (LinkKind::Plan, url));
        let check_ins = self.check_ins.keys().map(|url| (LinkKind::CheckIns, url));
        let reviews = self
            .cycles
            .values()
            .flat_map(|cycle| cycle.reviews.values())
            .map(|url| (LinkKind::Review, url));
        let asked = self
            .feedback_requests
            .values()
            .map(|request| (LinkKind::Review, &request.review));
        plans.chain(check_ins).chain(reviews).chain(asked)
    }

    /// The links whose address does not read as a document's (written by a faulty or
    /// hostile peer): nothing can open them, and the page says so rather than leaving
    /// them out in silence. Each address once.
    pub fn unreadable_links(&self) -> Vec<(LinkKind, DocumentUrl)> {
        let mut unreadable: Vec<(LinkKind, DocumentUrl)> = self
            .links()
            .filter(|(_, url)| url.document().is_err())
            .map(|(kind, url)| (kind, url.clone()))
            .collect();
        unreadable.sort_by(|a, b| a.1.cmp(&b.1));
        unreadable.dedup_by(|a, b| a.1 == b.1);
        unreadable
    }

    /// The plans' URLs, oldest listed first.
    pub fn plan_urls(&self) -> Vec<DocumentUrl> {
        let mut plans: Vec<_> = self.plans.iter().collect();
        plans
            .sort_by(|(a_url, a), (b_url, b)| a.listed_at.cmp(&b.listed_at).then(a_url.cmp(b_url)));
        plans.into_iter().map(|(url, _)| url.clone()).collect()
    }

    /// People sorted by name (then id, so the order is the same on every device).
    pub fn people_by_name(&self) -> Vec<(&PersonId, &Person)> {
        let mut people: Vec<_> = self.people.iter().collect();
        // Each name lowered once, not twice per comparison: the People page sorts every
        // person on each edit.
        people.sort_by_cached_key(|(id, person)| (person.name.to_lowercase(), *id));
        people
    }

    /// Teams sorted by name.
    pub fn teams_by_name(&self) -> Vec<(&TeamId, &Team)> {
        let mut teams: Vec<_> = self.teams.iter().collect();
        teams.sort_by_cached_key(|(id, team)| (team.name.to_lowercase(), *id));
        teams
    }

    /// The people who report directly to `manager`, by name.
    pub fn direct_reports(&self, manager: &PersonId) -> Vec<(&PersonId, &Person)> {
        self.people_by_name()
            .into_iter()
            .filter(|(_, person)| person.manager.as_ref() == Some(manager))
            .collect()
    }

    /// The members of `team`, by name.
    pub fn members(&self, team: &TeamId) -> Vec<(&PersonId, &Person)> {
        self.people_by_name()
            .into_iter()
            .filter(|(_, person)| person.team.as_ref() == Some(team))
            .collect()
    }

    /// Every team's members' names, by name, in one pass over the people (a page listing
    /// all teams would otherwise sort everyone once per team).
    pub fn member_names_by_team(&self) -> BTreeMap<&TeamId, Vec<&str>> {
        let mut by_team: BTreeMap<&TeamId, Vec<&str>> = BTreeMap::new();
        for (_, person) in self.people_by_name() {
            if let Some(team) = &person.team {
                by_team.entry(team).or_default().push(&person.name);
            }
        }
        by_team
    }

    /// The name to show for a person id, or a plain note when they have been removed
    /// (which a concurrent edit on another device can cause).
    pub fn person_name(&self, id: &PersonId) -> String {
        self.people.get(id).map_or_else(
            || "(removed person)".to_owned(),
            |person| person.name.clone(),
        )
    }

    fn checked_person(
        &self,
        id: &PersonId,
        details: PersonDetails,
    ) -> Result<Person, WorkspaceError> {
        let name = valid_name(&details.name)?;
        let email = details.email.trim().to_owned();
        if !email.is_empty() && !looks_like_email(&email) {
            return Err(WorkspaceError::InvalidEmail(email));
        }
        if let Some(manager) = &details.manager {
            if manager == id {
                return Err(WorkspaceError::OwnManager);
            }
            if !self.people.contains_key(manager) {
                return Err(WorkspaceError::UnknownPerson);
            }
            if self.manages_indirectly(id, manager) {
                return Err(WorkspaceError::ManagerCycle(self.person_name(manager)));
            }
        }
        if let Some(team) = &details.team {
            if !self.teams.contains_key(team) {
                return Err(WorkspaceError::UnknownTeam);
            }
        }
        Ok(Person {
            name,
            title: details.title.trim().to_owned(),
            email,
            manager: details.manager,
            team: details.team,
        })
    }

    fn checked_team(&self, details: TeamDetails) -> Result<Team, WorkspaceError> {
        let name = valid_name(&details.name)?;
        if let Some(lead) = &details.lead {
            if !self.people.contains_key(lead) {
                return Err(WorkspaceError::UnknownPerson);
            }
        }
        Ok(Team {
            name,
            lead: details.lead,
        })
    }

    /// Whether `person` is somewhere above `candidate` in the reporting line. The walk is
    /// bounded by the number of people, so a cycle that concurrent edits created on two
    /// devices cannot make it loop.
    fn manages_indirectly(&self, person: &PersonId, candidate: &PersonId) -> bool {
        let mut current = self.people.get(candidate).and_then(|p| p.manager.as_ref());
        for _ in 0..self.people.len() {
            match current {
                Some(manager) if manager == person => return true,
                Some(manager) => {
                    current = self.people.get(manager).and_then(|p| p.manager.as_ref())
                }
                None => return false,
            }
        }
        false
    }
}

fn valid_name(raw: &str) -> Result<String, WorkspaceError> {
    let name = raw.trim();
    if name.is_empty() {
        return Err(WorkspaceError::NameRequired);
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(WorkspaceError::NameTooLong);
    }
    Ok(name.to_owned())
}

fn looks_like_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.is_empty()
        && !domain.contains('@')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.chars().any(char::is_whitespace)
}

impl super::document_view::DocumentView for Workspace {
    /// In one pass over the document (`workspace_read`); a shape that reader does not
    /// know is read by autosurgeon, as every build did before.
    fn read(doc: &automerge::AutoCommit) -> Result<Self, String> {
        Self::read_in_one_pass(doc)
            .or_else(|_| autosurgeon::hydrate(doc).map_err(|e| e.to_string()))
    }

    /// Writes only the fields, people and teams that differ from `before`.
    fn write_since(
        &mut self,
        before: &Self,
        doc: &mut automerge::AutoCommit,
    ) -> Result<(), String> {
        use super::document_view::{write_field, write_map};
        // Every field is named here, with no `..`: a field added to `Workspace` and not
        // written is a compile error (see the same in `Plan`).
        let Workspace {
            organisation,
            about,
            people,
            teams,
            plans,
            scales,
            templates,
            cycles,
            check_ins,
            feedback,
            given_feedback,
            feedback_requests,
            nudges,
            root,
            membership,
        } = &*self;
        write_field(doc, "organisation", organisation, &before.organisation)?;
        write_field(doc, "about", about, &before.about)?;
        write_map(doc, "people", people, &before.people)?;
        write_map(doc, "teams", teams, &before.teams)?;
        write_map(doc, "plans", plans, &before.plans)?;
        write_map(doc, "scales", scales, &before.scales)?;
        write_map(doc, "templates", templates, &before.templates)?;
        write_map(doc, "cycles", cycles, &before.cycles)?;
        write_map(doc, "check_ins", check_ins, &before.check_ins)?;
        write_map(doc, "feedback", feedback, &before.feedback)?;
        write_map(
            doc,
            "given_feedback",
            given_feedback,
            &before.given_feedback,
        )?;
        write_map(
            doc,
            "feedback_requests",
            feedback_requests,
            &before.feedback_requests,
        )?;
        write_map(doc, "nudges", nudges, &before.nudges)?;
        write_field(doc, "root", root, &before.root)?;
        write_map(doc, "membership", membership, &before.membership)?;
        Ok(())
    }

    fn refresh(&mut self, doc: &automerge::AutoCommit) {
        // Text edits are tied to the heads they were read at; the characters are the
        // ones this view just wrote (`KnownTexts`).
        let known = crate::model::KnownTexts::new(doc, [&self.about]);
        if let Ok(about) = autosurgeon::hydrate_prop(&known, automerge::ROOT, "about") {
            self.about = about;
        }
    }
}

/// Why a membership statement could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MembershipError {
    #[error("This workspace was already claimed by another device.")]
    AlreadyClaimed,
    #[error("Nobody has claimed this workspace yet: its first admin must claim it first.")]
    Unclaimed,
    #[error("That person is not in the workspace.")]
    UnknownPerson,
    #[error("The workspace would not accept that: {0}.")]
    Refused(crate::model::identity::Ignored),
}

impl Workspace {
    /// The signed membership, trusting `pinned` (the root this device pinned when it
    /// joined) or, on a device that pinned none, the root the workspace names. `None`
    /// while nobody has claimed it.
    pub fn membership(
        &self,
        workspace_id: &str,
        pinned: Option<&crate::model::identity::DeviceKey>,
    ) -> Option<crate::model::identity::Membership> {
        self.membership_with(workspace_id, pinned, &mut Default::default())
    }

    /// [`Workspace::membership`], checking only signatures `checked` has not seen.
    pub fn membership_with(
        &self,
        workspace_id: &str,
        pinned: Option<&crate::model::identity::DeviceKey>,
        checked: &mut crate::model::identity::CheckedStatements,
    ) -> Option<crate::model::identity::Membership> {
        let root = match pinned {
            Some(root) => *root,
            None => self.root.parse().ok()?,
        };
        Some(crate::model::identity::Membership::verify_with(
            workspace_id,
            &root,
            &self.membership,
            checked,
        ))
    }

    /// Claims an unclaimed workspace for this device as `person`, its first admin.
    pub fn claim(
        &mut self,
        workspace_id: &str,
        secret: &crate::model::identity::DeviceSecret,
        person: &PersonId,
        now: i64,
    ) -> Result<(), MembershipError> {
        if !self.root.is_empty() {
            return Err(MembershipError::AlreadyClaimed);
        }
        if !self.people.contains_key(person) {
            return Err(MembershipError::UnknownPerson);
        }
        self.root = secret.public().to_string();
        self.sign(
            workspace_id,
            secret,
            None,
            crate::model::identity::Act::Found {
                person: person.clone(),
            },
            now,
        )
        .map(|_| ())
    }

    /// Claims the workspace as [`Workspace::claim`] does, and signs with it what a first
    /// admin confirms: HR for the founder (who runs reviews until they give it to someone
    /// else) and every reporting line the workspace already has, so a workspace made by
    /// an earlier build keeps its lines as signed rules. A line that would loop is left
    /// unsigned (the organisation chart flags it).
    pub fn claim_as_founder(
        &mut self,
        workspace_id: &str,
        secret: &crate::model::identity::DeviceSecret,
        person: &PersonId,
        now: i64,
    ) -> Result<(), MembershipError> {
        use crate::model::identity::{Act, Role};
        self.claim(workspace_id, secret, person, now)?;
        let root = secret.public();
        self.sign(
            workspace_id,
            secret,
            Some(&root),
            Act::Grant {
                person: person.clone(),
                role: Role::Hr,
            },
            now,
        )?;
        let lines: Vec<Act> = self
            .people
            .iter()
            .filter_map(|(id, p)| Some((id.clone(), p.manager.clone()?)))
            .filter(|(_, manager)| self.people.contains_key(manager))
            .map(|(person, manager)| Act::SetManager {
                person,
                manager: Some(manager),
            })
            .collect();
        self.sign_all(workspace_id, secret, Some(&root), lines, now)?;
        Ok(())
    }

    /// Signs `acts` in this order as this device and keeps those the membership counts,
    /// as [`sign`](Self::sign) one at a time would, and says how many were kept. The rules
    /// are worked out twice for the whole batch (three times when some are refused),
    /// not twice per act: claiming a workspace of a thousand people signs a thousand
    /// reporting lines, which one at a time took minutes in the browser.
    pub fn sign_all(
        &mut self,
        workspace_id: &str,
        secret: &crate::model::identity::DeviceSecret,
        pinned: Option<&crate::model::identity::DeviceKey>,
        mut acts: Vec<crate::model::identity::Act>,
        now: i64,
    ) -> Result<usize, MembershipError> {
        while !acts.is_empty() {
            let membership = self
                .membership(workspace_id, pinned)
                .ok_or(MembershipError::Unclaimed)?;
            let chain = membership.sign_chain(workspace_id, secret, &acts, now);
            let (with, refused) = self.with_statements(workspace_id, pinned, &chain)?;
            if refused.iter().all(Option::is_none) {
                self.membership = with;
                return Ok(chain.len());
            }
            // Signed again without those refused: each statement names the one before it,
            // so none may follow one that is not kept.
            acts = acts
                .into_iter()
                .zip(refused)
                .filter_map(|(act, refused)| refused.is_none().then_some(act))
                .collect();
        }
        Ok(0)
    }

    /// Signs `act` as this device and keeps it, if the membership would count it (so a
    /// refusal comes back as words instead of a statement every device ignores).
    pub fn sign(
        &mut self,
        workspace_id: &str,
        secret: &crate::model::identity::DeviceSecret,
        pinned: Option<&crate::model::identity::DeviceKey>,
        act: crate::model::identity::Act,
        now: i64,
    ) -> Result<crate::model::identity::StatementHash, MembershipError> {
        let membership = self
            .membership(workspace_id, pinned)
            .ok_or(MembershipError::Unclaimed)?;
        let signed = membership.sign(workspace_id, secret, act, now);
        let (with, refused) =
            self.with_statements(workspace_id, pinned, std::slice::from_ref(&signed))?;
        if let Some(reason) = refused.into_iter().flatten().next() {
            return Err(MembershipError::Refused(reason));
        }
        self.membership = with;
        Ok(signed.0)
    }

    /// The statements with `added` kept too, and for each of `added` why the rules (worked
    /// out once, from the root) would ignore it, if they would.
    #[allow(clippy::type_complexity)]
    fn with_statements(
        &self,
        workspace_id: &str,
        pinned: Option<&crate::model::identity::DeviceKey>,
        added: &[(
            crate::model::identity::StatementHash,
            crate::model::identity::SignedStatement,
        )],
    ) -> Result<
        (
            BTreeMap<String, crate::model::identity::SignedStatement>,
            Vec<Option<crate::model::identity::Ignored>>,
        ),
        MembershipError,
    > {
        let root = match pinned {
            Some(root) => *root,
            None => self.root.parse().map_err(|_| MembershipError::Unclaimed)?,
        };
        let mut with = self.membership.clone();
        for (hash, signed) in added {
            with.insert(hash.as_str().to_owned(), signed.clone());
        }
        let after = crate::model::identity::Membership::verify(workspace_id, &root, &with);
        let ignored: std::collections::BTreeMap<_, _> = after
            .ignored()
            .iter()
            .map(|i| (&i.hash, i.reason))
            .collect();
        let refused = added
            .iter()
            .map(|(hash, _)| ignored.get(hash).copied())
            .collect();
        Ok((with, refused))
    }
}
