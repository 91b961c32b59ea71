//! One review (`/reviews/:id`): its stage and the moves open to the person using this
//! device, goals, assessments, questions and ratings, feedback, the development plan,
//! calibration notes and sign-off, with Markdown and print exports. What a person may
//! change is decided by the model (`model::review::stage`); the page offers only what
//! it allows and shows the reason when something is refused.

mod assessment;
mod development;
mod feedback;
mod goals;
mod history;
mod late_words;
mod sign_off;

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use super::cycle::person_name;
use super::ChooseYourself;
use crate::model::access::Access;
use crate::model::review::{Actor, Alignment, Review, ReviewContext, Stage};
use crate::model::PersonId;
use crate::store::DocumentId;
use crate::ui::components::{DocumentPresence, ShareLink};
use crate::ui::files::{download, file_stem};
use crate::ui::format::date_time;
use crate::ui::{href, IdentityState, PlansState, ReviewDocument, ReviewsState, WorkspaceState};

/// The review page's shared pieces: the document and who is acting.
#[derive(Clone, Copy)]
pub struct ReviewPageContext {
    pub document: ReviewDocument,
    /// Where the review's edits go (with its manager's side, where this device holds it).
    pub reviews: ReviewsState,
    pub state: WorkspaceState,
    pub identity: IdentityState,
    /// Refusals and failures, shown once at the top of the page section that caused them.
    pub error: RwSignal<Option<String>>,
    /// Whether the person using this device is shown the review (employee, manager, HR).
    pub shown: Memo<bool>,
    /// Whether they are shown the manager's side (see `Review::manager_side_shown_to`).
    pub manager_side: Memo<bool>,
}

impl ReviewPageContext {
    /// Applies `edit` as the person using this device, in their capacity on this review.
    pub fn act<R, E: std::fmt::Display>(
        &self,
        message: &str,
        edit: impl FnOnce(&mut Review, Actor) -> Result<R, E>,
    ) -> Result<R, String> {
        let me = self
            .state
            .me
            .get_untracked()
            .ok_or("This device does not act as anyone yet: claim the workspace or join it with an invitation under Settings → You.")?;
        let access = self.identity.access.get_untracked();
        // Not `expect_context`: edits are also made from tasks, outside any owner.
        let result = self.reviews.edit_review(self.document, message, |review| {
            let actor = Actor {
                person: &me,
                capacity: access.capacity_on(review),
            };
            edit(review, actor)
        });
        self.error.set(result.as_ref().err().cloned());
        result
    }

    /// A value read from the review (tracked), or `default` before it arrives.
    pub fn read<T>(&self, default: T, read: impl FnOnce(&Review) -> T) -> T {
        self.document
            .view
            .with(|r| r.as_deref().map_or(default, read))
    }

    /// The person using this device, if chosen.
    pub fn me(&self) -> Option<PersonId> {
        self.state.me.get()
    }

    /// In what capacity the person using this device acts on `review`, as the signed
    /// rules say (`model::access`), tracked.
    pub fn capacity(&self, review: &Review) -> crate::model::review::Capacity {
        self.identity.access.with(|a| a.capacity_on(review))
    }

    /// Whether the person using this device may write `part` now.
    pub fn may(&self, part: crate::model::review::Part) -> bool {
        self.read(false, |r| {
            crate::model::review::check_write(part, r.stage, self.capacity(r)).is_ok()
        })
    }
}

#[component]
pub fn ReviewPage() -> impl IntoView {
    let reviews = expect_context::<ReviewsState>();
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|id| id.parse::<DocumentId>().ok()));
    Effect::new(move |_| {
        // Again when the rules or the listing change (a device that just joined).
        if let Some(id) = id() {
            if reviews.may_hold(id) {
                reviews.open_reviews([id]);
            }
        }
    });
    move || {
        let Some(id) = id() else {
            return view! {
                <section class="page">
                    <h1>"No such review"</h1>
                    <p>
                        <A href=href("/reviews")>"All reviews"</A>
                    </p>
                </section>
            }
            .into_any();
        };
        if !reviews.may_hold(id) {
            return view! {
                <section class="page">
                    <h1>"Not yours to read"</h1>
                    <p data-testid="not-yours">
                        "This review is shown only to the people it belongs to. This device does not open it."
                    </p>
                </section>
            }
            .into_any();
        }
        match reviews.reviews.get(&id) {
            None => view! {
                <section class="page">
                    <p role="status">"Opening the review…"</p>
                </section>
            }
            .into_any(),
            Some(document) => view! { <ReviewView document=document /> }.into_any(),
        }
    }
}

