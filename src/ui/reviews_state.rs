//! Reviews, check-ins and coaching notes as the UI sees them.
//!
//! - Each review is its own document, listed in its cycle in the workspace. This device
//!   opens, at start, the reviews that involve the person using it (their own, their
//!   direct reports', every review of a cycle they run for HR), so those are here before
//!   the network goes; a cycle page opens the rest of its cycle when it is visited.
//!   Whatever asks, only the reviews and series the signed rules let this device's person
//!   read are ever opened (`model::access`), so no other reaches its storage.
//! - Each check-in series (a manager and one of their people) is its own document,
//!   listed in the workspace; the series this device's person is in are opened at start.
//! - The manager's side of each review is its own document (`review::ManagerSide`, its
//!   id derived from the review's): the devices of the employee's managers and HR open it
//!   with the review, show the review through it and write the manager's parts there
//!   ([`ReviewsState::edit_review`]); the employee's never does.
//! - Feedback a colleague was asked for is its own document (`review::AskedFeedback`),
//!   listed in the workspace's request; the writer's, the employee's managers' and HR's
//!   devices open it at start, the employee's never does.
//! - Feedback and praise given during the year are each a document of its own
//!   (`review::Feedback`), listed in the workspace with whom it is for and from; the
//!   devices of its giver, the person it is for, their managers and HR open it at start.
//! - Coaching notes are one document per device person, never listed in the workspace
//!   and not lent to sync unless the manager turns that on in the page: its address is
//!   kept in this device's settings only.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use leptos::prelude::*;

use crate::model::check_in::CheckInSeries;
use crate::model::coaching_notes::CoachingNotes;
use crate::model::listing::{FollowedListing, Listed};
use crate::model::review::{
    AskedFeedback, CycleSetup, Feedback, ManagerSide, Review, ReviewSetup, Stage, StageOnly,
};
use crate::model::{DocumentUrl, ItemId, PersonId, Workspace, WorkspaceError};
use crate::store::{now_millis, DocumentId};
use crate::ui::app::SyncState;
use crate::ui::documents::{DocumentShelf, OpenDocument, Sharing};
use crate::ui::WorkspaceState;

pub type ReviewDocument = OpenDocument<Review>;
pub type CheckInDocument = OpenDocument<CheckInSeries>;
pub type NotesDocument = OpenDocument<CoachingNotes>;
pub type AskedDocument = OpenDocument<AskedFeedback>;
pub type SideDocument = OpenDocument<ManagerSide>;

#[derive(Clone, Copy)]
pub struct ReviewsState {
    pub reviews: DocumentShelf<Review>,
    pub check_ins: DocumentShelf<CheckInSeries>,
    /// Feedback documents this device's person writes, or reads as a manager or HR.
    pub asked: DocumentShelf<AskedFeedback>,
    /// Feedback and praise given during the year that this device's person may read.
    given: DocumentShelf<Feedback>,
    /// The manager's side of the open reviews whose employee this device's person
    /// manages or runs the cycle of.
    sides: DocumentShelf<ManagerSide>,
    /// The sides already shown through their review.
    attached: StoredValue<HashSet<DocumentId>, LocalStorage>,
    /// The App's owner: what shows a review through its side lives as long as the page.
    owner: StoredValue<Owner, LocalStorage>,
    notes: DocumentShelf<CoachingNotes>,
    /// This device's coaching notes, once opened or created.
    pub notes_document: RwSignal<Option<NotesDocument>>,
    /// Whether the notes are lent to sync (the manager's choice, per device).
    pub notes_synced: RwSignal<bool>,
    /// Why this device's notes could not be opened (an unreadable setting, storage that
    /// failed): shown on the notes, never taken for "no notes yet".
    pub notes_problem: RwSignal<Option<String>>,
    workspace: WorkspaceState,
    /// What the person using this device may do: which reviews and series it may hold.
    access: Memo<crate::model::access::Access>,
    /// What the workspace lists, and whose each document is: worked out once per change
    /// of the workspace, not once per document asked about (a manager's or HR's device
    /// asks about each of hundreds of reviews as they open).
    listing: Memo<FollowedListing>,
    /// Individual goals by the plan objective they serve (plan URL, objective id), over
    /// the reviews open on this device; read by the plan pages.
    pub aligned: Memo<HashMap<(DocumentUrl, ItemId), Vec<AlignedGoal>>>,
}

