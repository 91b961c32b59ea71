//! Reviews. Review documents are not in the workspace yet, so the page says what a review
//! cycle will hold and that none exists on this device.

use leptos::prelude::*;

#[component]
pub fn ReviewsPage() -> impl IntoView {
    view! {
        <section class="page" aria-labelledby="reviews-heading">
            <header class="page-header">
                <h1 id="reviews-heading">"Reviews"</h1>
                <p class="page-summary">"No review cycles on this device."</p>
            </header>
            <div class="card empty-state">
                <p>"A review cycle gives each participant a review: goals aligned to the plan, self and manager assessments, peer feedback, ratings, calibration and sign-off. Check-ins keep a shared agenda between managers and their people."</p>
                <p>"Running reviews is not available in this version of Throughline."</p>
            </div>
        </section>
    }
}
