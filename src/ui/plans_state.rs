//! The plans as the UI sees them. Each plan is its own document; the workspace lists
//! them. Every listed plan is opened in the background when the app starts (so it is on
//! this device before the network goes away, and syncs with the relay), and each opened
//! plan is a [`PlanDocument`]: a signal of its typed view and `edit`.

use std::collections::BTreeMap;
use std::rc::Rc;

use leptos::prelude::*;

use crate::model::plan::Plan;
use crate::model::Workspace;
use crate::store::{
    flush_on_page_hide, now_millis, Autosaver, BrowserStorage, ChangeError, DocHandle, DocumentId,
    Repo, TabChannel, Version,
};
use crate::ui::app::SyncState;
use crate::ui::WorkspaceState;

type Handle = DocHandle<Rc<BrowserStorage>>;

/// One opened plan.
#[derive(Clone, Copy)]
pub struct PlanDocument {
    pub id: DocumentId,
    /// `None` while the plan is expected from the relay and has not arrived.
    pub plan: RwSignal<Option<Plan>>,
    /// Why the document could not be read as a plan, if so.
    pub problem: RwSignal<Option<String>>,
    handle: StoredValue<Handle, LocalStorage>,
    workspace: WorkspaceState,
    _tabs: StoredValue<Option<TabChannel>, LocalStorage>,
}

impl PlanDocument {
    /// Applies `edit` as one change described by `message`; on refusal nothing changes
    /// and the reason comes back in words for the person.
    pub fn edit<R>(
        &self,
        message: &str,
        edit: impl FnOnce(&mut Plan) -> Result<R, String>,
    ) -> Result<R, String> {
        let author = self.workspace.my_name();
        let outcome = self.handle.with_value(|handle| {
            handle.set_author(author);
            handle.change(message, edit)
        });
        match outcome {
            Ok((plan, result)) => {
                self.plan.set(Some(plan));
                Ok(result)
            }
            Err(ChangeError::Refused(error)) => Err(error),
            Err(error @ ChangeError::Shape(_)) => Err(error.to_string()),
        }
    }

    /// The `automerge:` URL of the plan's document.
    pub fn url(&self) -> String {
        self.id.url()
    }

    /// Named versions, oldest first (re-read when the plan changes).
    pub fn versions(&self) -> Vec<Version> {
        self.plan.track();
        self.handle.with_value(|handle| handle.versions())
    }

    /// Names the plan's current state.
    pub fn name_version(&self, name: &str) -> Result<Version, String> {
        let by = self.workspace.my_name().unwrap_or_default();
        let version = self
            .handle
            .with_value(|handle| handle.name_version(name, &by))?;
        // The version is in the document: tell readers to look again.
        self.plan.update(|_| {});
        Ok(version)
    }

    /// The plan as it was at `heads`.
    pub fn plan_at(&self, heads: &[automerge::ChangeHash]) -> Result<Plan, String> {
        self.handle.with_value(|handle| handle.view_at(heads))
    }

    /// The plan's history, oldest session first (re-read when the plan changes).
    pub fn history(&self) -> Vec<crate::store::Session> {
        self.plan.track();
        self.handle.with_value(|handle| handle.history())
    }

    /// The plan just before `change`.
    pub fn plan_before(&self, change: automerge::ChangeHash) -> Result<Plan, String> {
        self.handle.with_value(|handle| handle.view_before(change))
    }

    /// The plan as a `.automerge` file: its name and bytes.
    pub fn automerge_file(&self) -> (String, Vec<u8>) {
        self.handle.with_value(|handle| {
            (
                crate::store::document_file_name(handle.id()),
                handle.save_binary(),
            )
        })
    }

    /// The document's bytes (for the archive).
    pub fn save_binary(&self) -> Vec<u8> {
        self.handle.with_value(|handle| handle.save_binary())
    }
}

/// Every plan of the workspace that this tab has opened.
#[derive(Clone, Copy)]
pub struct PlansState {
    /// Opened plans by document id; a listed plan not in here is still being opened.
    pub opened: RwSignal<BTreeMap<DocumentId, PlanDocument>>,
    workspace: WorkspaceState,
    sync: SyncState,
    repo: StoredValue<Repo<Rc<BrowserStorage>>, LocalStorage>,
    /// Plans being read from storage right now (so two pages asking read them once).
    opening: StoredValue<std::collections::HashSet<DocumentId>, LocalStorage>,
    /// The App's owner: plan documents live as long as the page, not as the page that
    /// happened to open them first.
    owner: StoredValue<Owner, LocalStorage>,
}

