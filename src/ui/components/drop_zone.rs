//! Finding where a dragged thing would land: the nearest element carrying a data
//! attribute under a point, skipping the dragged element itself. Drags are done with
//! pointer events (so a finger, a pen and a mouse all work) and pointer capture, which
//! keeps the events on the dragged element; this answers "over what is it now?".
//!
//! ```ignore
//! let zone = drop_zone_at(x, y, "data-box", "[data-dragging]");
//! ```

use wasm_bindgen::JsCast;

/// The value of `attribute` on the nearest element under (x, y) that has it, ignoring
/// elements inside `skip` (a selector for the dragged element).
pub fn drop_zone_at(x: f64, y: f64, attribute: &str, skip: &str) -> Option<String> {
    let document = web_sys::window()?.document()?;
    let selector = format!("[{attribute}]");
    for element in document.elements_from_point(x as f32, y as f32).iter() {
        let Ok(element) = element.dyn_into::<web_sys::Element>() else {
            continue;
        };
        if element.closest(skip).ok().flatten().is_some() {
            continue;
        }
        if let Some(zone) = element.closest(&selector).ok().flatten() {
            return zone.get_attribute(attribute);
        }
    }
    None
}
