//! Home: on first start, naming the organisation; afterwards, what the person using this
//! device must do next (`model::to_do`) and the workspace at a glance.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::model::nudge::Nudge;
use crate::model::plan::{PlanStatus, PlanStatusOnly};
use crate::model::review::Actor;
use crate::model::to_do::{to_dos, Documents, Place, ToDo};
use crate::model::{ItemId, PersonDetails, PersonId};
use crate::store::DocumentId;
use crate::ui::components::CollaborativeText;
use crate::ui::format::today;
use crate::ui::{href, IdentityState, PlansState, ReviewsState, WorkspaceState};

#[component]
pub fn HomePage() -> impl IntoView {
    let state = expect_context::<WorkspaceState>();
    move || {
        if state.workspace.with(|ws| ws.needs_name()) {
            view! { <NameOrganisation /> }.into_any()
        } else {
            view! { <Overview /> }.into_any()
        }
    }
}

#[component]
fn NameOrganisation() -> impl IntoView {
    let state = expect_context::<WorkspaceState>();
    let identity = expect_context::<IdentityState>();
    // Kept as typed until the workspace is named: a reload loses none of it.
    let name_draft = crate::ui::Draft::new("organisation-name");
    let founder_draft = crate::ui::Draft::new("founder-name");
    let (name, founder) = (name_draft.text(), founder_draft.text());
    let error = RwSignal::new(None::<String>);
    // With their name, whoever sets the workspace up founds it: they are added and this
    // device claims the workspace for them, its first admin.
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let typed = name.get();
        let founder = founder.get();
        let person = PersonId::random();
        let outcome = state.edit("Name the organisation", |ws| {
            ws.rename(&typed)?;
            if !founder.trim().is_empty() {
                ws.add_person(
                    person.clone(),
                    PersonDetails {
                        name: founder.clone(),
                        ..PersonDetails::default()
                    },
                )?;
            }
            Ok::<_, crate::model::WorkspaceError>(())
        });
        let outcome = match outcome {
            Ok(()) if !founder.trim().is_empty() => identity.claim(&person),
            other => other,
        };
        if outcome.is_ok() {
            name_draft.clear();
            founder_draft.clear();
        }
        error.set(outcome.err());
    };
    view! {
        <section class="page welcome" aria-labelledby="welcome-heading">
            <h1 id="welcome-heading">"Welcome to Throughline"</h1>
            <p>
                "Plan where your organisation is going and help its people get there. Everything you enter is kept on this device and works without a network."
            </p>
            <form class="card form" on:submit=submit aria-label="Name your organisation">
                <label for="organisation-name">"What is your organisation called?"</label>
                <input
                    id="organisation-name"
                    name="organisation"
                    type="text"
                    required
                    autocomplete="organization"
                    bind:value=name
                />
                <label for="founder-name">"Your name"</label>
                <input
                    id="founder-name"
                    name="founder"
                    type="text"
                    autocomplete="name"
                    aria-describedby="founder-name-help"
                    bind:value=founder
                />
                <p class="item-meta" id="founder-name-help">
                    "You become the workspace's first admin, on this device. Leave it empty to claim the workspace later under Settings → You."
                </p>
                {move || {
                    error
                        .get()
                        .map(|message| {
                            view! {
                                <p class="form-error" role="alert">
                                    {message}
                                </p>
                            }
                        })
                }}
                <div class="form-actions">
                    <button type="submit" class="button primary">
                        "Continue"
                    </button>
                </div>
            </form>
            <p>
                "Joining a workspace that is on another device? "
                <a href=crate::ui::href("/settings#devices") data-testid="join-nearby">
                    "Pair with that device"
                </a> " (no internet needed), or open the link it shares."
            </p>
        </section>
    }
}