/// An individual goal aligned to a plan objective, as the plan shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct AlignedGoal {
    pub person: PersonId,
    pub title: String,
    pub progress: i64,
    pub cycle: String,
    /// The review's document id, to link to it.
    pub review: DocumentId,
}

impl ReviewsState {
    pub fn new(
        workspace: WorkspaceState,
        sync: SyncState,
        access: Memo<crate::model::access::Access>,
    ) -> Self {
        let state = Self {
            reviews: DocumentShelf::new(workspace, sync, "review", Sharing::Synced),
            check_ins: DocumentShelf::new(workspace, sync, "check-in series", Sharing::Synced),
            asked: DocumentShelf::new(workspace, sync, "feedback document", Sharing::Synced),
            sides: DocumentShelf::new(workspace, sync, "manager's side", Sharing::Synced),
            given: DocumentShelf::new(workspace, sync, "feedback", Sharing::Synced),
            attached: StoredValue::new_local(HashSet::new()),
            owner: StoredValue::new_local(Owner::current().unwrap_or_default()),
            notes: DocumentShelf::new(workspace, sync, "notes document", Sharing::DeviceOnly),
            notes_document: RwSignal::new(None),
            notes_synced: RwSignal::new(false),
            notes_problem: RwSignal::new(None),
            workspace,
            access,
            // Worked out again only when the workspace's lists of documents change: every
            // edit changes the workspace, and most (a person, a template) list nothing.
            listing: Memo::new_owning(move |previous: Option<FollowedListing>| {
                workspace.workspace.with(|ws| match previous {
                    Some(previous) => previous.follow(ws),
                    None => (FollowedListing::of(ws), true),
                })
            }),
            aligned: Memo::new(|_| HashMap::new()),
        };
        let reviews = state.reviews;
        // Lazy: computed only while a plan page reads it, again when a review changes.
        let state = Self {
            aligned: Memo::new(move |_| aligned_index(reviews)),
            ..state
        };
        // Open what involves the person using this device, now and whenever the lists or
        // the person change.
        Effect::new(move |_| {
            let me = workspace.me.get();
            access.track();
            let (reviews, series, asked) = workspace.workspace.with(|ws| {
                me.as_ref()
                    .map(|me| {
                        (
                            reviews_involving(ws, me),
                            check_ins_of(ws, me),
                            feedback_documents(ws),
                        )
                    })
                    .unwrap_or_default()
            });
            state.open_reviews(reviews);
            state.open_check_ins(series);
            // Those this device's person may hold: their own to write, and those on the
            // reviews they manage or run.
            let asked = state.readable(asked);
            state.asked.open_all(asked);
            let given = workspace.workspace.with(|ws| ids(ws.given_feedback.keys()));
            let given = state.readable(given);
            state.given.open_all(given);
        });
        // The manager's side of each open review this device's person may hold, opened
        // with it (again when the rules or the listing change), and each shown through its
        // review once both are open.
        Effect::new(move |_| {
            access.track();
            workspace.workspace.track();
            let sides = state.reviews.opened.with(|opened| {
                opened
                    .keys()
                    .map(|review| ManagerSide::document_of(*review))
                    .collect()
            });
            let sides = state.readable(sides);
            state.sides.open_all(sides);
        });
        Effect::new(move |_| {
            // Each review's side id derived once per change, not once per pair.
            let sides = state.sides.opened.get();
            let opened = state.reviews.opened.get_untracked();
            for (id, review) in opened {
                let side_id = ManagerSide::document_of(id);
                let Some(side) = sides.get(&side_id) else {
                    continue;
                };
                if state.attached.try_update_value(|a| a.insert(side_id)) == Some(true) {
                    state.attach(review, *side);
                }
            }
        });
        leptos::task::spawn_local(async move {
            if let Err(problem) = state.open_notes().await {
                state.notes_problem.set(Some(problem));
            }
        });
        state
    }

