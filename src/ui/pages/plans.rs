//! Strategic plans. Plan documents are not in the workspace yet, so the page says what a
//! plan will hold and that none exists on this device.

use leptos::prelude::*;

#[component]
pub fn PlansPage() -> impl IntoView {
    view! {
        <section class="page" aria-labelledby="plans-heading">
            <header class="page-header">
                <h1 id="plans-heading">"Strategic plans"</h1>
                <p class="page-summary">"No plans on this device."</p>
            </header>
            <div class="card empty-state">
                <p>"A plan holds the organisation's mission, vision and values, its environment scan (SWOT and PESTLE), and goals broken into objectives, initiatives and measures, with the board's approval and named versions."</p>
                <p>"Creating plans is not available in this version of Throughline."</p>
            </div>
        </section>
    }
}
