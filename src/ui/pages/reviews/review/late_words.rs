//! Words that reached asked feedback after it closed, as its review's manager or HR read
//! them: the employee is shown what was written when it closed, unless one of them shares
//! these instead (`model::review::closed_words`).

use leptos::prelude::*;

use super::ReviewPageContext;
use crate::model::review::{AskedFeedback, SealCheck, Stage};
use crate::store::DocumentId;

/// The late `words` of the feedback document `document`, with the choice to share them
/// while the review is shared and not signed.
///
/// ```ignore
/// view! { <LateWords words="Written on the train.".to_owned() document /> }
/// ```
#[component]
pub fn LateWords(words: String, document: DocumentId) -> impl IntoView {
    let context = expect_context::<ReviewPageContext>();
    // Read from the review, so the button goes once it is signed (a signature covers what
    // the employee read).
    let may_take = move || {
        context.read(false, |r| {
            let c = context.capacity(r);
            r.stage == Stage::Shared
                && r.signature.is_none()
                && r.acknowledgement.is_none()
                && (c.manager || c.hr)
                && !c.employee
        })
    };
    // Only words the writer's device sealed can be shared (once the workspace has
    // members): words two of the writer's devices typed offline, merged, are sealed by
    // neither, and the writer cannot seal them again once it is closed.
    let sealed = move || {
        let url = document.url();
        context.reviews.asked.get(&document).is_some_and(|open| {
            open.view.with(|asked| {
                asked.as_ref().is_some_and(|asked| {
                    context
                        .identity
                        .membership(|m| m.is_none() || asked.check(&url, m) == SealCheck::Verified)
                })
            })
        })
    };
    let take = move |_| {
        let Some(open) = context.reviews.asked.get(&document) else {
            return;
        };
        let url = document.url();
        let taken = context.identity.membership_untracked(|membership| {
            open.edit(
                "Share feedback that came after the close",
                |asked: &mut AskedFeedback| asked.take_late_words(&url, membership),
            )
        });
        // Sharing itself follows: the review's copy now differs from the words kept.
        context.error.set(taken.err());
    };
    let removed = words.is_empty();
    view! {
        <div class="notice" role="note" data-testid="late-feedback">
            <p>
                {if removed {
                    "After it closed, its writer's words were removed on a device that was offline when the review was shared; the employee reads what was written when it closed."
                } else {
                    "These words reached it after it closed (typed on a device that was offline when the review was shared, or after that); the employee reads what was written when it closed:"
                }}
            </p>
            <Show when=move || !removed>
                <blockquote>
                    <p>{words.clone()}</p>
                </blockquote>
            </Show>
            // Words removed late leave the review's copy as it was shared.
            <Show when=move || !removed && may_take()>
                <Show
                    when=sealed
                    fallback=|| {
                        view! {
                            <p class="item-meta">
                                "They cannot be shared: the writer's device did not seal them (typed on two of their devices at once, say)."
                            </p>
                        }
                    }
                >
                    <button type="button" class="button" on:click=take>
                        "Share these words instead"
                    </button>
                </Show>
            </Show>
        </div>
    }
}