    /// Of `wanted`, the documents this device may hold (`Access::may_hold`: a review of
    /// its person's own, of someone below them, every one for HR, or one whose feedback
    /// its person was asked for; a check-in series of its pair). A document the
    /// workspace does not list is held only while the workspace has no rules.
    fn readable(&self, wanted: Vec<DocumentId>) -> Vec<DocumentId> {
        // The rules are read in place, not cloned (they hold every report's name).
        self.access.with_untracked(|access| {
            self.listing.with_untracked(|listing| {
                let listing = listing.listing();
                wanted
                    .into_iter()
                    .filter(|id| {
                        listing
                            .get(id)
                            .map_or(!access.claimed(), |listed| access.may_hold(listed))
                    })
                    .collect()
            })
        })
    }

    /// Whether this device may hold the listed document `id`, a review, a check-in series
    /// or a feedback document (tracked: the rules and the listing).
    pub fn may_hold(&self, id: DocumentId) -> bool {
        self.access.track();
        self.workspace.workspace.track();
        !self.readable(vec![id]).is_empty()
    }

    /// Shows `review` through its manager's side `side` from now on, and sets the side up
    /// (its first change, the same on every device) once the review is here.
    fn attach(&self, review: ReviewDocument, side: SideDocument) {
        review.show_as(move |shown: Review| {
            side.view.with_untracked(|side| match side {
                Some(side) => shown.with_manager_side(side),
                None => shown,
            })
        });
        self.owner.get_value().with(|| {
            // Neither document is read as a whole here (a device that holds five hundred
            // reviews reads each only when a page shows it): whether it holds anything,
            // and the review's stage, are enough.
            let arrived = Memo::new(move |_| review.has_content());
            Effect::new(move |_| {
                // A side with any content has its first change (every device makes it
                // first); an empty one is set up here once the review is.
                let empty = !side.has_content();
                if arrived.get() && empty {
                    let initial = review
                        .own_view_untracked()
                        .map(|r| ManagerSide::initial(review.id, &r));
                    // Failing here leaves the side unset: edits to the manager's parts are
                    // refused (`edit_review`), never written into the review.
                    if let Some(initial) = initial {
                        let _ = side.merge_initial(&initial, "Start the manager's side");
                    }
                }
                review.show_again();
            });
            // Once shared, the review holds a copy of the manager's side (made by the move
            // to Shared); what reaches the side later (an edit made offline before the
            // move) is copied too, until the review is signed.
            let shared = Memo::new(move |_| {
                review.read_with(|doc| {
                    StageOnly::read_settled(doc).is_ok_and(|r| r.stage == Stage::Shared)
                })
            });
            let state = *self;
            Effect::new(move |_| {
                side.track_changes();
                if !shared.get() || !state.may_change(review.id) {
                    return;
                }
                let behind = side.view.with_untracked(|side| {
                    side.as_ref()
                        .zip(review.own_view_untracked())
                        .is_some_and(|(side, own)| !own.shows_manager_side(side))
                });
                if behind {
                    let _ = state
                        .edit_review(review, "Share the manager's side", |_| Ok::<(), String>(()));
                }
            });
        });
    }

    /// Whether this device may change the listed document `id` (untracked).
    fn may_change(&self, id: DocumentId) -> bool {
        self.access.with_untracked(|access| {
            self.listing.with_untracked(|listing| {
                listing
                    .listing()
                    .get(&id)
                    .map_or(!access.claimed(), |listed| access.may_change(listed))
            })
        })
    }

    /// The manager's side of the review `review`, if this device holds it and it is set up.
    pub fn side_of(&self, review: DocumentId) -> Option<SideDocument> {
        let id = ManagerSide::document_of(review);
        self.sides
            .opened
            .with_untracked(|o| o.get(&id).copied())
            .filter(|side| side.view.with_untracked(Option::is_some))
    }

