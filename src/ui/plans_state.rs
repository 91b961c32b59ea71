//! The plans as the UI sees them. Each plan is its own document; the workspace lists
//! them. Every listed plan is opened in the background when the app starts (so it is on
//! this device before the network goes away, and syncs with the relay).

use leptos::prelude::*;

use crate::model::access::Access;
use crate::model::plan::Plan;
use crate::store::{now_millis, DocumentId};
use crate::ui::app::SyncState;
use crate::ui::documents::{DocumentShelf, OpenDocument, Sharing};
use crate::ui::WorkspaceState;

/// One opened plan.
pub type PlanDocument = OpenDocument<Plan>;

/// Every plan of the workspace that this tab has opened.
#[derive(Clone, Copy)]
pub struct PlansState {
    shelf: DocumentShelf<Plan>,
    /// Opened plans by document id; a listed plan not in here is still being opened.
    pub opened: RwSignal<std::collections::BTreeMap<DocumentId, PlanDocument>>,
    workspace: WorkspaceState,
    access: Memo<Access>,
}

/// Told when a plan is read-only for this device's person.
pub const PLAN_READ_ONLY: &str =
    "You can read this plan; its participants and the workspace's admins change it.";
/// Why a plan that says it is approved is shown with "no verified approval".
pub const APPROVAL_UNVERIFIED_WHY: &str = "The plan says it is approved, but no approval of it is sealed by a board or executive participant an admin signed on.";
/// Told when someone who may not start plans tries to.
pub const PLANS_STARTED_BY_ADMINS: &str =
    "Plans are started by the workspace's admins, who then choose who takes part.";

impl PlansState {
    pub fn new(workspace: WorkspaceState, sync: SyncState, access: Memo<Access>) -> Self {
        let shelf = DocumentShelf::new(workspace, sync, "plan", Sharing::Synced);
        // Every member reads every plan; only its signed participants and the admins
        // change it (`Access::may_change_plan`), as the relay and direct links enforce.
        shelf.guard_edits(move |id| {
            (!access.with_untracked(|a| a.may_change_plan(id))).then(|| PLAN_READ_ONLY.to_owned())
        });
        let state = Self {
            shelf,
            opened: shelf.opened,
            workspace,
            access,
        };
        // Open every listed plan, now and whenever the list grows (another device listed
        // one, or an import did).
        Effect::new(move |_| {
            // A listed address that does not read is reported once for the whole
            // workspace (`Workspace::unreadable_links`, shown by `StorageNotices`).
            let listed: Vec<DocumentId> = workspace
                .workspace
                .with(|ws| ws.plan_urls())
                .iter()
                .filter_map(|url| url.document().ok())
                .collect();
            shelf.open_all(listed);
        });
        state
    }

    /// The plan if it is open.
    pub fn get(&self, id: &DocumentId) -> Option<PlanDocument> {
        self.shelf.get(id)
    }

    /// Opens the plan `id` (see [`DocumentShelf::open`]).
    pub async fn open(&self, id: DocumentId) -> Result<(), String> {
        self.shelf.open(id).await
    }

    /// Whether this device's person may change the plan `id` (tracked).
    pub fn may_change(&self, id: DocumentId) -> bool {
        self.access.with(|a| a.may_change_plan(id))
    }

    /// Whether this device's person may start plans (tracked).
    pub fn may_start(&self) -> bool {
        self.access.with(Access::may_start_plans)
    }

    /// Creates a plan document, saves it, lists it in the workspace and opens it.
    pub async fn create(&self, plan: Plan) -> Result<DocumentId, String> {
        if !self.access.with_untracked(Access::may_start_plans) {
            return Err(PLANS_STARTED_BY_ADMINS.to_owned());
        }
        let message = format!("Create plan \"{}\"", plan.title);
        let id = self.shelf.create(&plan, &message).await?;
        let url = id.url();
        self.workspace.edit(
            "List a plan",
            move |ws| -> Result<(), crate::model::WorkspaceError> {
                ws.list_plan(url, now_millis());
                Ok(())
            },
        )?;
        Ok(id)
    }

    /// Starts next cycle's plan from `from` (approved): a new document that names it as
    /// its predecessor.
    pub async fn start_next_cycle(&self, from: PlanDocument) -> Result<DocumentId, String> {
        let plan = from
            .view
            .get_untracked()
            .ok_or("The plan has not arrived on this device yet.")?;
        self.create(plan.next_cycle(&from.url())).await
    }

    /// Every opened plan's document id and bytes (for the workspace archive).
    pub fn documents(&self) -> Vec<(DocumentId, Vec<u8>)> {
        self.shelf.documents()
    }
}
