//! Mounts the app; everything else lives in the library.

#[cfg(target_arch = "wasm32")]
fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(throughline::App);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("Throughline runs in the browser. Start it with `cargo xtask run`.");
    std::process::exit(2);
}