    /// As [`ReviewsState::side_of`], tracked: a page showing the side's history shows it
    /// once it is opened or set up.
    pub fn side_of_tracked(&self, review: DocumentId) -> Option<SideDocument> {
        let id = ManagerSide::document_of(review);
        self.sides
            .opened
            .with(|o| o.get(&id).copied())
            .filter(|side| side.view.with(Option::is_some))
    }

    /// Applies `edit` to the review `review` as the person using this device, as one change
    /// described by `message`. On a device that holds its manager's side, the edit sees the
    /// review as that side shows it, and what it changes of the manager's parts is written
    /// there, not into the review the employee holds (`ManagerSide::edit`); until the side
    /// is open there, an edit to those parts is refused rather than written into the review.
    pub fn edit_review<R, E: std::fmt::Display>(
        &self,
        review: ReviewDocument,
        message: &str,
        edit: impl FnOnce(&mut Review) -> Result<R, E>,
    ) -> Result<R, String> {
        let side = self.side_of(review.id);
        let edit = |r: &mut Review| edit(r).map_err(|e| e.to_string());
        if let Some(side) = side {
            return review.edit(message, |own| {
                side.edit(message, |side| ManagerSide::edit(own, side, edit))
            });
        }
        // Decided by the signed rules, not by the listing (which any member could contest
        // to keep the side from its manager, and so have the manager's words written here).
        let employee = review
            .view
            .with_untracked(|r| r.as_ref().map(|r| r.employee.clone()));
        let holds_side = employee.is_some_and(|employee| {
            self.access
                .with_untracked(|a| a.may_hold(&Listed::ManagerSide { employee }))
        });
        if !holds_side {
            // The employee's device: the rules in the model keep the manager's parts out
            // of its reach.
            return review.edit(message, edit);
        }
        review.edit(message, |own| {
            let mut unopened = ManagerSide::initial(review.id, own);
            let untouched = unopened.clone();
            let result = ManagerSide::edit(own, &mut unopened, edit)?;
            if unopened != untouched {
                return Err("The manager's side of this review is not open on this device yet, so nothing was written; try again in a moment.".to_owned());
            }
            Ok(result)
        })
    }

    /// Opens those of `ids` this device may hold (a review page, a person's page).
    pub fn open_reviews(&self, ids: impl IntoIterator<Item = DocumentId>) {
        let readable = self.readable(ids.into_iter().collect());
        self.reviews.open_all(readable);
    }

    /// Opens those of `ids` this device may hold (a check-in page).
    pub fn open_check_ins(&self, ids: impl IntoIterator<Item = DocumentId>) {
        let readable = self.readable(ids.into_iter().collect());
        self.check_ins.open_all(readable);
    }

    /// Opens the reviews of the cycle `cycle` this device may hold (a cycle page,
    /// calibration): all of them for HR, a manager's people's, an employee's own.
    pub fn open_cycle(&self, cycle: &ItemId) {
        let ids = self.workspace.workspace.with_untracked(|ws| {
            ws.cycles
                .get(cycle)
                .map(|c| ids(c.reviews.values()))
                .unwrap_or_default()
        });
        self.open_reviews(ids);
    }

    /// Opens, in the background, every listed review this device may hold (the plan
    /// pages show the goals aligned to each objective, from those reviews).
    pub fn open_all_reviews(&self) {
        let ids = self
            .workspace
            .workspace
            .with_untracked(|ws| ids(ws.cycles.values().flat_map(|c| c.reviews.values())));
        self.open_reviews(ids);
    }

    /// The feedback documents open here on the review at `review` (tracked), by id.
    pub fn asked_on(&self, review: &str) -> Vec<(DocumentId, AskedFeedback)> {
        self.asked
            .opened
            .with(|opened| asked_on(opened, review, true))
    }

    /// [`asked_on`](Self::asked_on), untracked (for an edit, not a view).
    pub fn asked_on_untracked(&self, review: &str) -> Vec<(DocumentId, AskedFeedback)> {
        self.asked
            .opened
            .with_untracked(|opened| asked_on(opened, review, false))
    }

