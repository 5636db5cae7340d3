//! The wasm entry point: a panic hook, then the app mounted on `<body>`.

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(anyuan::App);
}
