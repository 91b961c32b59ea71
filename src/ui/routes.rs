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

/// Every route's chunk, for [`super::chunk::preload`] (which loads them all at once).
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

/// The chunk that holds the page at `path` (below the app's base, e.g. `/plans/abc`), if
/// that page is in one: what a page opened by its address needs first. It follows the
/// paths of `app::AppShell`'s routes; a route added there needs its line here.
pub fn chunk_for(path: &str) -> Option<PageChunk> {
    let mut parts = path.trim_matches('/').split('/');
    let chunk = match (parts.next()?, parts.next(), parts.next(), parts.next()) {
        ("plans", None, ..) => plans_chunk(),
        ("plans", Some(_), ..) => plan_chunk(),
        ("reviews", None, ..) => reviews_chunk(),
        ("reviews", Some("cycles"), Some(_), Some("calibration")) => calibration_chunk(),
        ("reviews", Some("cycles"), Some(_), None) => cycle_chunk(),
        ("reviews", Some(_), None, _) => review_chunk(),
        ("check-ins", Some(_), None, _) => check_in_chunk(),
        ("feedback", Some(_), None, _) => asked_feedback_chunk(),
        ("people", None, ..) => people_chunk(),
        ("people", Some(_), None, _) => person_chunk(),
        ("settings", None, ..) => settings_chunk(),
        ("history", None, ..) => history_chunk(),
        ("join", None, ..) => join_chunk(),
        _ => return None,
    };
    Some(chunk)
}

/// Starts loading the chunk of the page the app was opened at, if it is in one, so it
/// arrives while the workspace opens instead of after.
pub fn load_opened_page_early() {
    let Some(path) = web_sys::window().and_then(|w| w.location().pathname().ok()) else {
        return;
    };
    let base = crate::pwa::base_path();
    let below_base = path.strip_prefix(base.as_str()).unwrap_or(&path);
    if let Some(chunk) = chunk_for(below_base) {
        leptos::task::spawn_local(async move {
            // A failure is reported when the page itself asks for the chunk.
            let _ = chunk.page().await;
        });
    }
}