    /// Feedback and praise `person` was given that this device holds, newest first: each
    /// given now (keyed by its document's id), and those an earlier build kept in the
    /// workspace (by their id there). Tracked.
    pub fn feedback_for(&self, person: &PersonId) -> Vec<(ItemId, Feedback)> {
        let mut given: Vec<(ItemId, Feedback)> = self.workspace.workspace.with(|ws| {
            ws.feedback_for(person)
                .into_iter()
                .map(|(id, f)| (id.clone(), f.clone()))
                .collect()
        });
        self.given.opened.with(|opened| {
            for (id, document) in opened {
                document.view.with(|f| {
                    if let Some(f) = f.as_ref().filter(|f| &f.to == person) {
                        given.push((ItemId::from(id.to_string()), (**f).clone()));
                    }
                });
            }
        });
        given.sort_by(|a, b| b.1.given_at.cmp(&a.1.given_at).then(a.0.cmp(&b.0)));
        given
    }

    /// Gives feedback or praise: checked, sealed with `sealing_key` (this device's, once
    /// the workspace has members), made as a document of its own by this device, then
    /// listed in the workspace (so whom it is for, their managers and HR get it, and
    /// no other member).
    pub async fn give_feedback(
        &self,
        feedback: Feedback,
        sealing_key: Option<crate::model::identity::DeviceSecret>,
        message: &str,
    ) -> Result<(), String> {
        let mut feedback = self
            .workspace
            .workspace
            .with_untracked(|ws| ws.check_feedback(feedback))
            .map_err(|refused| refused.to_string())?;
        // Sealed by the giver's device once the workspace has members, so whom it names
        // as its giver is checked wherever it is shown.
        let id = DocumentId::random();
        if let Some(secret) = &sealing_key {
            feedback.seal(&id.url(), secret);
        }
        let id = self.given.create_as(id, &feedback, message).await?;
        self.workspace.edit(message, |ws| {
            ws.list_given_feedback(DocumentUrl::from(id), &feedback);
            Ok::<(), WorkspaceError>(())
        })
    }

    /// Makes the document the colleague asked by the request `request` of `review`
    /// writes in (see `AskedFeedback`); the caller records it in the review and lists it.
    pub async fn start_asked_feedback(
        &self,
        review: &Review,
        review_url: DocumentUrl,
        request: &ItemId,
    ) -> Result<DocumentId, String> {
        let asked = AskedFeedback::for_request(review, review_url, request)
            .map_err(|refused| refused.to_string())?;
        self.asked.create(&asked, "Ask for feedback").await
    }

    /// Opens every listed review and check-in series this device may hold, and waits for
    /// them (for the archive: an admin's archive holds what the admin may read).
    pub async fn open_everything(&self) {
        let (reviews, series) = self.workspace.workspace.with_untracked(|ws| {
            (
                ids(ws.cycles.values().flat_map(|c| c.reviews.values())),
                ids(ws.check_ins.keys()),
            )
        });
        let asked = self
            .workspace
            .workspace
            .with_untracked(|ws| feedback_documents(ws));
        let reviews = self.readable(reviews);
        let series = self.readable(series);
        let asked = self.readable(asked);
        let given = self
            .workspace
            .workspace
            .with_untracked(|ws| ids(ws.given_feedback.keys()));
        let given = self.readable(given);
        self.given.open_every(given).await;
        let sides = self.readable(
            reviews
                .iter()
                .map(|review| ManagerSide::document_of(*review))
                .collect(),
        );
        self.reviews.open_every(reviews).await;
        self.check_ins.open_every(series).await;
        self.asked.open_every(asked).await;
        self.sides.open_every(sides).await;
    }

    /// Every opened review (with its manager's side where held), check-in series, asked
    /// and given feedback document (for the workspace archive; coaching notes stay out of it, as
    /// they stay out of sync).
    pub fn documents(&self) -> Vec<(DocumentId, Vec<u8>)> {
        let mut documents = self.reviews.documents();
        documents.extend(self.check_ins.documents());
        documents.extend(self.asked.documents());
        documents.extend(self.sides.documents());
        documents.extend(self.given.documents());
        documents
    }

