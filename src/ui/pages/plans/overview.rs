//! A plan's overview: its details (title, horizon, cycle, what is available), its status
//! and approval, its participants, and its direction (mission, vision, values) written
//! together.

use leptos::prelude::*;

use crate::model::review::SealCheck;

use crate::model::Choice;
use leptos_router::hooks::use_navigate;

use super::horizon_fields::{CycleSelect, HorizonFields};
use crate::model::plan::{
    format_number, parse_amount, parse_headcount, parse_year, PlanError, PlanStatus, Role,
    Statement,
};
use crate::model::PersonId;
use crate::store::now_millis;
use crate::ui::components::{CheckedInput, CollaborativeText, PersonPicker};
use crate::ui::format::{date, date_time};
use crate::ui::{href, PlanDocument, PlansState, WorkspaceState};

#[component]
pub fn OverviewSection() -> impl IntoView {
    view! {
        <div class="plan-overview">
            <StatusPanel />
            <DetailsForm />
            <Participants />
            <DirectionPanel />
        </div>
    }
}

/// What moving to a status is called on its button.
fn action_label(to: PlanStatus, from: PlanStatus) -> &'static str {
    match (from, to) {
        (PlanStatus::Draft, PlanStatus::InReview) => "Send for review",
        (PlanStatus::Approved, PlanStatus::InReview) => "Reopen for revision",
        (_, PlanStatus::Draft) => "Back to draft",
        (_, PlanStatus::Archived) => "Archive",
        _ => to.label(),
    }
}