#[component]
fn ReviewView(document: ReviewDocument) -> impl IntoView {
    let state = expect_context::<WorkspaceState>();
    let identity = expect_context::<IdentityState>();
    let viewer_reads = move |read: fn(&Access, &Review) -> bool| {
        Memo::new(move |_| {
            identity.access.with(|access| {
                document
                    .view
                    .with(|r| r.as_ref().is_some_and(|r| read(access, r)))
            })
        })
    };
    let context = ReviewPageContext {
        document,
        reviews: expect_context::<ReviewsState>(),
        state,
        identity,
        error: RwSignal::new(None),
        shown: viewer_reads(Access::sees_review),
        manager_side: viewer_reads(Access::sees_manager_side),
    };
    provide_context(context);
    // Arriving (or failing to read) rebuilds the page; an edit does not.
    let arrived = Memo::new(move |_| document.view.with(Option::is_some));
    let problem = Memo::new(move |_| document.problem.get());
    move || {
        if let Some(problem) = problem.get() {
            return view! {
                <section class="page">
                    <div class="notice notice-warning" role="alert">
                        <p>{problem}</p>
                        <p>"Nothing has been changed or deleted."</p>
                    </div>
                </section>
            }
            .into_any();
        }
        if !arrived.get() {
            return view! {
                <section class="page" data-testid="review-waiting">
                    <h1>"Waiting for this review"</h1>
                    <p>
                        "This device does not have the review yet; it appears as soon as it arrives from the relay."
                    </p>
                </section>
            }
            .into_any();
        }
        if !context.shown.get() {
            // A colleague asked for feedback (or anyone else): their request only.
            return view! {
                <section class="page review-page" aria-labelledby="review-heading">
                    <ReviewHeader />
                    <Show when=move || state.me.with(Option::is_none)>
                        <ChooseYourself />
                    </Show>
                    <p class="notice" role="note">
                        "A review is shown to the employee, their manager and HR. You see here only feedback you were asked for."
                    </p>
                    {move || {
                        context
                            .error
                            .get()
                            .map(|m| {
                                view! {
                                    <p class="form-error" role="alert">
                                        {m}
                                    </p>
                                }
                            })
                    }}
                    <feedback::FeedbackSection />
                </section>
            }
            .into_any();
        }
        view! {
            <section class="page review-page" aria-labelledby="review-heading">
                <ReviewHeader />
                <Show when=move || state.me.with(Option::is_none)>
                    <ChooseYourself />
                </Show>
                {move || {
                    context
                        .error
                        .get()
                        .map(|m| {
                            view! {
                                <p class="form-error" role="alert">
                                    {m}
                                </p>
                            }
                        })
                }}
                <sign_off::SignedNotice />
                <goals::GoalsSection />
                <assessment::AssessmentSection />
                <assessment::QuestionsSection />
                <assessment::RatingsSection />
                <feedback::FeedbackSection />
                <development::DevelopmentSection />
                <sign_off::CalibrationNotes />
                <sign_off::SignOffSection />
                // The history would show the manager's drafts (and who wrote what) to
                // anyone who reads it: only to those shown the manager's side.
                <Show when=move || context.manager_side.get()>
                    <history::ReviewHistory />
                </Show>
            </section>
        }
        .into_any()
    }
}

