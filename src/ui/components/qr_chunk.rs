//! The QR code writer and reader, in a chunk of the wasm of their own (`qr`): most
//! visits never show or scan a pairing code, so neither is in the first download. They
//! load the first time a code is drawn or the camera opens (see [`crate::ui::chunk`]).
//!
//! ```ignore
//! let svg: Result<Result<String, String>, ChunkError> = qr_svg(code).await;
//! ```

use crate::ui::chunk::split_fn;

split_fn!(qr:
    /// `code` drawn as an SVG QR code, or why it cannot be drawn.
    pub fn qr_svg(code: String) -> Result<String, String> {
        crate::sync::pairing_qr::QrCode::of(&code).map(|qr| qr.to_svg())
    }
);

split_fn!(qr:
    /// The text of a QR code found in a grey camera frame, if one is.
    pub fn read_qr_frame(width: usize, height: usize, grey: Vec<u8>) -> Option<String> {
        crate::sync::pairing_qr::read_qr(width, height, &grey)
    }
);
