//! Feedback one was asked for (`/feedback/:id`): the colleague writes it here, in its own
//! document, saved as it is typed. Only the writer, the employee's managers and HR hold
//! this document; the employee reads it once the review is shared, copied into the
//! review (without the writer's name when it was asked anonymously).

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::model::review::SealCheck;
use crate::store::{now_millis, DocumentId};
use crate::ui::components::{CollaborativeText, FormError};
use crate::ui::pages::reviews::cycle::person_name;
use crate::ui::{href, IdentityState, ReviewsState, WorkspaceState};

#[component]
pub fn AskedFeedbackPage() -> impl IntoView {
    let reviews = expect_context::<ReviewsState>();
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|id| id.parse::<DocumentId>().ok()));
    Effect::new(move |_| {
        // Again when the rules or the listing change (a device that just joined).
        if let Some(id) = id() {
            if reviews.may_hold(id) {
                reviews.asked.open_all([id]);
            }
        }
    });
    move || {
        let Some(id) = id().filter(|id| reviews.may_hold(*id)) else {
            return view! {
                <section class="page">
                    <h1>"Not yours to read"</h1>
                    <p data-testid="not-yours">
                        "Feedback is held by the colleague who writes it, the employee's managers and HR. This device does not open it."
                    </p>
                    <p>
                        <A href=href("/reviews")>"Reviews"</A>
                    </p>
                </section>
            }
            .into_any();
        };
        match reviews.asked.get(&id) {
            None => view! {
                <section class="page">
                    <p role="status">"Opening the feedback…"</p>
                </section>
            }
            .into_any(),
            Some(document) => view! { <WriteAskedFeedback document=document /> }.into_any(),
        }
    }
}

#[component]
fn WriteAskedFeedback(document: crate::ui::AskedDocument) -> impl IntoView {
    let state = expect_context::<WorkspaceState>();
    let identity = expect_context::<IdentityState>();
    let error = RwSignal::new(None::<String>);
    let read = move |f: fn(&crate::model::review::AskedFeedback) -> String| {
        document
            .view
            .with(|a| a.as_deref().map(f).unwrap_or_default())
    };
    let employee = move || {
        document.view.with(|a| {
            a.as_ref()
                .map(|a| person_name(&state, &a.employee))
                .unwrap_or_default()
        })
    };
    let cycle = move || read(|a| a.cycle_name.clone());
    let arrived = Memo::new(move |_| document.view.with(Option::is_some));
    let mine = move || {
        let me = state.me.get();
        document
            .view
            .with(|a| a.as_ref().is_some_and(|a| Some(&a.writer) == me.as_ref()))
    };
    let closed = move || document.view.with(|a| a.as_ref().is_some_and(|a| a.closed));
    // Typed here while offline, and merged after the close (`model::review::closed_words`).
    // `Some(true)`: what came late removed every word.
    let late = move || {
        document
            .view
            .with(|a| a.as_ref().and_then(|a| a.late_words()).map(str::is_empty))
    };
    let anonymous = move || {
        document
            .view
            .with(|a| a.as_ref().is_some_and(|a| a.anonymous))
    };
    let text = Signal::derive(move || read(|a| a.text.as_str().to_owned()));
    // Sealed by this device with each edit (once the workspace has members): the
    // manager's device shares only a text its writer's device sealed.
    let url = document.url();
    let seal = move |a: &mut crate::model::review::AskedFeedback| {
        if let Some(secret) = identity.sealing_key() {
            a.seal(&url, &secret);
        }
    };
    let write = Callback::new({
        let seal = seal.clone();
        move |typed: String| {
            let Some(me) = state.me.get_untracked() else {
                return;
            };
            let written = document.edit("Write feedback", |a| {
                a.write(&me, &typed, now_millis())?;
                seal(a);
                Ok::<(), crate::model::review::ReviewError>(())
            });
            error.set(written.err());
        }
    });
    // Written by an earlier build (or before the workspace had members), not closed: the
    // writer's device seals it when they open it, so it can be shared.
    Effect::new(move |_| {
        let me = state.me.get();
        let unsealed = document.view.with(|a| {
            a.as_ref().is_some_and(|a| {
                Some(&a.writer) == me.as_ref()
                    && !a.closed
                    && a.is_written()
                    && identity.membership(|m| {
                        m.is_some() && a.check(&document.url(), m) != SealCheck::Verified
                    })
            })
        });
        if unsealed && identity.sealing_key().is_some() {
            let sealed = document.edit("Seal feedback", |a| {
                seal(a);
                Ok::<(), String>(())
            });
            error.set(sealed.err());
        }
    });
    move || {
        if !arrived.get() {
            return view! {
                <section class="page" data-testid="feedback-waiting">
                    <h1>"Waiting for this feedback"</h1>
                    <p>
                        "This device does not have it yet; it appears as soon as it arrives from the relay."
                    </p>
                </section>
            }
            .into_any();
        }
        view! {
            <section class="page" aria-labelledby="asked-feedback-heading">
                <h1 id="asked-feedback-heading">
                    {move || format!("Feedback for {} — {}", employee(), cycle())}
                </h1>
                <p class="notice" role="note" data-testid="feedback-privacy">
                    {move || {
                        if anonymous() {
                            format!(
                                "{} reads this when the review is shared, without your name, and only if at least {} colleagues asked anonymously have written (so that no answer points to its writer). Their manager and HR see who wrote it.",
                                employee(),
                                crate::model::review::MIN_ANONYMOUS_ANSWERS,
                            )
                        } else {
                            format!(
                                "{} reads this, with your name, when the review is shared. Their manager and HR read it before.",
                                employee(),
                            )
                        }
                    }}
                </p>
                <FormError error=error />
                <Show
                    when=move || mine() && !closed()
                    fallback=move || {
                        view! {
                            <blockquote data-testid="asked-feedback-text">
                                <p>{move || text.get()}</p>
                            </blockquote>
                            <p class="item-meta">
                                {move || {
                                    if late() == Some(true) {
                                        "The review was shared before your removal reached it: what you had written by then stays shared."
                                    } else if late().is_some() {
                                        "The review was shared before these words reached it: it shares what you had written by then, unless the manager or HR share these instead."
                                    } else if closed() {
                                        "The review has been shared; this feedback can no longer be changed."
                                    } else {
                                        "Only the colleague asked writes this feedback."
                                    }
                                }}
                            </p>
                        }
                    }
                >
                    <div class="form" role="group" aria-label="Your feedback">
                        <CollaborativeText
                            id="write-asked-feedback"
                            label="Your feedback (you were asked)"
                            value=text
                            on_input=write
                            rows=6
                        />
                        <p class="item-meta">"Saved as you type."</p>
                    </div>
                </Show>
                <p>
                    <A href=href("/reviews")>"Reviews"</A>
                </p>
            </section>
        }
        .into_any()
    }
}