#[component]
fn StatusPanel() -> impl IntoView {
    let document = expect_context::<PlanDocument>();
    let state = expect_context::<WorkspaceState>();
    let identity = expect_context::<crate::ui::IdentityState>();
    let plans = expect_context::<PlansState>();
    let navigate = use_navigate();
    let message = RwSignal::new(None::<Result<String, String>>);
    let status = Memo::new(move |_| {
        document
            .view
            .with(|p| p.as_ref().map(|p| p.status).unwrap_or_default())
    });
    // Who may approve: the roles admins signed, once the workspace has members.
    let signed_roles = move || identity.plan_roles(&document.id.url());
    let can_approve = move || {
        let me = state.me.get();
        let signed = signed_roles();
        document.view.with(|p| {
            p.as_ref()
                .map(|p| p.can_approve_under(me.as_ref(), signed.as_ref()))
        })
    };
    let approve = move |_| {
        let Some(me) = state.me.get_untracked() else {
            return;
        };
        let name = state.my_name().unwrap_or_default();
        let at = now_millis();
        // Sealed with this device's key over the plan's heads, once the workspace has members.
        let key = identity.sealing_key();
        let url = document.id.url();
        let heads = document.heads_hex();
        let signed = identity.plan_roles(&url);
        let result = document
            .edit("Approve the plan", |plan| {
                plan.approve_sealed(
                    &me,
                    &name,
                    at,
                    heads,
                    key.as_ref().map(|k| (url.as_str(), k)),
                    signed.as_ref(),
                )
            })
            .and_then(|approval| {
                let version = approval.version_name(&date(at));
                document.name_version(&version).map(|_| version)
            });
        message.set(Some(result.map(|version| {
            format!("Approved. The version “{version}” is kept for comparison.")
        })));
    };
    let move_to = move |to: PlanStatus| {
        let result = document.edit(
            &format!("Move the plan to {}", to.label().to_lowercase()),
            |plan| plan.set_status(to),
        );
        message.set(Some(result.map(|()| {
            format!("The plan is now {}.", to.label().to_lowercase())
        })));
    };
    let next_cycle = move |_| {
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            match plans.start_next_cycle(document).await {
                Ok(id) => navigate(&href(&format!("/plans/{id}")), Default::default()),
                Err(reason) => message.set(Some(Err(reason))),
            }
        });
    };
    // Each approval is checked against the signed membership wherever it is shown.
    let plan_url = document.id.url();
    let approvals = move || {
        identity.membership(|membership| {
        document.view.with(|p| {
            p.as_ref()
                .map(|p| {
                    p.approvals_newest_first()
                        .into_iter()
                        .map(|a| {
                            // Sealed by the approver's device is not enough: they must
                            // have been signed into the board or the executive.
                            let role_held = membership
                                .is_none_or(|m| m.ever_approver(&plan_url, &a.person));
                            let verdict = match a.check(&plan_url, membership) {
                                SealCheck::Verified if !role_held => {
                                    " · NOT an approval: no admin signed them into the board or the executive of this plan".to_owned()
                                }
                                SealCheck::Verified => " · verified".to_owned(),
                                SealCheck::Unsealed => " · not verifiable (approved before the workspace had members)".to_owned(),
                                SealCheck::Forged(why) => format!(" · FORGED, not an approval: {why}"),
                            };
                            format!(
                                "Approved by {} ({}) on {}{verdict}",
                                a.name,
                                a.role.label(),
                                date_time(a.at)
                            )
                        })
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
        })
    };
    // An approved plan edited since: the board is asked again, with the changes in words.
    let since_approval = super::versions::since_last_approval(document, state);
    let changed_since = move || {
        (status.get() == PlanStatus::Approved)
            .then(|| since_approval.get())
            .flatten()
            .filter(|(_, changes)| !changes.is_empty())
    };
    let ask_again = move |_| {
        let result = document.edit("Send the plan for approval again", |plan| {
            plan.set_status(PlanStatus::InReview)
        });
        message.set(Some(result.map(|()| {
            "The plan is in review again: a board or executive participant can approve it."
                .to_owned()
        })));
    };
    let predecessor = move || {
        document
            .view
            .with(|p| p.as_ref().and_then(|p| p.predecessor.clone()))
            .and_then(|url| crate::store::DocumentId::from_url(&url).ok())
    };

    view! {
        <section class="card" aria-labelledby="status-heading">
            <h2 id="status-heading">"Status"</h2>
            <p>
                "This plan is "
                <strong data-testid="status-text">
                    {move || status.get().label().to_lowercase()}
                </strong>"."
            </p>
            {move || {
                changed_since()
                    .map(|(version, changes)| {
                        view! {
                            <div class="notice notice-warning" data-testid="changed-since-approval">
                                <p>
                                    <strong>"Changed since approval. "</strong>
                                    {format!(
                                        "Since “{version}”, the plan has changed; the board has not approved these changes:",
                                    )}
                                </p>
                                <ul>
                                    {changes
                                        .iter()
                                        .map(|c| view! { <li>{c.sentence()}</li> })
                                        .collect_view()}
                                </ul>
                                <button type="button" class="button primary" on:click=ask_again>
                                    "Ask the board to approve again"
                                </button>
                            </div>
                        }
                    })
            }}
            <div class="form-actions">
                {move || {
                    let from = status.get();
                    document
                        .view
                        .with(|p| p.as_ref().map(|p| p.next_statuses()).unwrap_or_default())
                        .into_iter()
                        .map(|to| {
                            view! {
                                <button type="button" class="button" on:click=move |_| move_to(to)>
                                    {action_label(to, from)}
                                </button>
                            }
                        })
                        .collect_view()
                }} <Show when=move || status.get() == PlanStatus::InReview>
                    <button
                        type="button"
                        class="button primary"
                        on:click=approve
                        disabled=move || !matches!(can_approve(), Some(Ok(_)))
                        aria-describedby="approve-why"
                    >
                        "Approve"
                    </button>
                </Show>
                <Show when=move || {
                    matches!(status.get(), PlanStatus::Approved | PlanStatus::Archived)
                        && plans.may_start()
                }>
                    <button type="button" class="button" on:click=next_cycle.clone()>
                        "Start next year's plan"
                    </button>
                </Show>
            </div>
            <p class="item-meta" id="approve-why">
                {move || match (status.get(), can_approve()) {
                    (PlanStatus::InReview, Some(Err(why))) => why.to_string(),
                    (PlanStatus::InReview, Some(Ok(role))) => {
                        format!("You can approve as {}.", role.label().to_lowercase())
                    }
                    _ => String::new(),
                }}
            </p>
            <crate::ui::components::FormMessage message=message />
            <ul class="approvals">
                {move || approvals().into_iter().map(|a| view! { <li>{a}</li> }).collect_view()}
            </ul>
            {move || {
                predecessor()
                    .map(|id| {
                        view! {
                            <p>
                                "Continues "
                                <a href=href(&format!("/plans/{id}"))>"last cycle's plan"</a>
                                " (compare the two under Versions)."
                            </p>
                        }
                    })
            }}
        </section>
    }
}

#[component]
fn DetailsForm() -> impl IntoView {
    let document = expect_context::<PlanDocument>();
    let read = move |f: fn(&crate::model::plan::Plan) -> String| {
        document
            .view
            .with_untracked(|p| p.as_deref().map(f).unwrap_or_default())
    };
    // What is typed is kept until saved: a reload loses none of it.
    let kept = |field: &str, saved: String| {
        crate::ui::Draft::editing(format!("plan-{field}-{}", document.id), saved)
    };
    let drafts = [
        kept("title", read(|p| p.title.clone())),
        kept("start", read(|p| p.start_year.to_string())),
        kept("end", read(|p| p.end_year.to_string())),
        kept("currency", read(|p| p.currency.clone())),
        kept("budget", read(|p| p.budget_available.to_string())),
        kept(
            "headcount",
            read(|p| format_number(p.headcount_available).replace(',', "")),
        ),
    ];
    let [title, start, end, currency, budget, headcount] = drafts.map(|d| d.text());
    let cycle = RwSignal::new(
        document
            .view
            .with_untracked(|p| p.as_ref().map(|p| p.cycle).unwrap_or_default()),
    );
    let message = RwSignal::new(None::<Result<String, String>>);

    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let values = (|| {
            let (s, e) = (
                parse_year(&start.get_untracked())?,
                parse_year(&end.get_untracked())?,
            );
            let b = parse_amount(&budget.get_untracked())?;
            let h = parse_headcount(&headcount.get_untracked())?;
            Ok::<_, PlanError>((s, e, b, h))
        })();
        let result = values.map_err(|e| e.to_string()).and_then(|(s, e, b, h)| {
            document.edit("Edit the plan's details", |plan| {
                plan.set_title(&title.get_untracked())?;
                plan.set_horizon(s, e)?;
                plan.set_cycle(cycle.get_untracked());
                plan.set_currency(&currency.get_untracked())?;
                plan.set_available(b, h)
            })
        });
        if result.is_ok() {
            drafts.iter().for_each(crate::ui::Draft::sent);
        }
        message.set(Some(result.map(|()| "Saved.".to_owned())));
    };
    view! {
        <form class="card form" on:submit=submit aria-labelledby="details-heading">
            <h2 id="details-heading">"Details"</h2>
            <div class="form-grid">
                <CheckedInput id="plan-title".into() label="Title" value=title />
                <HorizonFields prefix="plan" start=start end=end />
                <CycleSelect id="plan-cycle" cycle=cycle />
                <CheckedInput id="plan-currency".into() label="Currency" value=currency />
                <CheckedInput
                    id="plan-budget".into()
                    label="Budget available"
                    value=budget
                    inputmode="numeric"
                    check=|t| parse_amount(t).err().map(|e| e.to_string())
                />
                <CheckedInput
                    id="plan-headcount".into()
                    label="Headcount available"
                    value=headcount
                    inputmode="decimal"
                    check=|t| parse_headcount(t).err().map(|e| e.to_string())
                />
            </div>
            <crate::ui::components::FormMessage message=message />
            <div class="form-actions">
                <button type="submit" class="button primary">
                    "Save details"
                </button>
            </div>
        </form>
    }
}

/// One participant as the list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct ParticipantRow {
    id: PersonId,
    name: String,
    role: Role,
    /// Written in the plan but not signed by an admin: in a claimed workspace it counts
    /// for nothing (someone may have written themselves in as its board).
    unsigned: bool,
}

#[component]
fn Participants() -> impl IntoView {
    let document = expect_context::<PlanDocument>();
    let state = expect_context::<WorkspaceState>();
    let identity = expect_context::<crate::ui::IdentityState>();
    let person = RwSignal::new(String::new());
    let role = RwSignal::new(Role::Board);
    let error = RwSignal::new(None::<String>);
    // Once the workspace has members, the roles are what admins signed; the plan's own
    // list is kept in step (older devices, exports) but decides nothing.
    let signed = move || identity.plan_roles(&document.id.url());
    let rows = move || {
        let names = state.workspace.with(|ws| {
            ws.people
                .iter()
                .map(|(id, p)| (id.clone(), p.name.clone()))
                .collect::<std::collections::HashMap<_, _>>()
        });
        let name_of = |id: &PersonId| {
            names
                .get(id)
                .cloned()
                .unwrap_or_else(|| "Someone no longer in the workspace".into())
        };
        let signed = signed();
        let listed = document.view.with(|p| {
            p.as_ref()
                .map(|p| p.participants.clone())
                .unwrap_or_default()
        });
        let mut rows: Vec<ParticipantRow> = match &signed {
            None => listed
                .iter()
                .map(|(id, role)| ParticipantRow {
                    id: id.clone(),
                    name: name_of(id),
                    role: *role,
                    unsigned: false,
                })
                .collect(),
            Some(signed) => {
                let mut rows: Vec<ParticipantRow> = signed
                    .iter()
                    .map(|(id, role)| ParticipantRow {
                        id: id.clone(),
                        name: name_of(id),
                        role: *role,
                        unsigned: false,
                    })
                    .collect();
                rows.extend(
                    listed
                        .iter()
                        .filter(|(id, role)| signed.get(*id) != Some(*role))
                        .map(|(id, role)| ParticipantRow {
                            id: id.clone(),
                            name: name_of(id),
                            role: *role,
                            unsigned: true,
                        }),
                );
                rows
            }
        };
        rows.sort_by(|a, b| a.name.cmp(&b.name).then(a.unsigned.cmp(&b.unsigned)));
        rows
    };
    let unsigned = move || {
        rows()
            .into_iter()
            .filter(|r| r.unsigned)
            .collect::<Vec<_>>()
    };
    // Who approves a plan is the admins' to say (everyone's, while nobody has claimed the
    // workspace): a signed statement every device checks (`Membership::plan_roles`).
    let admin = move || identity.access.with(|a| a.may_edit_people());
    let set_role = move |id: PersonId, role: Option<Role>| {
        if !admin() {
            return error.set(Some(
                "Only the workspace's admins choose who takes part in a plan.".into(),
            ));
        }
        if identity.access.with_untracked(|a| a.claimed()) {
            let signed = identity.sign(
                "Set a plan role",
                crate::model::identity::Act::SetPlanRole {
                    plan: document.id.url(),
                    person: id.clone(),
                    role,
                },
            );
            if let Err(problem) = signed {
                return error.set(Some(problem));
            }
        }
        error.set(
            document
                .edit("Change a participant's role", |plan| {
                    match role {
                        Some(role) => plan.set_participant(id, role),
                        None => plan.remove_participant(&id),
                    }
                    Ok::<(), std::convert::Infallible>(())
                })
                .err(),
        );
    };
    let sign_listed = move |_| {
        for row in unsigned() {
            set_role(row.id, Some(row.role));
        }
    };
    let add = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let chosen = person.get_untracked();
        if chosen.is_empty() {
            return error.set(Some("Choose a person to add.".into()));
        }
        set_role(PersonId::from(chosen), Some(role.get_untracked()));
        person.set(String::new());
    };
    let role_options = move |current: Role| {
        Role::ALL
            .into_iter()
            .map(move |r| {
                view! {
                    <option value=r.key() selected=r == current>
                        {r.label()}
                    </option>
                }
            })
            .collect_view()
    };
    let parse_role = |text: String| Role::from_key(&text);

    view! {
        <section class="card" aria-labelledby="participants-heading">
            <h2 id="participants-heading">"Participants"</h2>
            <p class="item-meta">"Board and executive participants can approve the plan."</p>
            <ul class="item-list" data-testid="participants">
                <For each=rows key=|row| row.clone() let:row>
                    {
                        let ParticipantRow { id, name, role: current, unsigned } = row;
                        let select_id = if unsigned {
                            format!("unsigned-role-{id}")
                        } else {
                            format!("role-{id}")
                        };
                        let remove_id = id.clone();
                        let role_id = id.clone();
                        view! {
                            <li class="item participant">
                                <label for=select_id.clone() class="item-title">
                                    {name.clone()}
                                </label>
                                <select
                                    id=select_id
                                    disabled=move || !admin() || unsigned
                                    on:change=move |ev| {
                                        if let Some(r) = parse_role(event_target_value(&ev)) {
                                            set_role(role_id.clone(), Some(r))
                                        }
                                    }
                                >
                                    {role_options(current)}
                                </select>
                                {unsigned
                                    .then(|| {
                                        view! {
                                            <span class="item-meta" data-testid="unsigned-role">
                                                "Written in the plan, not signed by an admin: it counts for nothing."
                                            </span>
                                        }
                                    })}
                                <button
                                    type="button"
                                    class="button"
                                    style:display=move || {
                                        if admin() && !unsigned { "" } else { "none" }
                                    }
                                    aria-label=format!("Remove {name} from the plan")
                                    on:click=move |_| set_role(remove_id.clone(), None)
                                >
                                    "Remove"
                                </button>
                            </li>
                        }
                    }
                </For>
            </ul>
            <Show when=move || admin() && !unsigned().is_empty()>
                <div class="button-row">
                    <button type="button" class="button" on:click=sign_listed>
                        "Sign the roles the plan lists"
                    </button>
                    <span class="item-meta">
                        "Roles written before the workspace had members (or by a device that could not sign) count once an admin signs them."
                    </span>
                </div>
            </Show>
            <form
                class="inline-form"
                on:submit=add
                aria-label="Add a participant"
                style:display=move || if admin() { "" } else { "none" }
            >
                <PersonPicker
                    id="participant-person".into()
                    label="Person"
                    chosen=person
                    none="Choose…"
                />
                <label for="participant-role">"Role"</label>
                <select
                    id="participant-role"
                    on:change=move |ev| {
                        if let Some(r) = parse_role(event_target_value(&ev)) {
                            role.set(r)
                        }
                    }
                >
                    {role_options(Role::Board)}
                </select>
                <button type="submit" class="button">
                    "Add participant"
                </button>
            </form>
            <crate::ui::components::FormError error=error />
        </section>
    }
}

