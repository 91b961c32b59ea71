//! Feedback in a review: peers asked for it write into the review (optionally anonymous
//! to the employee), and feedback or praise given during the year can be pulled in.

use leptos::prelude::*;

use super::ReviewPageContext;
use crate::model::review::{check_act, Act, FeedbackRequest, PulledFeedback};
use crate::model::{ItemId, PersonId};
use crate::store::now_millis;
use crate::ui::components::{CollaborativeText, PersonSelect};
use crate::ui::format::date;
use crate::ui::pages::reviews::cycle::person_name;

/// One request for feedback as the list shows it (and keys it: a row is redrawn when any
/// of this changes).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct RequestRow {
    id: ItemId,
    /// Who was asked, as the viewer may see it.
    from: String,
    /// What they wrote (empty for the viewer's own, which its field shows).
    text: String,
    anonymous: bool,
    /// The viewer is the one asked.
    mine: bool,
    /// Nominated by the employee and not approved yet.
    waiting: bool,
    /// The viewer may approve or decline it.
    may_approve: bool,
    requested_at: i64,
}

#[component]
pub fn FeedbackSection() -> impl IntoView {
    let context = expect_context::<ReviewPageContext>();
    let state = context.state;
    let peer = RwSignal::new(String::new());
    let anonymous = RwSignal::new(false);
    let requests = move || {
        let me = context.me();
        let approver = context.read(false, |r| {
            let c = context.capacity(r);
            check_act(Act::ApproveNomination, r.stage, c).is_ok()
        });
        // A colleague who is not the employee, manager or HR sees only their own request.
        let everyone = context.shown.get();
        context.read(Vec::new(), |r| {
            let mut list: Vec<_> = r
                .peer_feedback
                .iter()
                .filter(|(_, f)| everyone || me.as_ref() == Some(&f.from))
                .map(|(id, f)| {
                    let shown = me
                        .as_ref()
                        .map_or(Some(&f.from), |me| r.feedback_author(f, me));
                    let from = shown.map_or("A colleague (anonymous)".to_owned(), |p| {
                        person_name(&state, p)
                    });
                    let mine = me.as_ref() == Some(&f.from);
                    // The writer's own entry is saved as it is typed: its text stays out
                    // of the row's key, or each keystroke would redraw the field.
                    let text = if mine {
                        String::new()
                    } else {
                        f.text.as_str().trim().to_owned()
                    };
                    RequestRow {
                        id: id.clone(),
                        from,
                        text,
                        anonymous: f.anonymous,
                        mine,
                        waiting: f.waiting_for_approval(),
                        may_approve: approver && f.waiting_for_approval(),
                        requested_at: f.requested_at,
                    }
                })
                .collect();
            list.sort_by_key(|row| (row.requested_at, row.id.clone()));
            list
        })
    };
    // The employee nominates; the manager or HR asks (and approves nominations).
    let nominates = move || {
        context.read(false, |r| {
            let c = context.capacity(r);
            c.employee && !(c.manager || c.hr)
        })
    };
    let may_ask = move || {
        context.read(false, |r| {
            let c = context.capacity(r);
            check_act(Act::AskFeedback, r.stage, c).is_ok()
        })
    };
    let ask = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let chosen = peer.get_untracked();
        if chosen.is_empty() {
            return context.error.set(Some("Choose whom to ask.".to_owned()));
        }
        let who = PersonId::from(chosen);
        let hidden = anonymous.get_untracked();
        let at = now_millis();
        let message = if nominates() {
            "Nominate a colleague for feedback"
        } else {
            "Ask for feedback"
        };
        let Ok(id) = context.act(message, |r, actor| {
            r.request_feedback(actor, &who, hidden, at)
        }) else {
            return;
        };
        // A nomination waits for the manager; a request is listed at once.
        let waiting = context.read(false, |r| {
            r.peer_feedback
                .get(&id)
                .is_some_and(|f| f.waiting_for_approval())
        });
        if !waiting {
            list_request(context, id, who, at);
        }
        peer.set(String::new());
    };
    let approve = move |id: ItemId| {
        let Ok(()) = context.act("Approve a nomination for feedback", |r, actor| {
            r.approve_nomination(actor, &id)
        }) else {
            return;
        };
        let asked = context.read(None, |r| {
            r.peer_feedback
                .get(&id)
                .map(|f| (f.from.clone(), f.requested_at))
        });
        if let Some((peer, at)) = asked {
            list_request(context, id, peer, at);
        }
    };
    let decline = move |id: ItemId| {
        let _ = context.act("Decline a nomination for feedback", |r, actor| {
            r.decline_nomination(actor, &id)
        });
    };
    view! {
        <section class="card" aria-labelledby="feedback-heading">
            <h2 id="feedback-heading">"Feedback"</h2>
            <ul class="plain-list" data-testid="peer-feedback">
                <For each=requests key=|row| row.clone() let:row>
                    <li class="feedback-item">
                        {if row.waiting {
                            let (yes, no) = (row.id.clone(), row.id.clone());
                            view! {
                                <p class="item-meta">
                                    {format!(
                                        "{} nominated by the employee; waiting for the manager's approval.",
                                        row.from,
                                    )}
                                </p>
                                <Show when=move || row.may_approve>
                                    <div class="button-row">
                                        <button
                                            type="button"
                                            class="button"
                                            on:click={
                                                let yes = yes.clone();
                                                move |_| approve(yes.clone())
                                            }
                                        >
                                            {format!("Approve asking {}", row.from)}
                                        </button>
                                        <button
                                            type="button"
                                            class="button"
                                            on:click={
                                                let no = no.clone();
                                                move |_| decline(no.clone())
                                            }
                                        >
                                            "Decline"
                                        </button>
                                    </div>
                                </Show>
                            }
                                .into_any()
                        } else if row.mine {
                            view! { <WriteFeedback id=row.id.clone() /> }.into_any()
                        } else if row.text.is_empty() {
                            view! {
                                <p class="item-meta">
                                    {format!("Asked {}; not written yet.", row.from)}
                                </p>
                            }
                                .into_any()
                        } else {
                            view! {
                                <blockquote>
                                    <p>{row.text.clone()}</p>
                                    <footer>
                                        {format!("— {}", row.from)}
                                        {row.anonymous.then_some(" (anonymous to the employee)")}
                                    </footer>
                                </blockquote>
                            }
                                .into_any()
                        }}
                    </li>
                </For>
            </ul>
            <Show when=may_ask>
                {move || {
                    if nominates() {
                        view! {
                            <form
                                class="inline-form"
                                on:submit=ask
                                aria-label="Nominate a colleague"
                            >
                                <PersonSelect
                                    id="feedback-peer".into()
                                    label="Nominate a colleague"
                                    chosen=peer
                                    none="Choose…"
                                />
                                <button type="submit" class="button">
                                    "Nominate"
                                </button>
                                <p class="item-meta">
                                    "Your manager approves before they are asked."
                                </p>
                            </form>
                        }
                            .into_any()
                    } else {
                        view! {
                            <form class="inline-form" on:submit=ask aria-label="Ask for feedback">
                                <PersonSelect
                                    id="feedback-peer".into()
                                    label="Ask a colleague"
                                    chosen=peer
                                    none="Choose…"
                                />
                                <span class="check">
                                    <input
                                        type="checkbox"
                                        id="feedback-anonymous"
                                        prop:checked=move || anonymous.get()
                                        on:change=move |ev| anonymous.set(event_target_checked(&ev))
                                    />
                                    <label for="feedback-anonymous">
                                        "Anonymous to the employee"
                                    </label>
                                </span>
                                <button type="submit" class="button">
                                    "Ask for feedback"
                                </button>
                            </form>
                        }
                            .into_any()
                    }
                }}
            </Show>
            <Show when=move || context.shown.get()>
                <PulledFeedbackList />
            </Show>
        </section>
    }
}

