//! Feedback in a review: colleagues asked for it write it in a document of their own
//! (`review::AskedFeedback`), which the employee's device never holds; the manager's or
//! HR's device shares it into the review once the review is shared (anonymous feedback
//! without its writer's name). Feedback given during the year can be pulled in.

use leptos::prelude::*;
use leptos_router::components::A;

use super::late_words::LateWords;
use super::ReviewPageContext;
use crate::model::identity::Membership;
use crate::model::review::{check_act, Act, AskedFeedback, FeedbackRequest, PulledFeedback};
use crate::model::review::{
    Actor, FeedbackShared, Review, ReviewError, SealCheck, Stage, MIN_ANONYMOUS_ANSWERS,
};
use crate::model::{DocumentUrl, ItemId, PersonId};
use crate::store::{now_millis, DocumentId};
use crate::ui::components::{CollaborativeText, PersonPicker};
use crate::ui::format::date;
use crate::ui::href;
use crate::ui::pages::reviews::cycle::person_name;
use crate::ui::ReviewsState;

/// One request for feedback as the list shows it (and keys it: a row is redrawn when any
/// of this changes).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct RequestRow {
    id: ItemId,
    /// Who was asked, as the viewer may see it.
    from: String,
    /// Where it stands, in words ("Asked Ben Okoro; not written yet.").
    status: String,
    /// The viewer is the one asked, in a request made by an earlier version (written in
    /// the review itself).
    mine_here: bool,
    /// The viewer is the one asked: where they write it.
    mine_elsewhere: Option<DocumentId>,
    /// Nominated by the employee and not approved yet.
    waiting: bool,
    /// The viewer may approve or decline it.
    may_approve: bool,
    requested_at: i64,
}

/// Written feedback as the viewer is shown it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct WrittenRow {
    text: String,
    footer: String,
    /// Words that reached its document after it closed, and the document (on a manager's
    /// or HR's device).
    late: Option<(String, DocumentId)>,
}