#[component]
fn DirectionPanel() -> impl IntoView {
    let document = expect_context::<PlanDocument>();
    let statement = move |which: Statement, id: &'static str, placeholder: &'static str| {
        let value = Signal::derive(move || {
            document.view.with(|p| {
                p.as_ref()
                    .map(|p| p.statement(which).as_str().to_owned())
                    .unwrap_or_default()
            })
        });
        let on_input = Callback::new(move |text: String| {
            let _ = document.edit(
                &format!("Edit the {}", which.label().to_lowercase()),
                |plan| {
                    plan.set_statement(which, &text);
                    Ok::<(), std::convert::Infallible>(())
                },
            );
        });
        view! {
            <div class="statement">
                <CollaborativeText
                    id=id
                    label=which.label().to_owned()
                    value=value
                    on_input=on_input
                    placeholder=placeholder
                    rows=3
                />
            </div>
        }
    };
    view! {
        <section class="card" aria-labelledby="direction-heading">
            <h2 id="direction-heading">"Direction"</h2>
            <p class="item-meta">
                "Written together: what each person types merges with what others type at the same time."
            </p>
            {statement(Statement::Mission, "plan-mission", "Why the organisation exists")}
            {statement(Statement::Vision, "plan-vision", "Where it is going")}
            {statement(Statement::Values, "plan-values", "How it behaves on the way")}
        </section>
    }
}
