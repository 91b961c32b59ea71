//! How this device keeps Throughline's data: persistence (whether the browser may evict
//! it under storage pressure) and how much room it uses.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// What the browser says about this site's storage.
#[derive(Debug, Clone, PartialEq)]
pub struct DeviceStorage {
    /// The browser will not evict the data under storage pressure.
    pub persisted: bool,
    pub usage_bytes: Option<f64>,
    pub quota_bytes: Option<f64>,
}

/// The storage manager, where the browser has one (not on a page that is not secure).
fn manager() -> Option<web_sys::StorageManager> {
    crate::browser_features::navigator_feature("storage")
}

/// Reads persistence and usage; `None` where the browser has no Storage API.
pub async fn device_storage() -> Option<DeviceStorage> {
    let manager = manager()?;
    let persisted = JsFuture::from(manager.persisted().ok()?)
        .await
        .ok()?
        .as_bool()
        .unwrap_or(false);
    let estimate = match manager.estimate() {
        Ok(promise) => JsFuture::from(promise)
            .await
            .ok()
            .and_then(|e| e.dyn_into::<web_sys::StorageEstimate>().ok()),
        Err(_) => None,
    };
    Some(DeviceStorage {
        persisted,
        usage_bytes: estimate.as_ref().and_then(|e| e.get_usage()),
        quota_bytes: estimate.as_ref().and_then(|e| e.get_quota()),
    })
}

/// Asks the browser to keep the data even under storage pressure; returns whether it
/// agreed (browsers decide by their own rules, e.g. an installed app).
pub async fn request_persistence() -> bool {
    let Some(manager) = manager() else {
        return false;
    };
    let Ok(promise) = manager.persist() else {
        return false;
    };
    JsFuture::from(promise)
        .await
        .ok()
        .and_then(|v| v.as_bool())
        .unwrap_or(false)
}