#[component]
pub fn FeedbackSection() -> impl IntoView {
    let context = expect_context::<ReviewPageContext>();
    let reviews = expect_context::<ReviewsState>();
    let state = context.state;
    let peer = RwSignal::new(String::new());
    let anonymous = RwSignal::new(false);
    let review_url = context.document.url();
    // The feedback documents on this review open here: a manager's or HR's device (and a
    // writer's own); never the employee's.
    let asked = {
        let review_url = review_url.clone();
        Memo::new(move |_| reviews.asked_on(&review_url))
    };
    let requests = move || {
        let me = context.me();
        let approver = context.read(false, |r| {
            let c = context.capacity(r);
            check_act(Act::ApproveNomination, r.stage, c).is_ok()
        });
        let asked = asked.get();
        context.read(Vec::new(), |r| {
            let mut list: Vec<_> = r
                .peer_feedback
                .iter()
                .map(|(id, f)| {
                    let shown = me
                        .as_ref()
                        .map_or(Some(&f.from), |me| r.feedback_author(f, me));
                    let from = shown.map_or("A colleague (anonymous)".to_owned(), |p| {
                        person_name(&state, p)
                    });
                    let mine = me.as_ref() == Some(&f.from);
                    let document = f
                        .document
                        .as_ref()
                        .and_then(|url| DocumentId::from_url(url).ok());
                    let held = asked.iter().find(|(_, a)| &a.request == id);
                    let written = match (&f.document, held) {
                        (None, _) => Some(!f.text.as_str().trim().is_empty()),
                        (Some(_), Some((_, a))) => Some(a.is_written()),
                        (Some(_), None) => None,
                    };
                    let status = match written {
                        Some(false) => format!("Asked {from}; not written yet."),
                        Some(true) => format!("{from} has written their feedback."),
                        // The employee's device: it never holds the feedback document.
                        None if r.stage >= Stage::Shared => format!("{from} was asked."),
                        None => format!(
                            "{from} was asked; you read what they write when the review is shared with you."
                        ),
                    };
                    RequestRow {
                        id: id.clone(),
                        from,
                        status,
                        mine_here: mine && f.document.is_none(),
                        mine_elsewhere: document.filter(|_| mine),
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
    let written = move || {
        let me = context.me();
        let asked = asked.get();
        let asked: Vec<(DocumentId, &AskedFeedback)> = asked.iter().map(|(d, a)| (*d, a)).collect();
        context.read(Vec::new(), |r| {
            r.feedback_shown(&asked, me.as_ref())
                .into_iter()
                .map(|f| {
                    let from = f
                        .from
                        .as_ref()
                        .map_or("A colleague (anonymous)".to_owned(), |p| {
                            person_name(&state, p)
                        });
                    let note = if f.anonymous && f.from.is_some() {
                        " (anonymous to the employee)"
                    } else {
                        ""
                    };
                    WrittenRow {
                        text: f.text,
                        footer: format!("— {from}{note}"),
                        late: f.late.zip(f.document),
                    }
                })
                .collect::<Vec<_>>()
        })
    };
    // On the manager's or HR's device: each approved request gets its document (also one
    // an earlier version made, while not written), and once the review is shared what was
    // written is copied into it. Runs again whenever the review or a feedback document
    // changes; it writes only what is missing, so it settles.
    let busy = StoredValue::new(std::collections::BTreeSet::<ItemId>::new());
    // Once per request on this page, whoever asks first (the button or the effect).
    let give = move |request: ItemId| {
        if busy.with_value(|b| b.contains(&request)) {
            return;
        }
        busy.update_value(|b| {
            b.insert(request.clone());
        });
        give_document(context, reviews, request);
    };
    // What sharing would do now, tried on copies (`Trial`): worked out once per change of
    // the review, its feedback documents or the rules, and read both by the effect that
    // shares and by the notice of what cannot be shared. `None` unless the review is
    // shared and this is its manager's or HR's device.
    let trial = Memo::new(move |_| {
        let asked = asked.get();
        let me = context.me()?;
        context.read(None, |review| {
            let capacity = context.capacity(review);
            if review.stage != Stage::Shared
                || !(capacity.manager || capacity.hr)
                || capacity.employee
            {
                return None;
            }
            context.identity.membership(|m| {
                let trial = Trial::of(&asked, m);
                let who = Actor {
                    person: &me,
                    capacity,
                };
                let shared = trial.share(review, who, m);
                let still_open = shared
                    .refused
                    .iter()
                    .map(|(document, _)| *document)
                    .filter(|document| trial.is_open(document))
                    .collect();
                Some(TrialOutcome {
                    closing: trial.closing,
                    shared,
                    still_open,
                })
            })
        })
    });
    Effect::new(move |_| {
        let Some(review) = context.document.view.get() else {
            return;
        };
        let capacity = context.capacity(&review);
        if !(capacity.manager || capacity.hr) || capacity.employee {
            return;
        }
        let now = now_millis();
        for (id, feedback) in &review.peer_feedback {
            if review.stage < Stage::Shared && feedback.needs_document(now) {
                give(id.clone());
            }
        }
        if review.stage == Stage::Shared {
            // Tried on a copy first (`trial`), so that nothing is written (and the page is
            // not drawn again) unless a document closes or a copy is added: anonymous
            // answers held back, or an answer its writer's device has not sealed, leave it
            // settled.
            let closing = trial.with(|t| {
                t.as_ref()
                    .filter(|t| !t.closing.is_empty() || t.shared.copied > 0)
                    .map(|t| t.closing.clone())
            });
            if let Some(closing) = closing {
                share(context, reviews, closing);
            }
        }
    });
    // Anonymous answers the employee is not shown (too few to hide their writers), and
    // answers that cannot be shared and why: told to the manager and HR, who read them.
    let held_back = move || {
        let asked = asked.get();
        let pairs: Vec<(DocumentId, &AskedFeedback)> = asked.iter().map(|(d, a)| (*d, a)).collect();
        context.read((0, false), |r| {
            let c = context.capacity(r);
            if !(c.manager || c.hr) || c.employee {
                return (0, false);
            }
            let count = context
                .identity
                .membership(|m| r.anonymous_held_back(&pairs, m));
            (count, r.stage == Stage::Signed)
        })
    };
    let not_shared = move || {
        trial.with(|t| {
            let Some(t) = t else { return Vec::new() };
            let mut reasons: Vec<String> = t
                .shared
                .refused
                .iter()
                .map(|(document, problem)| {
                    // Still open in the trial: its writer's device has not sealed it.
                    if t.still_open.contains(document) {
                        ReviewError::FeedbackNotSealed.to_string()
                    } else {
                        problem.to_string()
                    }
                })
                .collect();
            reasons.dedup();
            reasons
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
        // A nomination waits for the manager; a request gets its document at once.
        let waiting = context.read(false, |r| {
            r.peer_feedback
                .get(&id)
                .is_some_and(|f| f.waiting_for_approval())
        });
        if !waiting {
            give(id);
        }
        peer.set(String::new());
    };
    let approve = move |id: ItemId| {
        let Ok(()) = context.act("Approve a nomination for feedback", |r, actor| {
            r.approve_nomination(actor, &id)
        }) else {
            return;
        };
        give(id);
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
                        } else if row.mine_here {
                            view! { <WriteFeedback id=row.id.clone() /> }.into_any()
                        } else if let Some(document) = row.mine_elsewhere {
                            view! {
                                <A href=href(
                                    &format!("/feedback/{document}"),
                                )>"Write the feedback you were asked for"</A>
                            }
                                .into_any()
                        } else {
                            view! { <p class="item-meta">{row.status.clone()}</p> }.into_any()
                        }}
                    </li>
                </For>
                <For each=written key=|row| row.clone() let:row>
                    <li class="feedback-item">
                        <blockquote>
                            {if row.text.is_empty() {
                                view! {
                                    <p class="item-meta">"Nothing was written when it closed."</p>
                                }
                                    .into_any()
                            } else {
                                view! { <p>{row.text.clone()}</p> }.into_any()
                            }} <footer>{row.footer.clone()}</footer>
                        </blockquote>
                        {row
                            .late
                            .clone()
                            .map(|(words, document)| view! { <LateWords words document /> })}
                    </li>
                </For>
            </ul>
            <Show when=move || { held_back().0 > 0 }>
                <p class="notice" role="note" data-testid="anonymous-held-back">
                    {move || {
                        let (count, signed) = held_back();
                        let (answers, is, it) = if count == 1 {
                            ("1 anonymous answer".to_owned(), "is", "it")
                        } else {
                            (format!("{count} anonymous answers"), "are", "them")
                        };
                        if signed {
                            format!(
                                "{answers} never reached the employee: too few colleagues asked anonymously answered to hide who wrote which.",
                            )
                        } else {
                            format!(
                                "{answers} {is} held back from the employee: anonymous feedback is shared only once at least {MIN_ANONYMOUS_ANSWERS} colleagues asked anonymously have written, so that no answer points to its writer. You read {it} here; signing the review leaves {it} unshared.",
                            )
                        }
                    }}
                </p>
            </Show>
            <For each=not_shared key=|reason| reason.clone() let:reason>
                <p class="notice" role="note" data-testid="feedback-not-shared">
                    {format!("Not shared with the employee: {reason}")}
                </p>
            </For>
            <Show when=may_ask>
                {move || {
                    if nominates() {
                        view! {
                            <form
                                class="inline-form"
                                on:submit=ask
                                aria-label="Nominate a colleague"
                            >
                                <PersonPicker
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
                                <PersonPicker
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
            <p class="item-meta">
                {format!(
                    "Colleagues write their feedback where the employee cannot read it; it is shared with the employee when the review is, without the writer's name if it was asked anonymously. Anonymous feedback is shared only once at least {MIN_ANONYMOUS_ANSWERS} colleagues asked anonymously have written, so that no answer points to its writer.",
                )}
            </p>
            <Show when=move || context.shown.get()>
                <PulledFeedbackList />
            </Show>
        </section>
    }
}

/// Makes the document the colleague asked by `request` writes in, records it in the
/// review and lists it in the workspace (so the colleague's device, and the relay, know
/// they may hold it). The colleague holds that document only, never the review.
fn give_document(context: ReviewPageContext, reviews: ReviewsState, request: ItemId) {
    let Some(review) = context.document.view.get_untracked() else {
        return;
    };
    let review_url = DocumentUrl::from(context.document.url());
    leptos::task::spawn_local(async move {
        let made = reviews
            .start_asked_feedback(&review, review_url.clone(), &request)
            .await;
        let document = match made {
            Ok(document) => DocumentUrl::from(document.url()),
            Err(problem) => return context.error.set(Some(problem)),
        };
        let linked = context.act("Ask for feedback in its own document", |r, who| {
            r.link_feedback_document(who, &request, document.clone())
        });
        if linked.is_err() {
            return;
        }
        let Some(asked) = review.peer_feedback.get(&request) else {
            return;
        };
        let listing = FeedbackRequest {
            review: review_url,
            peer: asked.from.clone(),
            employee: review.employee.clone(),
            requested_at: asked.requested_at,
            document: Some(document),
        };
        let listed = context
            .state
            .edit("List a request for feedback", move |ws| {
                ws.list_feedback_request(request, listing);
                Ok::<(), crate::model::WorkspaceError>(())
            });
        context.error.set(listed.err());
    });
}

/// What sharing the review's feedback would do now (see `Trial`).
#[derive(Debug, Clone, PartialEq)]
struct TrialOutcome {
    /// The documents sharing closes (or, closed by an earlier build, keeps the words of).
    closing: Vec<DocumentId>,
    shared: FeedbackShared,
    /// Of those refused, the ones still open: their writer's device has not sealed them.
    still_open: Vec<DocumentId>,
}

/// The review's feedback documents as sharing would leave them: each open one that may
/// close (nothing written, or what is written sealed by its writer's device) closed, on a
/// copy. (Its copy key is a trial one: only what would be shared is read from it.)
struct Trial {
    documents: Vec<(DocumentId, AskedFeedback)>,
    /// The open documents sharing closes.
    closing: Vec<DocumentId>,
}

impl Trial {
    fn of(asked: &[(DocumentId, AskedFeedback)], membership: Option<&Membership>) -> Self {
        let mut closing = Vec::new();
        let documents = asked
            .iter()
            .map(|(document, feedback)| {
                let mut feedback = feedback.clone();
                // Open, or closed by an earlier build that kept no words: closing keeps
                // the words it holds, which are what is shared.
                if feedback.closed_with.is_none() && may_close(*document, &feedback, membership) {
                    feedback.close();
                    closing.push(*document);
                }
                (*document, feedback)
            })
            .collect();
        Self { documents, closing }
    }

    /// What sharing would do to `review`.
    fn share(
        &self,
        review: &Review,
        who: Actor,
        membership: Option<&Membership>,
    ) -> FeedbackShared {
        let pairs: Vec<(DocumentId, &AskedFeedback)> =
            self.documents.iter().map(|(d, a)| (*d, a)).collect();
        review
            .clone()
            .share_feedback(who, &pairs, membership, now_millis())
            .unwrap_or_default()
    }

    fn is_open(&self, document: &DocumentId) -> bool {
        self.documents
            .iter()
            .any(|(d, a)| d == document && !a.closed)
    }
}

/// Whether sharing may close `feedback`: an unsealed text stays open for its writer's
/// device to seal (once the workspace has members).
fn may_close(
    document: DocumentId,
    feedback: &AskedFeedback,
    membership: Option<&Membership>,
) -> bool {
    !feedback.is_written()
        || membership.is_none()
        || feedback.check(&document.url(), membership) == SealCheck::Verified
}

/// Shares what colleagues wrote with the employee: the feedback documents `closing` close
/// (each keeping the key of its copy), then the review takes the copies of every closed
/// one in one change (anonymous ones only once there are enough, `Review::share_feedback`).
fn share(context: ReviewPageContext, reviews: ReviewsState, closing: Vec<DocumentId>) {
    for document in &closing {
        let Some(open) = reviews.asked.get(document) else {
            continue;
        };
        let closed = open.edit("Share feedback with the employee", |asked| {
            asked.close();
            Ok::<(), String>(())
        });
        if let Err(problem) = closed {
            return context.error.set(Some(problem));
        }
    }
    // As closing left them.
    let review_url = context.document.url();
    let closed: Vec<(DocumentId, AskedFeedback)> = reviews
        .asked_on_untracked(&review_url)
        .into_iter()
        .filter(|(_, a)| a.closed)
        .collect();
    let pairs: Vec<(DocumentId, &AskedFeedback)> = closed.iter().map(|(d, a)| (*d, a)).collect();
    let _ = context.act("Share feedback with the employee", |r: &mut Review, who| {
        context
            .identity
            .membership_untracked(|m| r.share_feedback(who, &pairs, m, now_millis()))
    });
}

/// The asked peer's own entry in a request made by an earlier version, saved as it is
/// typed.
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
        // One whose seal does not hold (not given by whom it names) is never pulled in.
        let given = context.reviews.feedback_for(&employee);
        context.identity.membership(|membership| {
            given
                .into_iter()
                .filter(|(id, f)| {
                    !taken.contains(id)
                        && !matches!(
                            f.check(&format!("automerge:{id}"), membership),
                            crate::model::review::SealCheck::Forged(_)
                        )
                })
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
