//! "Update available — reload": shown when a new build is installed and waiting, so the
//! page never mixes two versions.

use leptos::prelude::*;

use crate::ui::app::UpdateAvailable;

#[component]
pub fn UpdatePrompt() -> impl IntoView {
    let available = use_context::<UpdateAvailable>().map(|u| u.0);
    move || {
        available.is_some_and(|a| a.get()).then(|| view! {
            <div class="notice notice-info update-prompt" role="status" data-testid="update-prompt">
                <span>"A new version of Throughline is ready."</span>
                <button type="button" class="button" on:click=|_| crate::pwa::apply_update()>
                    "Update available — reload"
                </button>
            </div>
        })
    }
}