#[component]
fn Overview() -> impl IntoView {
    let state = expect_context::<WorkspaceState>();
    let organisation = move || state.workspace.with(|ws| ws.organisation.clone());
    let people = move || state.workspace.with(|ws| ws.people.len());
    let teams = move || state.workspace.with(|ws| ws.teams.len());
    let plans = move || state.workspace.with(|ws| ws.plans.len());
    let cycles = move || state.workspace.with(|ws| ws.cycles.len());
    let without_manager = move || {
        state
            .workspace
            .with(|ws| ws.people.values().filter(|p| p.manager.is_none()).count())
    };
    view! {
        <section class="page" aria-labelledby="home-heading">
            <header class="page-header">
                <h1 id="home-heading">{organisation}</h1>
                <p class="page-summary">"Your workspace on this device."</p>
            </header>
            <MembershipNotice />
            <ForYou />
            <div class="card about">
                <CollaborativeText
                    id="organisation-about"
                    label=format!("About {}", organisation())
                    value=Signal::derive(move || {
                        state.workspace.with(|ws| ws.about_text().to_owned())
                    })
                    on_input=Callback::new(move |text: String| {
                        let _ = state
                            .edit(
                                "Edit the description",
                                |ws| {
                                    ws.set_about(&text);
                                    Ok::<_, std::convert::Infallible>(())
                                },
                            );
                    })
                    placeholder="What the organisation is for, who it serves, what it values."
                />
            </div>
            <div class="tiles">
                <A href=href("/people") attr:class="tile">
                    <span class="tile-figure" data-testid="people-count">
                        {people}
                    </span>
                    <span class="tile-label">"People"</span>
                    <span class="tile-note">
                        {move || format!("{} without a manager", without_manager())}
                    </span>
                </A>
                <A href=href("/people") attr:class="tile">
                    <span class="tile-figure">{teams}</span>
                    <span class="tile-label">"Teams"</span>
                </A>
                <A href=href("/plans") attr:class="tile">
                    <span class="tile-figure" data-testid="plans-count">
                        {plans}
                    </span>
                    <span class="tile-label">"Strategic plans"</span>
                </A>
                <A href=href("/reviews") attr:class="tile">
                    <span class="tile-figure" data-testid="cycles-count">
                        {cycles}
                    </span>
                    <span class="tile-label">"Review cycles"</span>
                </A>
            </div>
        </section>
    }
}

