//! Reading a QR code with the camera: a button that opens the camera, shows what it
//! sees, reads each frame (in Rust, [`crate::sync::pairing_qr::read_qr`], loaded from the
//! `qr` chunk, so it works in browsers without a `BarcodeDetector`) and hands over the
//! first code found.
//!
//! ```ignore
//! view! { <QrScanner on_code=Callback::new(move |text: String| use_code(text))/> }
//! ```

use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    CanvasRenderingContext2d, HtmlCanvasElement, MediaStream, MediaStreamConstraints,
    MediaStreamTrack,
};

use super::qr_chunk::read_qr_frame;
use crate::browser_features::{navigator_feature, secure_page};
use crate::ui::chunk::with_quiet_retries;

/// How often a frame is read, in milliseconds.
const FRAME_MS: i32 = 250;
/// Frames are scaled down to at most this width before reading (faster, and a code
/// held up to the camera is still large enough).
const MAX_WIDTH: u32 = 640;

#[component]
pub fn QrScanner(on_code: Callback<String>) -> impl IntoView {
    let video = NodeRef::<html::Video>::new();
    let stream = StoredValue::new_local(None::<MediaStream>);
    let scanning = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);

    let stop = move || {
        if let Some(stream) = stream.try_get_value().flatten() {
            for track in stream.get_tracks().iter() {
                if let Ok(track) = track.dyn_into::<MediaStreamTrack>() {
                    track.stop();
                }
            }
        }
        let _ = stream.try_set_value(None);
        let _ = scanning.try_set(false);
    };
    on_cleanup(stop);

    let start = move |_| {
        problem.set(None);
        leptos::task::spawn_local(async move {
            match open_camera().await {
                Ok(opened) => {
                    stream.set_value(Some(opened.clone()));
                    scanning.set(true);
                    if let Some(element) = video.get_untracked() {
                        element.set_src_object(Some(&opened));
                        let _ = element.play();
                    }
                    read_frames(video, scanning, problem, on_code, stop).await;
                }
                Err(reason) => problem.set(Some(format!(
                    "The camera could not be used ({reason}). Type or paste the code instead."
                ))),
            }
        });
    };

    view! {
        <Show
            when=move || scanning.get()
            fallback=move || {
                view! {
                    <button type="button" class="button" data-testid="scan-code" on:click=start>
                        "Scan with the camera"
                    </button>
                }
            }
        >
            <button type="button" class="button" on:click=move |_| stop()>
                "Stop scanning"
            </button>
        </Show>
        <video
            node_ref=video
            class="qr-camera"
            playsinline=true
            muted=true
            aria-label="What the camera sees"
            hidden=move || !scanning.get()
        ></video>
        {move || {
            problem
                .get()
                .map(|p| {
                    view! {
                        <p class="form-error" role="alert">
                            {p}
                        </p>
                    }
                })
        }}
    }
}

/// Asks for the camera facing away from the person (a tablet's back camera).
async fn open_camera() -> Result<MediaStream, String> {
    let devices =
        navigator_feature::<web_sys::MediaDevices>("mediaDevices").ok_or(if secure_page() {
            "this browser has no camera access"
        } else {
            "this browser offers the camera only to a page served over https"
        })?;
    let constraints = MediaStreamConstraints::new();
    let video = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&video, &"facingMode".into(), &"environment".into());
    constraints.set_video(&video);
    let promise = devices
        .get_user_media_with_constraints(&constraints)
        .map_err(|e| describe(&e))?;
    JsFuture::from(promise)
        .await
        .map_err(|e| describe(&e))?
        .dyn_into::<MediaStream>()
        .map_err(|_| "the browser gave no camera stream".to_owned())
}

fn describe(error: &JsValue) -> String {
    error
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .unwrap_or_else(|| "refused".to_owned())
}

/// Reads frames until a code is found or scanning stops.
async fn read_frames(
    video: NodeRef<html::Video>,
    scanning: RwSignal<bool>,
    failed: RwSignal<Option<String>>,
    on_code: Callback<String>,
    stop: impl Fn() + 'static,
) {
    let Some(canvas) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.create_element("canvas").ok())
        .and_then(|c| c.dyn_into::<HtmlCanvasElement>().ok())
    else {
        return;
    };
    while scanning.try_get_untracked().unwrap_or(false) {
        crate::ui::documents::sleep_ms(FRAME_MS).await;
        let Some(element) = video.get_untracked() else {
            break;
        };
        let (width, height) = (element.video_width(), element.video_height());
        if width == 0 || height == 0 {
            continue;
        }
        let scale = (MAX_WIDTH as f64 / width as f64).min(1.0);
        let (w, h) = (
            (width as f64 * scale) as u32,
            (height as f64 * scale) as u32,
        );
        canvas.set_width(w);
        canvas.set_height(h);
        let Some(context) = canvas
            .get_context("2d")
            .ok()
            .flatten()
            .and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok())
        else {
            break;
        };
        if context
            .draw_image_with_html_video_element_and_dw_and_dh(
                &element, 0.0, 0.0, w as f64, h as f64,
            )
            .is_err()
        {
            continue;
        }
        let Ok(frame) = context.get_image_data(0.0, 0.0, w as f64, h as f64) else {
            continue;
        };
        let grey: Vec<u8> = frame
            .data()
            .chunks_exact(4)
            .map(|p| ((u32::from(p[0]) * 3 + u32::from(p[1]) * 6 + u32::from(p[2])) / 10) as u8)
            .collect();
        // The first frame loads the reader's chunk; later ones find it loaded.
        let read = with_quiet_retries(|| read_qr_frame(w as usize, h as usize, grey.clone()));
        match read.await {
            Ok(Some(text)) => {
                stop();
                on_code.run(text);
                break;
            }
            Ok(None) => {}
            // The reader's chunk could not be fetched: say so rather than scan in vain.
            Err(error) => {
                stop();
                let _ = failed.try_set(Some(format!(
                    "The code reader could not be loaded ({error}). Type or paste the code instead."
                )));
                break;
            }
        }
    }
}
