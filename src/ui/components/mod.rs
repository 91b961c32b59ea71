//! Pieces shared by several pages, one concept per file.

mod collaborative_text;
mod navigation;
mod save_indicator;
mod storage_notices;
mod sync_indicator;
mod update_prompt;

pub use collaborative_text::CollaborativeText;
pub use navigation::Navigation;
pub use save_indicator::SaveIndicator;
pub use storage_notices::StorageNotices;
pub use sync_indicator::SyncIndicator;
pub use update_prompt::UpdatePrompt;