    /// Starts a cycle: checks the setup, creates one review per participant (with a copy
    /// of the template and scale, and the participant's manager from the workspace), then
    /// lists the cycle and its reviews in the workspace in one change. Nothing is listed
    /// if any step fails.
    pub async fn start_cycle(&self, setup: CycleSetup) -> Result<ItemId, String> {
        let (cycle, setups) = self.workspace.workspace.with_untracked(|ws| {
            let cycle = setup
                .check(ws, now_millis())
                .map_err(|refused| refused.to_string())?;
            let scale = ws.scales.get(&cycle.scale).cloned().unwrap_or_default();
            let template = ws
                .templates
                .get(&cycle.template)
                .cloned()
                .unwrap_or_default();
            let mut setups = Vec::new();
            for person in &setup.participants {
                setups.push(ReviewSetup {
                    cycle: ItemId::random(),
                    cycle_name: cycle.name.clone(),
                    period_start: cycle.period_start.clone(),
                    period_end: cycle.period_end.clone(),
                    employee: person.clone(),
                    manager: ws.person(person).and_then(|p| p.manager.clone()),
                    hr: setup.hr.clone(),
                    scale: scale.clone(),
                    template: template.clone(),
                });
            }
            Ok::<_, String>((cycle, setups))
        })?;
        // One id for the cycle, known to its reviews.
        let cycle_id = ItemId::random();
        let mut listed = Vec::new();
        for mut review_setup in setups {
            review_setup.cycle = cycle_id.clone();
            let person = review_setup.employee.clone();
            let review = Review::new(review_setup);
            let id = self
                .reviews
                .create(&review, &format!("Start \"{}\"", cycle.name))
                .await?;
            listed.push((person, DocumentUrl::from(id)));
        }
        let id = cycle_id.clone();
        self.workspace.edit(
            &format!("Start review cycle \"{}\"", cycle.name),
            move |ws| -> Result<(), WorkspaceError> {
                let mut cycle = cycle;
                cycle.reviews.extend(listed);
                ws.cycles.insert(id, cycle);
                Ok(())
            },
        )?;
        Ok(cycle_id)
    }

    /// The check-in series between `manager` and `employee`: opened if listed, otherwise
    /// created and listed.
    pub async fn series(
        &self,
        manager: &PersonId,
        employee: &PersonId,
    ) -> Result<DocumentId, String> {
        let listed = self
            .workspace
            .workspace
            .with_untracked(|ws| ws.check_ins_between(manager, employee).map(str::to_owned));
        if let Some(url) = listed {
            let id = DocumentId::from_url(&url).map_err(|e| e.to_string())?;
            self.check_ins.open(id).await?;
            return Ok(id);
        }
        let series = CheckInSeries::new(manager, employee);
        let id = self.check_ins.create(&series, "Start check-ins").await?;
        let url = id.url();
        let (manager, employee) = (manager.clone(), employee.clone());
        self.workspace
            .edit("List check-ins", move |ws| -> Result<(), WorkspaceError> {
                ws.list_check_ins(url, &manager, &employee);
                Ok(())
            })?;
        Ok(id)
    }

    /// Opens this device's coaching notes, if it has any (the document is made with the
    /// first note, see [`notes_to_write`](Self::notes_to_write)).
    async fn open_notes(&self) -> Result<(), String> {
        let repo = self.workspace.repo();
        let settings = repo.settings();
        let synced = settings
            .coaching_notes_synced()
            .await
            .map_err(|e| e.to_string())?;
        self.notes_synced.set(synced);
        if synced {
            self.notes.start_syncing();
        }
        // A stored address that does not read is reported, not taken for "no notes"
        // (making new ones would hide the old).
        let stored = settings.coaching_notes().await.map_err(|e| e.to_string())?;
        if let Some(id) = stored {
            self.notes.open(id).await?;
            self.notes_document.set(self.notes.get(&id));
        }
        Ok(())
    }

