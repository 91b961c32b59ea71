//! Sign-off: the employee acknowledges, the manager signs (who, when, the heads signed).
//! A signed review says so at the top; anything written after the last signature is
//! listed there, and the signed version can be read as it was.

use leptos::prelude::*;

use super::ReviewPageContext;
use crate::model::review::{agreement, check_act, Act, Response, SealCheck, Sealer, SignOff};
use crate::store::now_millis;
use crate::ui::format::date_time;

#[component]
pub fn SignOffSection() -> impl IntoView {
    let context = expect_context::<ReviewPageContext>();
    // Each signature, and under the employee's what they said on acknowledging (the
    // manager and HR read it here).
    // Each signature is checked against the signed membership wherever it is shown: a
    // forged one says so and is never shown as signed.
    let document = context.document.id.url();
    let status = move || {
        context.identity.membership(|membership| {
            context.read(Vec::new(), |r| {
                [
                    (
                        "Acknowledged by the employee",
                        &r.acknowledgement,
                        SignOff::Acknowledgement,
                    ),
                    ("Signed by the manager", &r.signature, SignOff::Signature),
                ]
                .into_iter()
                .map(|(what, s, which)| match s {
                    Some(s) => {
                        let seal = match s.check(&document, which, membership) {
                            SealCheck::Verified => {
                                "Verified: signed with their device's key.".to_owned()
                            }
                            SealCheck::Unsealed => {
                                "Not verifiable: signed before the workspace had members."
                                    .to_owned()
                            }
                            SealCheck::Forged(why) => format!("Forged, not a signature: {why}."),
                        };
                        let line = match s.check(&document, which, membership) {
                            SealCheck::Forged(_) => format!("{what}: not validly signed"),
                            _ => format!("{what}: {} on {}", s.name, date_time(s.at)),
                        };
                        (line, Some(seal), s.agrees.map(agreement), s.comment.clone())
                    }
                    None => (format!("{what}: not yet"), None, None, String::new()),
                })
                .collect::<Vec<_>>()
            })
        })
    };
    let agrees = RwSignal::new(None::<bool>);
    // The employee's comment is kept as typed until they acknowledge.
    let comment_draft = crate::ui::Draft::new(format!("sign-off-comment:{}", context.document.id));
    let comment = comment_draft.text();
    let can = move |manager: bool| {
        context.read(false, |r| {
            let c = context.capacity(r);
            if manager {
                check_act(Act::Sign, r.stage, c).is_ok() && r.signature.is_none()
            } else {
                check_act(Act::Acknowledge, r.stage, c).is_ok() && r.acknowledgement.is_none()
            }
        })
    };
    let sign = move |manager: bool| {
        let name = context.state.my_name().unwrap_or_default();
        let heads = context.document.heads_hex();
        let at = now_millis();
        // Sealed with this device's key in the same change, once the workspace has members.
        let key = context.identity.sealing_key();
        let document = context.document.id.url();
        let seal = move |r: &mut crate::model::review::Review, which| {
            if let Some(secret) = &key {
                r.seal(
                    which,
                    &Sealer {
                        document: &document,
                        secret,
                    },
                );
            }
        };
        let _ = if manager {
            context.act("Sign the review", |r, who| {
                r.sign(who, &name, heads, at)?;
                seal(r, SignOff::Signature);
                Ok::<_, crate::model::review::ReviewError>(())
            })
        } else {
            let response = Response {
                agrees: agrees.get_untracked(),
                comment: comment.get_untracked(),
            };
            let acknowledged = context.act("Acknowledge the review", |r, who| {
                r.acknowledge(who, &name, heads, at, response)?;
                seal(r, SignOff::Acknowledgement);
                Ok::<_, crate::model::review::ReviewError>(())
            });
            if acknowledged.is_ok() {
                comment_draft.clear();
            }
            acknowledged
        };
    };
    view! {
        <section class="card" aria-labelledby="sign-off-heading">
            <h2 id="sign-off-heading">"Sign-off"</h2>
            <p class="item-meta">
                "Once the review is shared, the employee acknowledges it and the manager signs it. Each signature records the exact version signed."
            </p>
            <ul class="plain-list" data-testid="signatures">
                {move || {
                    status()
                        .into_iter()
                        .map(|(line, seal, agrees, comment)| {
                            view! {
                                <li>
                                    {line}
                                    {seal
                                        .map(|seal| {
                                            view! {
                                                <p class="item-meta" data-testid="seal">
                                                    {seal}
                                                </p>
                                            }
                                        })}
                                    {agrees
                                        .map(|a| {
                                            view! {
                                                <p class="item-meta" data-testid="agreement">
                                                    {a}
                                                </p>
                                            }
                                        })}
                                    {(!comment.is_empty())
                                        .then(|| {
                                            view! {
                                                <blockquote data-testid="sign-off-comment">
                                                    <p>{comment}</p>
                                                </blockquote>
                                            }
                                        })}
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
            <Show when=move || can(false)>
                <fieldset class="question no-print">
                    <legend>"Before you acknowledge"</legend>
                    <p class="item-meta">
                        "Acknowledging says you have read the review. You may say whether you agree, and add a comment your manager and HR will read."
                    </p>
                    <span class="check">
                        <input
                            type="radio"
                            id="sign-off-agree"
                            name="sign-off-agreement"
                            prop:checked=move || agrees.get() == Some(true)
                            on:change=move |_| agrees.set(Some(true))
                        />
                        <label for="sign-off-agree">"I agree with this review"</label>
                    </span>
                    <span class="check">
                        <input
                            type="radio"
                            id="sign-off-disagree"
                            name="sign-off-agreement"
                            prop:checked=move || agrees.get() == Some(false)
                            on:change=move |_| agrees.set(Some(false))
                        />
                        <label for="sign-off-disagree">"I do not agree with this review"</label>
                    </span>
                    <label for="sign-off-comment">"Your comment (optional)"</label>
                    <textarea id="sign-off-comment" rows=3 bind:value=comment></textarea>
                </fieldset>
            </Show>
            <div class="button-row no-print">
                <Show when=move || can(false)>
                    <button type="button" class="button primary" on:click=move |_| sign(false)>
                        "Acknowledge this review"
                    </button>
                </Show>
                <Show when=move || can(true)>
                    <button type="button" class="button primary" on:click=move |_| sign(true)>
                        "Sign this review"
                    </button>
                </Show>
            </div>
        </section>
    }
}

/// At the top of a signed review: it is final, and what was written after (if anything).
#[component]
pub fn SignedNotice() -> impl IntoView {
    let context = expect_context::<ReviewPageContext>();
    let document = context.document;
    // The signed state is read once per change of the signature, not per edit.
    let signed_heads = Memo::new(move |_| {
        context.read(None, |r| {
            r.final_signature()
                .map(|s| (s.heads.clone(), s.name.clone(), s.at))
        })
    });
    let signed = Memo::new(move |_| {
        signed_heads
            .get()
            .and_then(|(heads, ..)| document.view_at_hex(&heads).ok())
    });
    let later = move || {
        let Some(then) = signed.get() else {
            return Vec::new();
        };
        // The review as it reads (not as a manager's side shows it): what was signed.
        document
            .own_view()
            .map(|now| now.edits_after_sign_off(&then))
            .unwrap_or_default()
    };
    view! {
        {move || {
            signed_heads
                .get()
                .map(|(_, name, at)| {
                    view! {
                        <div class="notice signed-notice" role="note" data-testid="signed-notice">
                            <p>
                                <strong>"Signed — this review is final."</strong>
                                {format!(" Last signature by {name} on {}.", date_time(at))}
                            </p>
                            {move || {
                                let edits = later();
                                (!edits.is_empty())
                                    .then(|| {
                                        view! {
                                            <div data-testid="after-sign-off">
                                                <p>"Changed after sign-off:"</p>
                                                <ul>
                                                    {edits
                                                        .into_iter()
                                                        .map(|e| view! { <li>{e}</li> })
                                                        .collect_view()}
                                                </ul>
                                            </div>
                                        }
                                    })
                            }}
                        </div>
                    }
                })
        }}
    }
}

/// Who changed ratings in calibration, and when.
#[component]
pub fn CalibrationNotes() -> impl IntoView {
    let context = expect_context::<ReviewPageContext>();
    let notes = move || {
        context.read(Vec::new(), |r| {
            r.calibration_history()
                .into_iter()
                .map(|n| format!("{} ({})", n.describe(&r.scale), date_time(n.at)))
                .collect::<Vec<_>>()
        })
    };
    view! {
        <Show when=move || context.manager_side.get() && !notes().is_empty()>
            <section class="card" aria-labelledby="calibration-notes-heading">
                <h2 id="calibration-notes-heading">"Calibration"</h2>
                <ul class="plain-list" data-testid="calibration-notes">
                    {move || notes().into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}
                </ul>
            </section>
        </Show>
    }
}
