//! One file (or folder) per route.

mod history;
mod home;
mod join;
mod not_found;
pub mod people;
mod plans;
mod reviews;
mod settings;

pub use history::HistoryPage;
pub use home::HomePage;
pub use join::JoinPage;
pub use not_found::NotFoundPage;
pub use people::{PeoplePage, PersonPage};
pub use plans::{PlanPage, PlansPage, ScorecardRows};
pub use reviews::{
    AskedFeedbackPage, CalibrationPage, CheckInPage, CyclePage, ReviewPage, ReviewsPage,
};
pub use settings::SettingsPage;