/// Lists a request in the workspace, so the colleague's device opens this review.
fn list_request(context: ReviewPageContext, id: ItemId, peer: PersonId, at: i64) {
    let request = FeedbackRequest {
        review: context.document.url().into(),
        peer,
        employee: context.read(PersonId::default(), |r| r.employee.clone()),
        requested_at: at,
    };
    let listed = context
        .state
        .edit("List a request for feedback", move |ws| {
            ws.list_feedback_request(id, request);
            Ok::<(), crate::model::WorkspaceError>(())
        });
    context.error.set(listed.err());
}

/// The asked peer's own entry, saved as it is typed.
#[component]
fn WriteFeedback(id: ItemId) -> impl IntoView {
    let context = expect_context::<ReviewPageContext>();
    let text = {
        let id = id.clone();
        Signal::derive(move || {
            context.read(String::new(), |r| {
                r.peer_feedback
                    .get(&id)
                    .map(|f| f.text.as_str().to_owned())
                    .unwrap_or_default()
            })
        })
    };
    let field = format!("write-feedback-{id}");
    let write = Callback::new(move |typed: String| {
        let Some(me) = context.me() else { return };
        let _ = context.act("Write feedback", |r, _| {
            r.write_feedback(&me, &id, &typed, now_millis())
        });
    });
    view! {
        <div class="form" role="group" aria-label="Your feedback">
            <CollaborativeText
                id=field
                label="Your feedback (you were asked)"
                value=text
                on_input=write
                rows=4
            />
            <p class="item-meta">"Saved as you type."</p>
        </div>
    }
}

