//! The routes whose pages load when first visited, one line each: which chunk of the
//! wasm holds the page (see [`super::chunk`]). Home and "not found" are not here: they
//! are in the first download, with the shell.
//!
//! Chunks follow what a person does in one sitting: plans; reviews (with asked
//! feedback); calibration and check-ins apart, as only HR and managers (and a check-in's
//! pair) open them; people; settings; history; joining.

use super::chunk::split_route;
use super::pages::{
    AskedFeedbackPage, CalibrationPage, CheckInPage, CyclePage, HistoryPage, JoinPage, PeoplePage,
    PersonPage, PlanPage, PlansPage, ReviewPage, ReviewsPage, SettingsPage,
};

split_route!(
    /// `/plans`
    PlansRoute, load_plans_page, plans => PlansPage
);
split_route!(
    /// `/plans/:id` and its sections
    PlanRoute, load_plan_page, plans => PlanPage
);
split_route!(
    /// `/reviews`
    ReviewsRoute, load_reviews_page, reviews => ReviewsPage
);
split_route!(
    /// `/reviews/cycles/:cycle`
    CycleRoute, load_cycle_page, reviews => CyclePage
);
split_route!(
    /// `/reviews/:id`
    ReviewRoute, load_review_page, reviews => ReviewPage
);
split_route!(
    /// `/feedback/:id`
    AskedFeedbackRoute, load_asked_feedback_page, reviews => AskedFeedbackPage
);
split_route!(
    /// `/reviews/cycles/:cycle/calibration`
    CalibrationRoute, load_calibration_page, calibration => CalibrationPage
);
split_route!(
    /// `/check-ins/:id`
    CheckInRoute, load_check_in_page, check_ins => CheckInPage
);
split_route!(
    /// `/people`
    PeopleRoute, load_people_page, people => PeoplePage
);
split_route!(
    /// `/people/:id`
    PersonRoute, load_person_page, people => PersonPage
);
split_route!(
    /// `/settings`
    SettingsRoute, load_settings_page, settings => SettingsPage
);
split_route!(
    /// `/history`
    HistoryRoute, load_history_page, history => HistoryPage
);
split_route!(
    /// `/join`
    JoinRoute, load_join_page, join => JoinPage
);