    /// This device's coaching notes, made (and remembered in this device's settings) the
    /// first time a note is written.
    pub async fn notes_to_write(&self) -> Result<NotesDocument, String> {
        if let Some(document) = self.notes_document.get_untracked() {
            return Ok(document);
        }
        let repo = self.workspace.repo();
        let id = self
            .notes
            .create(&CoachingNotes::default(), "Start coaching notes")
            .await?;
        repo.settings()
            .set_coaching_notes(id)
            .await
            .map_err(|e| e.to_string())?;
        let document = self
            .notes
            .get(&id)
            .ok_or("The notes could not be opened.")?;
        self.notes_document.set(Some(document));
        Ok(document)
    }

    /// Lends the coaching notes to sync from now on, on this device (the manager's choice;
    /// their other devices get them by opening the same document).
    pub async fn sync_notes(&self) -> Result<(), String> {
        let repo = self.workspace.repo();
        repo.settings()
            .set_coaching_notes_synced()
            .await
            .map_err(|e| e.to_string())?;
        self.notes.start_syncing();
        self.notes_synced.set(true);
        Ok(())
    }
}

/// The documents `urls` name. One that does not read cannot be opened; it is left out
/// here because the page reports every such link once (`Workspace::unreadable_links`,
/// shown by `StorageNotices`).
fn ids<'a>(urls: impl IntoIterator<Item = &'a DocumentUrl>) -> Vec<DocumentId> {
    urls.into_iter()
        .filter_map(|url| url.document().ok())
        .collect()
}

/// Every feedback document the workspace lists (whether this device may hold each is
/// decided by the caller).
fn feedback_documents(ws: &Workspace) -> Vec<DocumentId> {
    ids(ws
        .feedback_requests
        .values()
        .filter_map(|request| request.document.as_ref()))
}

/// The reviews `me` takes part in: their own, their direct reports' and every review of
/// a cycle they run.
fn reviews_involving(ws: &Workspace, me: &PersonId) -> Vec<DocumentId> {
    let mut urls = Vec::new();
    for cycle in ws.cycles.values() {
        for (person, url) in &cycle.reviews {
            let reports_to_me = ws
                .person(person)
                .is_some_and(|p| p.manager.as_ref() == Some(me));
            if cycle.hr.contains_key(me) || person == me || reports_to_me {
                urls.push(url);
            }
        }
    }
    ids(urls)
}

/// The check-in series `me` is in.
fn check_ins_of(ws: &Workspace, me: &PersonId) -> Vec<DocumentId> {
    ids(ws
        .check_ins
        .iter()
        .filter(|(_, e)| &e.manager == me || &e.employee == me)
        .map(|(url, _)| url))
}

/// Goals by the objective they serve, across the opened reviews.
fn aligned_index(
    reviews: DocumentShelf<Review>,
) -> HashMap<(DocumentUrl, ItemId), Vec<AlignedGoal>> {
    let mut index: HashMap<(DocumentUrl, ItemId), Vec<AlignedGoal>> = HashMap::new();
    reviews.opened.with(|opened| {
        for document in opened.values() {
            document.view.with(|review| {
                let Some(review) = review else { return };
                for goal in review.goals.values() {
                    if let Some(alignment) = &goal.alignment {
                        index
                            .entry((alignment.plan.clone(), alignment.objective.clone()))
                            .or_default()
                            .push(AlignedGoal {
                                person: review.employee.clone(),
                                title: goal.name().to_owned(),
                                progress: goal.progress,
                                cycle: review.cycle_name.clone(),
                                review: document.id,
                            });
                    }
                }
            });
        }
    });
    index
}

/// The feedback documents among `opened` that answer requests on `review`, read tracked
/// or not.
fn asked_on(
    opened: &std::collections::BTreeMap<DocumentId, OpenDocument<AskedFeedback>>,
    review: &str,
    tracked: bool,
) -> Vec<(DocumentId, AskedFeedback)> {
    let on_review = |asked: &Option<Arc<AskedFeedback>>| {
        asked
            .as_deref()
            .filter(|a| a.review.as_str() == review)
            .cloned()
    };
    opened
        .values()
        .filter_map(|document| {
            let asked = if tracked {
                document.view.with(on_review)
            } else {
                document.view.with_untracked(on_review)
            };
            asked.map(|a| (document.id, a))
        })
        .collect()
}