/// Feedback given during the year: what is pulled in, and what can be.
#[component]
fn PulledFeedbackList() -> impl IntoView {
    let context = expect_context::<ReviewPageContext>();
    let state = context.state;
    let pulled = move || {
        context.read(Vec::new(), |r| {
            r.pulled_feedback
                .iter()
                .map(|(id, f)| (id.clone(), f.clone()))
                .collect::<Vec<_>>()
        })
    };
    let available = move || {
        let (employee, taken) = context.read((None, Vec::new()), |r| {
            (
                Some(r.employee.clone()),
                r.pulled_feedback.keys().cloned().collect::<Vec<_>>(),
            )
        });
        let Some(employee) = employee else {
            return Vec::new();
        };
        state.workspace.with(|ws| {
            ws.feedback_for(&employee)
                .into_iter()
                .filter(|(id, _)| !taken.contains(id))
                .map(|(id, f)| (id.clone(), f.clone()))
                .collect::<Vec<_>>()
        })
    };
    let may_pull = move || {
        context.read(false, |r| {
            let c = context.capacity(r);
            check_act(Act::PullFeedback, r.stage, c).is_ok()
        })
    };
    view! {
        <h3>"Feedback and praise from the year"</h3>
        <ul class="plain-list">
            <For each=pulled key=|p| p.0.clone() let((_id, f))>
                <li>
                    <blockquote>
                        <p>{f.text.clone()}</p>
                        <footer>
                            {format!(
                                "— {}, {} on {}",
                                f.from_name,
                                if f.praise { "praise" } else { "feedback" },
                                date(f.given_at),
                            )}
                        </footer>
                    </blockquote>
                </li>
            </For>
        </ul>
        <Show when=move || may_pull() && !available().is_empty()>
            <ul class="plain-list" aria-label="Feedback that can be pulled in">
                <For each=available key=|f| f.0.clone() let((id, f))>
                    {
                        let from_name = person_name(&state, &f.from);
                        let pulled = PulledFeedback {
                            from_name: from_name.clone(),
                            praise: f.praise,
                            text: f.text.clone(),
                            given_at: f.given_at,
                        };
                        let pull = move |_| {
                            let (id, pulled) = (id.clone(), pulled.clone());
                            let _ = context
                                .act(
                                    "Pull feedback into the review",
                                    |r, who| r.pull_feedback(who, &id, pulled),
                                );
                        };
                        view! {
                            <li class="list-row">
                                <span>{format!("“{}” — {from_name}", f.text)}</span>
                                <button type="button" class="button" on:click=pull>
                                    "Pull into this review"
                                </button>
                            </li>
                        }
                    }
                </For>
            </ul>
        </Show>
    }
}
