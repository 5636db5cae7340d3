//! Pre-compressed copies of the PWA's content-hashed files, written next to
//! them (`x.wasm.br`, `x.wasm.gz`). The server sends them as they are
//! (`ServeDir::precompressed_br`), so a phone receives brotli at quality 11,
//! exactly the bytes `cargo xtask bench size` counts, and the server spends
//! no CPU compressing them. (Compressing on the fly, tower-http uses a fast
//! brotli level: the main wasm went out 24% larger than counted.)
//!
//! Only content-hashed files get copies: a change to one renames it, so its
//! copy can never be stale. `index.html`, `sw.js` and the manifest (a few KB,
//! replaced in place by every deployment) are compressed on the fly.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};

/// Brotli's best quality; what a browser receives from the server.
pub const BROTLI_QUALITY: u32 = 11;
/// Brotli's window (log2 bytes), its usual default.
pub const BROTLI_WINDOW: u32 = 22;

/// The files worth compressing, by extension (images are compressed already).
const COMPRESSIBLE: [&str; 6] = ["wasm", "js", "css", "html", "webmanifest", "json"];

/// `data` compressed with brotli as the server sends it.
pub fn brotli(data: &[u8]) -> Result<Vec<u8>> {
    let mut writer = brotli::CompressorWriter::new(Vec::new(), 4096, BROTLI_QUALITY, BROTLI_WINDOW);
    writer.write_all(data)?;
    Ok(writer.into_inner())
}

/// `data` compressed with gzip at its best level, for browsers that do not
/// offer brotli (Chromium offers it only over HTTPS and on localhost).
pub fn gzip(data: &[u8]) -> Result<Vec<u8>> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(data)?;
    Ok(encoder.finish()?)
}

/// Writes `<file>.br` and `<file>.gz` beside every compressible,
/// content-hashed file directly in `dir`, as many files at once as there
/// are cores; returns how many files it compressed.
pub fn precompress_dir(dir: &Path) -> Result<usize> {
    let mut files: Vec<PathBuf> = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        let compressible = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| COMPRESSIBLE.contains(&e));
        let hashed = path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(is_content_hashed);
        if compressible && hashed && path.is_file() {
            files.push(path);
        }
    }
    // The largest first: the main wasm takes longest.
    files.sort_by_key(|p| std::cmp::Reverse(p.metadata().map(|m| m.len()).unwrap_or(0)));
    crate::ctx::each_in_parallel(&files, |file| precompress(file))?;
    Ok(files.len())
}

/// Whether `name` is `<stem>-<16 hex digits>[_bg].<ext>`, the shape
/// split.rs gives every built file (the server's `static_files` reads the
/// same shape as "cache forever").
fn is_content_hashed(name: &str) -> bool {
    let Some((stem, _ext)) = name.rsplit_once('.') else {
        return false;
    };
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-').is_some_and(|(base, hash)| {
        !base.is_empty() && hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit())
    })
}

fn precompress(file: &Path) -> Result<()> {
    let data = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    for (ext, bytes) in [("br", brotli(&data)?), ("gz", gzip(&data)?)] {
        let mut name = file.as_os_str().to_owned();
        name.push(".");
        name.push(ext);
        std::fs::write(&name, bytes).with_context(|| format!("writing {}", file.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::io::Read as _;

    use super::*;

    #[test]
    fn compressed_copies_sit_beside_text_and_wasm_and_decompress_to_them() {
        let dir =
            std::env::temp_dir().join(format!("anyuan-xtask-compress-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let text = "安园 Anyuan ".repeat(500);
        std::fs::write(dir.join("app-0123456789abcdef.js"), &text).unwrap();
        std::fs::write(dir.join("icon-192.png"), [0x89, b'P', b'N', b'G']).unwrap();
        std::fs::write(dir.join("sw.js"), &text).unwrap();
        std::fs::write(dir.join("index.html"), &text).unwrap();
        std::fs::write(dir.join("chunk_5-0123456789abcdef.wasm"), &text).unwrap();

        assert_eq!(precompress_dir(&dir).unwrap(), 2);
        let br = std::fs::read(dir.join("app-0123456789abcdef.js.br")).unwrap();
        let mut unbr = String::new();
        brotli::Decompressor::new(&br[..], 4096)
            .read_to_string(&mut unbr)
            .unwrap();
        assert_eq!(unbr, text);
        assert!(
            br.len() < text.len() / 10,
            "brotli {} of {}",
            br.len(),
            text.len()
        );
        let gz = std::fs::read(dir.join("app-0123456789abcdef.js.gz")).unwrap();
        let mut ungz = String::new();
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_string(&mut ungz)
            .unwrap();
        assert_eq!(ungz, text);
        assert!(!dir.join("icon-192.png.br").exists(), "PNGs are left alone");
        assert!(dir.join("chunk_5-0123456789abcdef.wasm.br").exists());
        for replaced_in_place in ["sw.js", "index.html"] {
            assert!(
                !dir.join(format!("{replaced_in_place}.br")).exists(),
                "{replaced_in_place} has no copy that could go stale"
            );
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
