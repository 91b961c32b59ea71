//! Pieces shared by several pages, one concept per file.

mod checked_input;
mod collaborative_text;
mod document_presence;
mod drop_zone;
mod form_message;
mod health_tag;
mod measure_chart;
mod navigation;
mod person_select;
mod presence_list;
mod progress_bar;
mod progress_chart;
mod save_indicator;
mod share_link;
mod storage_notices;
mod sync_indicator;
mod update_prompt;

pub use checked_input::CheckedInput;
pub use collaborative_text::CollaborativeText;
pub use document_presence::DocumentPresence;
pub use drop_zone::drop_zone_at;
pub use form_message::FormMessage;
pub use health_tag::HealthTag;
pub use measure_chart::MeasureChart;
pub use navigation::Navigation;
pub use person_select::PersonSelect;
pub use presence_list::PresenceList;
pub use progress_bar::ProgressBar;
pub use progress_chart::ProgressChart;
pub use save_indicator::SaveIndicator;
pub use share_link::{share_link, ShareLink};
pub use storage_notices::StorageNotices;
pub use sync_indicator::SyncIndicator;
pub use update_prompt::UpdatePrompt;
