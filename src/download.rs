//! Saving a file on the device: the content as a `Blob`, then a temporary
//! `<a download>` clicked once. Works offline (CSV made by
//! `anyuan_core::export::to_csv`) and for files fetched from the server
//! (`api::export`).
//!
//! ```ignore
//! // Offline CSV of a report over the local records:
//! let table = anyuan_core::export::report("classes").unwrap().run(records, params, lang)?;
//! download::save_table_csv(&table, lang, today)?;
//! // xlsx from the server:
//! let file = api::export("classes", Format::Xlsx, &params, lang, Some(&token)).await?;
//! download::save_blob(&file.blob, file.file_name.as_deref().unwrap_or("export.xlsx"))?;
//! ```

use anyuan_core::Lang;
use anyuan_core::export::{Format, Table, to_csv};
use chrono::NaiveDate;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{Blob, BlobPropertyBag, HtmlAnchorElement, Url};

/// The browser refused to make or save the file (no window, no memory).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DownloadError;

/// How long the object URL stays valid after the click: the browser reads
/// it asynchronously, and Safari fails when it is revoked at once.
const REVOKE_AFTER_MS: i32 = 60_000;

/// Saves `blob` as `file_name` (the browser's download, or its share sheet
/// on some phones).
pub fn save_blob(blob: &Blob, file_name: &str) -> Result<(), DownloadError> {
    let window = web_sys::window().ok_or(DownloadError)?;
    let document = window.document().ok_or(DownloadError)?;
    let url = Url::create_object_url_with_blob(blob).map_err(|_| DownloadError)?;
    let anchor: HtmlAnchorElement = document
        .create_element("a")
        .map_err(|_| DownloadError)?
        .dyn_into()
        .map_err(|_| DownloadError)?;
    anchor.set_href(&url);
    anchor.set_download(file_name);
    anchor.set_rel("noopener");
    anchor.click();
    let revoke = Closure::once_into_js(move || {
        let _ = Url::revoke_object_url(&url);
    });
    window
        .set_timeout_with_callback_and_timeout_and_arguments_0(
            revoke.unchecked_ref(),
            REVOKE_AFTER_MS,
        )
        .map_err(|_| DownloadError)?;
    Ok(())
}

/// Saves `bytes` of media type `mime` as `file_name`.
pub fn save_bytes(bytes: &[u8], mime: &str, file_name: &str) -> Result<(), DownloadError> {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    let blob = Blob::new_with_u8_array_sequence_and_options(&parts, &options)
        .map_err(|_| DownloadError)?;
    save_blob(&blob, file_name)
}

/// Saves CSV text (as made by `to_csv`, BOM included) as `file_name`.
pub fn save_csv(csv: &str, file_name: &str) -> Result<(), DownloadError> {
    save_bytes(csv.as_bytes(), Format::Csv.mime(), file_name)
}

/// Saves a report as CSV in `lang`, named like the server names it
/// (`班级名单-2026-11-28.csv`, `today` being the user's local date).
pub fn save_table_csv(table: &Table, lang: Lang, today: NaiveDate) -> Result<(), DownloadError> {
    save_csv(
        &to_csv(table, lang),
        &table.file_name(lang, today, Format::Csv),
    )
}
