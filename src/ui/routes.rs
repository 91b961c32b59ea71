//! The routes whose pages load when first visited, one line each: which chunk of the
//! wasm holds the page (see [`super::chunk`]). Home and "not found" are not here: they
//! are in the first download, with the shell.
//!
//! Chunks follow what a person does in one sitting: plans; reviews (with asked
//! feedback); calibration and check-ins apart, as only HR and managers (and a check-in's
//! pair) open them; people; settings; history; joining.

use super::chunk::{split_route, PageChunk};
use super::pages::{
    AskedFeedbackPage, CalibrationPage, CheckInPage, CyclePage, HistoryPage, JoinPage, PeoplePage,
    PersonPage, PlanPage, PlansPage, ReviewPage, ReviewsPage, SettingsPage,
};

split_route!(
    /// `/plans`
    PlansRoute, plans_chunk, plans => PlansPage
);
split_route!(
    /// `/plans/:id` and its sections
    PlanRoute, plan_chunk, plans => PlanPage
);
split_route!(
    /// `/reviews`
    ReviewsRoute, reviews_chunk, reviews => ReviewsPage
);
split_route!(
    /// `/reviews/cycles/:cycle`
    CycleRoute, cycle_chunk, reviews => CyclePage
);
split_route!(
    /// `/reviews/:id`
    ReviewRoute, review_chunk, reviews => ReviewPage
);
split_route!(
    /// `/feedback/:id`
    AskedFeedbackRoute, asked_feedback_chunk, reviews => AskedFeedbackPage
);
split_route!(
    /// `/reviews/cycles/:cycle/calibration`
    CalibrationRoute, calibration_chunk, calibration => CalibrationPage
);
split_route!(
    /// `/check-ins/:id`
    CheckInRoute, check_in_chunk, check_ins => CheckInPage
);
split_route!(
    /// `/people`
    PeopleRoute, people_chunk, people => PeoplePage
);
split_route!(
    /// `/people/:id`
    PersonRoute, person_chunk, people => PersonPage
);
split_route!(
    /// `/settings`
    SettingsRoute, settings_chunk, settings => SettingsPage
);
split_route!(
    /// `/history`
    HistoryRoute, history_chunk, history => HistoryPage
);
split_route!(
    /// `/join`
    JoinRoute, join_chunk, join => JoinPage
);

/// Every route's chunk, in the order a person most likely needs them, for
/// [`super::chunk::preload`].
pub fn all_chunks() -> Vec<PageChunk> {
    vec![
        plans_chunk(),
        plan_chunk(),
        reviews_chunk(),
        cycle_chunk(),
        review_chunk(),
        asked_feedback_chunk(),
        calibration_chunk(),
        check_in_chunk(),
        people_chunk(),
        person_chunk(),
        settings_chunk(),
        history_chunk(),
        join_chunk(),
    ]
}