impl PlansState {
    pub fn new(workspace: WorkspaceState, sync: SyncState) -> Self {
        let state = Self {
            opened: RwSignal::new(BTreeMap::new()),
            workspace,
            sync,
            repo: StoredValue::new_local(workspace.repo()),
            opening: StoredValue::new_local(Default::default()),
            owner: StoredValue::new_local(Owner::current().unwrap_or_default()),
        };
        // Open every listed plan, now and whenever the list grows (another device listed
        // one, or an import did).
        Effect::new(move |_| {
            let listed: Vec<DocumentId> = workspace
                .workspace
                .with(Workspace::plan_urls)
                .iter()
                .filter_map(|url| DocumentId::from_url(url).ok())
                .collect();
            for id in listed {
                if !state.opened.with_untracked(|o| o.contains_key(&id)) {
                    leptos::task::spawn_local(async move {
                        let _ = state.open(id).await;
                    });
                }
            }
        });
        state
    }

    /// The plan if it is open.
    pub fn get(&self, id: &DocumentId) -> Option<PlanDocument> {
        self.opened.with(|o| o.get(id).copied())
    }

    /// Opens the plan `id` from this device's storage (once, however many ask); it shows
    /// in [`opened`](Self::opened). A plan this device does not have yet is asked of the
    /// relay and fills in when it arrives.
    pub async fn open(&self, id: DocumentId) -> Result<(), String> {
        if self.opened.with_untracked(|o| o.contains_key(&id))
            || !self
                .opening
                .try_update_value(|o| o.insert(id))
                .unwrap_or(false)
        {
            return Ok(());
        }
        let repo = self.repo.get_value();
        let loaded = repo.open(id).await.map_err(|e| e.to_string());
        self.opening.update_value(|o| {
            o.remove(&id);
        });
        let handle = match loaded? {
            Some(handle) => handle,
            None => DocHandle::expect(repo.storage().clone(), id),
        };
        self.adopt(handle);
        Ok(())
    }

    /// Creates a plan document, saves it, lists it in the workspace and opens it.
    pub async fn create(&self, plan: Plan) -> Result<DocumentId, String> {
        let repo = self.repo.get_value();
        let message = format!("Create plan \"{}\"", plan.title);
        let handle = DocHandle::create(repo.storage().clone(), &plan, &message)?;
        handle.save().await.map_err(|e| e.to_string())?;
        let id = handle.id();
        self.adopt(handle);
        self.list(id)?;
        Ok(id)
    }

    /// Lists the plan `id` in the workspace.
    fn list(&self, id: DocumentId) -> Result<(), String> {
        let url = id.url();
        self.workspace.edit(
            "List a plan",
            move |ws| -> Result<(), crate::model::WorkspaceError> {
                ws.list_plan(&url, now_millis());
                Ok(())
            },
        )
    }

    /// Makes an opened (or created) handle a [`PlanDocument`]: kept saved, shared with the
    /// other tabs and the relay, and read again when changes arrive.
    fn adopt(&self, handle: Handle) -> PlanDocument {
        let owner = self.owner.get_value();
        let workspace = self.workspace;
        let document = owner.with(|| {
            let (plan, problem) = match handle.current::<Plan>() {
                Ok(plan) => (Some(plan), None),
                Err(_) if handle.is_empty() => (None, None),
                Err(error) => (None, Some(format!("This plan could not be read: {error}"))),
            };
            let plan = RwSignal::new(plan);
            let problem = RwSignal::new(problem);
            let reader = handle.clone();
            handle.on_changed_elsewhere(move || match reader.current::<Plan>() {
                Ok(fresh) => {
                    plan.set(Some(fresh));
                    problem.set(None);
                }
                Err(error) if !reader.is_empty() => {
                    problem.set(Some(format!("This plan could not be read: {error}")));
                }
                Err(_) => {}
            });
            Autosaver::attach(&handle);
            flush_on_page_hide(handle.clone());
            PlanDocument {
                id: handle.id(),
                plan,
                problem,
                _tabs: StoredValue::new_local(TabChannel::join(handle.clone())),
                handle: StoredValue::new_local(handle.clone()),
                workspace,
            }
        });
        self.sync.share(&handle);
        self.opened.update(|o| {
            o.insert(document.id, document);
        });
        document
    }

    /// Starts next cycle's plan from `from` (approved): a new document that names it as
    /// its predecessor.
    pub async fn start_next_cycle(&self, from: PlanDocument) -> Result<DocumentId, String> {
        let plan = from
            .plan
            .get_untracked()
            .ok_or("The plan has not arrived on this device yet.")?;
        self.create(plan.next_cycle(&from.url())).await
    }

    /// Every opened plan's document id and bytes (for the workspace archive).
    pub fn documents(&self) -> Vec<(DocumentId, Vec<u8>)> {
        self.opened
            .with_untracked(|o| o.values().map(|d| (d.id, d.save_binary())).collect())
    }
}
