//! A pairing code shown for another device to read (as a QR code and as text to copy),
//! and the answering side of pairing on its own ([`AnswerOffer`]), for a device that is
//! still waiting for its workspace.
//!
//! ```ignore
//! view! { <PairingCodeView code=text/> <AnswerOffer initial=Some(code)/> }
//! ```

use leptos::prelude::*;

use super::qr_chunk::qr_svg;
use super::{CopyButton, FormMessage, QrScanner};
use crate::ui::app::SyncState;
use crate::ui::chunk::with_quiet_retries;

/// A pairing code as a QR code and as text to copy.
#[component]
pub fn PairingCodeView(code: String) -> impl IntoView {
    // Drawn by the `qr` chunk, fetched the first time a code is shown; the text below
    // is there at once, so a code can be copied while (or if) the drawing is not.
    let drawn = RwSignal::new(None::<Result<String, String>>);
    let text = code.clone();
    leptos::task::spawn_local(async move {
        let svg = with_quiet_retries(|| qr_svg(text.clone()))
            .await
            .unwrap_or_else(|e| Err(e.to_string()));
        let _ = drawn.try_set(Some(svg));
    });
    view! {
        {move || match drawn.get() {
            None => {
                view! {
                    <p class="pairing-qr-pending" role="status">
                        "Drawing the QR code…"
                    </p>
                }
                    .into_any()
            }
            Some(Ok(svg)) => {
                view! {
                    <div
                        class="pairing-qr"
                        role="img"
                        aria-label="The pairing code as a QR code"
                        inner_html=svg
                    ></div>
                }
                    .into_any()
            }
            Some(Err(error)) => view! { <p class="form-error">{error}</p> }.into_any(),
        }}
        <label for="pairing-code-text">"The code as text"</label>
        <textarea
            id="pairing-code-text"
            class="pairing-text"
            rows="3"
            readonly
            data-testid="pairing-code"
            prop:value=code.clone()
        ></textarea>
        <div class="form-actions">
            <CopyButton text=code label="Copy the code" field="pairing-code-text".to_owned() />
        </div>
    }
}

/// Reads another device's offer (typed, pasted or scanned) and shows the answer to
/// show back. `initial` is answered at once (a code carried over a reload).
#[component]
pub fn AnswerOffer(initial: Option<String>) -> impl IntoView {
    let sync = expect_context::<SyncState>();
    let typed = RwSignal::new(String::new());
    let answer = RwSignal::new(None::<(String, String)>);
    let message = RwSignal::new(None::<Result<String, String>>);
    let answer_code = move |code: String| {
        message.set(None);
        leptos::task::spawn_local(async move {
            match sync.answer_offer(&code).await {
                Ok(answered) => answer.set(Some(answered)),
                Err(error) => message.set(Some(Err(error))),
            }
        });
    };
    if let Some(code) = initial {
        answer_code(code);
    }
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        answer_code(typed.get_untracked());
    };
    view! {
        {move || match answer.get() {
            Some((code, from)) => {
                view! {
                    <p data-testid="pair-answering">
                        {format!(
                            "Show this answer to {from}: the workspace arrives as soon as that device reads it.",
                        )}
                    </p>
                    <PairingCodeView code=code />
                }
                    .into_any()
            }
            None => {
                view! {
                    <form class="form" on:submit=submit>
                        <label for="answer-code">
                            "A pairing code from a device that has the workspace"
                        </label>
                        <textarea
                            id="answer-code"
                            rows="3"
                            data-testid="pair-code-input"
                            autocomplete="off"
                            spellcheck="false"
                            bind:value=typed
                        ></textarea>
                        <div class="form-actions">
                            <button
                                type="submit"
                                class="button primary"
                                data-testid="use-pairing-code"
                            >
                                "Use this code"
                            </button>
                            <QrScanner on_code=Callback::new(answer_code) />
                        </div>
                    </form>
                }
                    .into_any()
            }
        }}
        <FormMessage message=message test_id="pair-message" />
    }
}
