//! An item's rolled-up health: its colour, its progress, and the reasons behind the
//! colour under "Why?" (which stays open across redraws, see `OpenPanels`).

use leptos::prelude::*;

use super::goals::OpenPanels;
use crate::model::plan::Health;
use crate::ui::components::{HealthTag, ProgressBar};

#[component]
pub fn RollupSummary(
    health: Memo<Health>,
    /// The reasons for the colour, worked out only while "Why?" is open: a Goals page
    /// holds a summary per objective, and each change of the plan would otherwise put
    /// every one of them into words again.
    reasons: Callback<(), Vec<String>>,
    /// What the progress bar is called ("Goal progress").
    label: &'static str,
    /// The key under which "Why?" remembers being open.
    panel: String,
) -> impl IntoView {
    let panels = expect_context::<OpenPanels>();
    let open = RwSignal::new(panels.is_open(&panel));
    let toggle_key = panel.clone();
    view! {
        <div class="rollup">
            {move || view! { <HealthTag rag=health.get().rag /> }}
            {move || view! { <ProgressBar value=health.get().progress label=label /> }}
            <details
                class="why"
                open=open.get_untracked()
                on:toggle=move |ev| {
                    panels.toggled(&toggle_key, &ev);
                    let now_open = panels.is_open(&toggle_key);
                    if open.get_untracked() != now_open {
                        open.set(now_open);
                    }
                }
            >
                <summary>"Why?"</summary>
                <ul>
                    {move || {
                        open.get()
                            .then(|| {
                                reasons
                                    .run(())
                                    .into_iter()
                                    .map(|r| view! { <li>{r}</li> })
                                    .collect_view()
                            })
                    }}
                </ul>
            </details>
        </div>
    }
}
