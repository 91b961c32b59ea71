//! A pairing code as a QR code: its modules, drawn as SVG for the page, or as pixels;
//! and reading one back from a camera frame ([`read_qr`]), where the browser has no
//! `BarcodeDetector`. The code is upper-case base32, so it is encoded in the QR
//! alphanumeric mode.
//!
//! ```
//! use throughline::sync::pairing_qr::QrCode;
//! let qr = QrCode::of("THL1ABCDEFGH234567").unwrap();
//! assert!(qr.to_svg().starts_with("<svg"));
//! ```

/// The modules of a QR code, dark or light, row by row.
#[derive(Debug, Clone)]
pub struct QrCode {
    width: usize,
    dark: Vec<bool>,
}

/// Light modules around the code, as the standard asks.
const QUIET_ZONE: usize = 4;

impl QrCode {
    /// Encodes `text` with medium error correction (a smudged screen still scans).
    pub fn of(text: &str) -> Result<QrCode, String> {
        let code = qrcode::QrCode::with_error_correction_level(text, qrcode::EcLevel::M)
            .map_err(|e| format!("the code does not fit a QR code: {e}"))?;
        let width = code.width();
        let dark = code
            .to_colors()
            .into_iter()
            .map(|c| c == qrcode::Color::Dark)
            .collect();
        Ok(QrCode { width, dark })
    }

    /// Modules along one side, without the quiet zone.
    pub fn width(&self) -> usize {
        self.width
    }

    /// The QR version (1 is 21 modules a side, each version 4 more).
    pub fn version(&self) -> usize {
        (self.width - 17) / 4
    }

    fn is_dark(&self, x: usize, y: usize) -> bool {
        self.dark[y * self.width + x]
    }

    /// An SVG image, one unit a module, quiet zone included; it scales to any size.
    pub fn to_svg(&self) -> String {
        let side = self.width + 2 * QUIET_ZONE;
        let mut path = String::new();
        for y in 0..self.width {
            for x in 0..self.width {
                if self.is_dark(x, y) {
                    path.push_str(&format!("M{} {}h1v1h-1z", x + QUIET_ZONE, y + QUIET_ZONE));
                }
            }
        }
        format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {side} {side}\" shape-rendering=\"crispEdges\">\
             <rect width=\"{side}\" height=\"{side}\" fill=\"#fff\"/><path fill=\"#000\" d=\"{path}\"/></svg>"
        )
    }

    /// Grey pixels (0 dark, 255 light), `scale` pixels a module, quiet zone included:
    /// (side in pixels, pixels row by row).
    pub fn to_pixels(&self, scale: usize) -> (usize, Vec<u8>) {
        let side = (self.width + 2 * QUIET_ZONE) * scale;
        let mut pixels = vec![255u8; side * side];
        for y in 0..side {
            for x in 0..side {
                let (mx, my) = (x / scale, y / scale);
                let inside = (QUIET_ZONE..QUIET_ZONE + self.width).contains(&mx)
                    && (QUIET_ZONE..QUIET_ZONE + self.width).contains(&my);
                if inside && self.is_dark(mx - QUIET_ZONE, my - QUIET_ZONE) {
                    pixels[y * side + x] = 0;
                }
            }
        }
        (side, pixels)
    }
}

/// Reads a QR code from a grey image (`width` × `height`, row by row, dark low): its
/// text, or `None` when no code is found (a camera frame that misses it).
pub fn read_qr(width: usize, height: usize, grey: &[u8]) -> Option<String> {
    if grey.len() < width * height {
        return None;
    }
    let mut image =
        rqrr::PreparedImage::prepare_from_greyscale(width, height, |x, y| grey[y * width + x]);
    image
        .detect_grids()
        .iter()
        .find_map(|grid| grid.decode().ok().map(|(_, text)| text))
}
