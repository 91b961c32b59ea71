//! Files in and out of the browser: offering bytes as a download, and reading a file the
//! person picked. No storage here; these only move bytes between the page and the person.

use js_sys::{Array, Uint8Array};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Offers `bytes` as a file called `name` (the browser's download prompt or folder).
pub fn download(name: &str, mime: &str, bytes: &[u8]) -> Result<(), String> {
    let fail = |what: &str| format!("The download could not be prepared ({what}).");
    let parts = Array::of1(&Uint8Array::from(bytes));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options)
        .map_err(|_| fail("blob"))?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| fail("address"))?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| fail("no page"))?;
    let link: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(|_| fail("link"))?
        .unchecked_into();
    link.set_href(&url);
    link.set_download(name);
    link.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}

/// The name and bytes of the first file chosen in a file input.
pub async fn read_chosen_file(
    input: &web_sys::HtmlInputElement,
) -> Option<Result<(String, Vec<u8>), String>> {
    let file = input.files()?.get(0)?;
    let name = file.name();
    let read = JsFuture::from(file.array_buffer()).await;
    Some(
        read.map(|buffer| (name, Uint8Array::new(&buffer).to_vec()))
            .map_err(|_| "The file could not be read.".to_owned()),
    )
}

/// A file name's stem made from `name`: lower-case letters and digits joined by hyphens,
/// or `fallback` when nothing is left.
pub fn file_stem(name: &str, fallback: &str) -> String {
    let stem: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let stem = stem.trim_matches('-').to_owned();
    if stem.is_empty() {
        fallback.to_owned()
    } else {
        stem
    }
}