/// What the person using this device must do next, late first. Read from every review,
/// check-in series and plan open here (the device opens those that involve its person).
#[component]
fn ForYou() -> impl IntoView {
    let state = expect_context::<WorkspaceState>();
    let reviews = expect_context::<ReviewsState>();
    let plans = expect_context::<PlansState>();
    let identity = expect_context::<crate::ui::IdentityState>();
    let list = Memo::new(move |_| {
        let me = state.me.get()?;
        let reviews_open = reviews.reviews.opened.get();
        let series_open = reviews.check_ins.opened.get();
        let plans_open = plans.opened.get();
        let asked_open = reviews.asked.opened.get();
        let read_asked: Vec<_> = asked_open
            .iter()
            .filter_map(|(id, d)| d.view.get().map(|a| (*id, a)))
            .collect();
        let read_reviews: Vec<_> = reviews_open
            .iter()
            .filter_map(|(id, d)| d.view.get().map(|r| (*id, r)))
            .collect();
        let read_series: Vec<_> = series_open
            .iter()
            .filter_map(|(id, d)| d.view.get().map(|s| (*id, s)))
            .collect();
        // Only a plan in review can wait on anyone here: of the others (a 1,000-objective
        // plan among them) only the status is read, not the whole plan.
        let read_plans: Vec<_> = plans_open
            .iter()
            .filter_map(|(id, d)| {
                let in_review = d
                    .read_part::<PlanStatusOnly>()
                    .is_some_and(|p| p.status == PlanStatus::InReview);
                in_review
                    .then(|| d.view.with(|p| p.as_ref().map(|p| (*id, p.clone()))))
                    .flatten()
            })
            .collect();
        // Who may approve a plan is what the admins signed, once there are members.
        Some(identity.membership(|membership| {
            let documents = Documents {
                reviews: read_reviews.iter().map(|(id, r)| (*id, &**r)).collect(),
                check_ins: read_series.iter().map(|(id, s)| (*id, &**s)).collect(),
                plans: read_plans.iter().map(|(id, p)| (*id, &**p)).collect(),
                asked: read_asked.iter().map(|(id, a)| (*id, &**a)).collect(),
                membership,
            };
            state
                .workspace
                .with(|ws| to_dos(ws, &me, &documents, &today()))
        }))
    });
    let link = |place: &Place| match place {
        Place::Review(id) => href(&format!("/reviews/{id}")),
        Place::CheckIns(id) => href(&format!("/check-ins/{id}")),
        Place::Plan(id) => href(&format!("/plans/{id}")),
        Place::Calibration(cycle) => href(&format!("/reviews/cycles/{cycle}/calibration")),
        Place::Feedback(id) => href(&format!("/feedback/{id}")),
    };
    let row = move |to_do: ToDo| {
        let when = match (&to_do.due, to_do.late) {
            (Some(due), true) => format!("Late: was due on {due}"),
            (Some(due), false) => format!("Due on {due}"),
            (None, _) => String::new(),
        };
        view! {
            <li class=if to_do.late { "to-do late" } else { "to-do" }>
                <A href=link(&to_do.place)>{to_do.what.clone()}</A>
                {(!when.is_empty())
                    .then(|| view! { <span class="item-meta">{format!(" · {when}")}</span> })}
            </li>
        }
    };
    // Reminders HR sent this person, newest first, each dismissed by its reader: kept in
    // the review they are about (so read by whom the review is), or, sent by an earlier
    // build, in the workspace.
    let nudges = move || {
        let Some(me) = state.me.get() else {
            return Vec::new();
        };
        let mut sent: Vec<(Option<DocumentId>, ItemId, Nudge)> = state.workspace.with(|ws| {
            ws.nudges_for(&me)
                .into_iter()
                .map(|(id, n)| (None, id.clone(), n.clone()))
                .collect()
        });
        reviews.reviews.opened.with(|opened| {
            for (review, document) in opened {
                document.view.with(|r| {
                    for (id, n) in r.iter().flat_map(|r| r.nudges_for(&me)) {
                        sent.push((Some(*review), id.clone(), n.clone()));
                    }
                });
            }
        });
        sent.sort_by_key(|n| std::cmp::Reverse(n.2.at));
        state.workspace.with(|ws| {
            sent.into_iter()
                .map(|(review, id, n)| {
                    let link = n
                        .review
                        .document()
                        .map(|review| href(&format!("/reviews/{review}")))
                        .unwrap_or_default();
                    ((review, id), ws.name_of(&n.by), n.what, link)
                })
                .collect::<Vec<_>>()
        })
    };
    let dismiss = move |(review, id): (Option<DocumentId>, ItemId)| {
        let Some(document) = review.and_then(|review| reviews.reviews.get(&review)) else {
            let _ = state.edit("Dismiss a reminder", |ws| {
                ws.dismiss_nudge(&id);
                Ok::<_, std::convert::Infallible>(())
            });
            return;
        };
        let Some(me) = state.me.get_untracked() else {
            return;
        };
        let access = identity.access.get_untracked();
        let _ = reviews.edit_review(document, "Dismiss a reminder", |r| {
            let who = Actor {
                person: &me,
                capacity: access.capacity_on(r),
            };
            r.dismiss_nudge(who, &id)
        });
    };
    view! {
        <section class="card" aria-labelledby="for-you-heading" data-testid="for-you">
            <h2 id="for-you-heading">"For you"</h2>
            <ul class="plain-list" data-testid="nudges">
                {move || {
                    nudges()
                        .into_iter()
                        .map(|(id, by, what, link)| {
                            view! {
                                <li class="notice notice-warning">
                                    <a href=link>{format!("Reminder from {by}: {what}")}</a>
                                    " "
                                    <button
                                        type="button"
                                        class="button small"
                                        on:click=move |_| dismiss(id.clone())
                                    >
                                        "Dismiss"
                                    </button>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
            {move || match list.get() {
                None => {
                    view! {
                        <p class="item-meta">
                            "Claim the workspace or join it with an invitation under "
                            <A href=href("/settings")>"Settings → You"</A>
                            " to see what is yours to do."
                        </p>
                    }
                        .into_any()
                }
                Some(list) if list.is_empty() => {
                    view! {
                        <p class="empty" data-testid="nothing-to-do">
                            "Nothing waits for you."
                        </p>
                    }
                        .into_any()
                }
                Some(list) => {
                    view! {
                        <ul class="plain-list to-do-list">
                            {list.into_iter().map(row).collect_view()}
                        </ul>
                    }
                        .into_any()
                }
            }}
        </section>
    }
}

/// Says plainly when this device acts as nobody: the workspace has no admin yet, the
/// device is not a member, or it was removed.
#[component]
fn MembershipNotice() -> impl IntoView {
    let identity = expect_context::<IdentityState>();
    move || {
        let access = identity.access.get();
        let words = if !access.claimed() {
            "Nobody has claimed this workspace yet, so anyone using it may change anything. Whoever sets it up claims it under Settings → You and becomes its first admin."
        } else if access.removed() {
            "This device was removed from the workspace. It receives nothing new; what it already holds stays on it."
        } else if access.person().is_none() {
            "This device is not a member of the workspace. To act in it, open an invitation link from an admin on this device."
        } else {
            return None;
        };
        Some(view! {
            <div class="notice" role="note" data-testid="membership-notice">
                <p>{words}</p>
                <A href=href("/settings")>"Settings → You"</A>
            </div>
        })
    }
}
