//! Pieces shared by several pages, one concept per file.

mod navigation;
mod save_indicator;
mod storage_notices;
mod update_prompt;

pub use navigation::Navigation;
pub use save_indicator::SaveIndicator;
pub use storage_notices::StorageNotices;
pub use update_prompt::UpdatePrompt;