/// The name, cycle and stage, the moves open to me, and the exports.
#[component]
fn ReviewHeader() -> impl IntoView {
    let context = expect_context::<ReviewPageContext>();
    let state = context.state;
    let plans = expect_context::<PlansState>();
    let reviews = expect_context::<ReviewsState>();
    let title = move || {
        context.read(String::new(), |r| {
            format!("{} — {}", person_name(&state, &r.employee), r.cycle_name)
        })
    };
    let meta = move || {
        context.read(String::new(), |r| {
            let manager = r.manager.as_ref().map_or("no manager".to_owned(), |m| {
                format!("manager {}", person_name(&state, m))
            });
            format!("{} to {} · {manager}", r.period_start, r.period_end)
        })
    };
    let stage = Memo::new(move |_| context.read(Stage::Draft, |r| r.stage));
    let stages = move || {
        let current = stage.get();
        Stage::ALL
            .iter()
            .map(|s| {
                let here = (*s == current).then_some("step");
                view! {
                    <li class:done=*s < current aria-current=here>
                        {s.label()}
                    </li>
                }
            })
            .collect_view()
    };
    // The moves the model would allow me now.
    let moves = move || {
        context.read(Vec::new(), |r| {
            let signed_any = r.acknowledgement.is_some() || r.signature.is_some();
            let capacity = context.capacity(r);
            let mut moves = Vec::new();
            if let (Some(next), Some(label)) = (r.stage.next(), r.stage.advance_label()) {
                if crate::model::review::check_move(r.stage, next, capacity, signed_any).is_ok() {
                    moves.push((next, label.to_owned(), true));
                }
            }
            if let Some(previous) = r.stage.previous() {
                if crate::model::review::check_move(r.stage, previous, capacity, signed_any).is_ok()
                {
                    moves.push((
                        previous,
                        format!("Send back to {}", previous.label().to_lowercase()),
                        false,
                    ));
                }
            }
            moves
        })
    };
    let markdown = move |_| {
        let me = context.me();
        let Some(review) = context.document.view.get_untracked() else {
            return;
        };
        let name = |p: &PersonId| person_name(&state, p);
        let objective = |a: &Alignment| objective_text(&plans, a);
        let time = |at: i64| date_time(at);
        // The feedback documents this device holds on the review (a manager's or HR's).
        let asked = reviews.asked_on(&context.document.url());
        let asked: Vec<_> = asked.iter().map(|(d, a)| (*d, a)).collect();
        let text = review.to_markdown(&ReviewContext {
            person_name: &name,
            objective: &objective,
            viewer: me.as_ref(),
            format_time: &time,
            asked: &asked,
        });
        let stem = file_stem(
            &format!("{} {}", name(&review.employee), review.cycle_name),
            "review",
        );
        context
            .error
            .set(download(&format!("{stem}.md"), "text/markdown", text.as_bytes()).err());
    };
    let json = move |_| {
        let Some(review) = context.document.view.get_untracked() else {
            return;
        };
        let stem = file_stem(
            &format!(
                "{} {}",
                person_name(&state, &review.employee),
                review.cycle_name
            ),
            "review",
        );
        let text = review.to_json(&context.document.url());
        context.error.set(
            download(
                &format!("{stem}.review.json"),
                "application/json",
                text.as_bytes(),
            )
            .err(),
        );
    };
    let automerge_file = move |_| {
        let (name, bytes) = context.document.automerge_file();
        context
            .error
            .set(download(&name, "application/octet-stream", &bytes).err());
    };
    let print = move |_| {
        if let Some(window) = web_sys::window() {
            let _ = window.print();
        }
    };
    view! {
        <header class="page-header">
            <p class="breadcrumb no-print">
                <A href=href("/reviews")>"Reviews"</A>
            </p>
            <h1 id="review-heading">{title}</h1>
            <p class="page-summary">
                {meta}" · "<span class="stage-tag" data-testid="review-stage">
                    {move || stage.get().label()}
                </span>
            </p>
            <DocumentPresence document=context.document.id what="review" />
            <ShareLink page=format!("/reviews/{}", context.document.id) what="review" />
            <ol class="stage-steps" aria-label="Stages">
                {stages}
            </ol>
            <div class="button-row no-print">
                <For each=moves key=|m| m.clone() let((to, label, forward))>
                    <button
                        type="button"
                        class=if forward { "button primary" } else { "button" }
                        on:click=move |_| {
                            let _ = context
                                .act(
                                    &format!("Move to {}", to.label()),
                                    |r, who| r.move_to(to, who),
                                );
                        }
                    >
                        {label}
                    </button>
                </For>
                // Markdown is written for its reader (anonymous feedback stays anonymous
                // to the employee), once the manager's side is shown to them. JSON and the
                // .automerge file (its whole history) hold everything, writers of
                // anonymous feedback included: the manager's and HR's only.
                <button
                    type="button"
                    class="button"
                    on:click=markdown
                    style:display=move || if context.manager_side.get() { "" } else { "none" }
                >
                    "Download Markdown"
                </button>
                <span
                    class="button-row"
                    style:display=move || {
                        if context
                            .read(
                                false,
                                |r| {
                                    let c = context.capacity(r);
                                    c.manager || c.hr
                                },
                            )
                        {
                            ""
                        } else {
                            "none"
                        }
                    }
                >
                    <button type="button" class="button" on:click=json>
                        "Download JSON"
                    </button>
                    <button type="button" class="button" on:click=automerge_file>
                        "Download .automerge"
                    </button>
                </span>
                <button type="button" class="button" on:click=print>
                    "Print"
                </button>
            </div>
        </header>
    }
}

/// "Open two offices (Growth 2027–2029)" for an aligned goal, if the plan is here.
pub fn objective_text(plans: &PlansState, alignment: &Alignment) -> Option<String> {
    let id = DocumentId::from_url(&alignment.plan).ok()?;
    let document = plans.opened.with_untracked(|o| o.get(&id).copied())?;
    document.view.with_untracked(|plan| {
        let plan = plan.as_ref()?;
        let objective = plan.objectives.get(&alignment.objective)?;
        Some(format!("{} ({})", objective.title, plan.title))
    })
}
