//! An invitation link just made: shown in a read-only field with a copy button, and what
//! it does in words (who it is for, that it works once, until when).
//!
//! ```ignore
//! view! { <InvitationField link=link for_whom="Ana Lima".into() id="invite-ana".into() /> }
//! ```

use leptos::prelude::*;

use super::CopyButton;
use crate::ui::INVITATION_DAYS;

#[component]
pub fn InvitationField(
    /// The link.
    link: String,
    /// Whose device it binds, in words.
    for_whom: String,
    /// The field's id.
    id: String,
) -> impl IntoView {
    view! {
        <div class="invitation" data-testid="invitation">
            <label for=id.clone()>{format!("Invitation link for {for_whom}")}</label>
            <div class="inline-form">
                <input
                    id=id.clone()
                    type="text"
                    readonly
                    data-testid="invitation-link"
                    prop:value=link.clone()
                />
                <CopyButton text=link label="Copy" field=id />
            </div>
            <p class="item-meta">
                {format!(
                    "Opened on one device, it makes that device {for_whom}'s. It works once, for {INVITATION_DAYS} days. Send it only to {for_whom}. Where their device cannot reach the relay, it waits for the workspace: pair it with this device under Settings → Devices nearby.",
                )}
            </p>
        </div>
    }
}
