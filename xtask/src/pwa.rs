//! Stamps the service worker at the end of the build (xtask/src/split.rs):
//! the template `public/sw.js` is copied into dist/ as is; this writes the
//! build's version and the list of files to precache into dist/sw.js.
//!
//! The browser installs a new service worker only when the bytes of sw.js
//! change, so the version is a hash of every precached file's name and bytes:
//! any change to the app gives a new sw.js, and an unchanged app the same one.

use std::collections::BTreeSet;
use std::path::Path;

use anyhow::{Context as _, Result, ensure};

const VERSION_PLACEHOLDER: &str = "__ANYUAN_VERSION__";
/// Stands before the (empty) array literal in the template.
const PRECACHE_PLACEHOLDER: &str = "/*__ANYUAN_PRECACHE__*/ []";

/// Rewrites `dist/sw.js` with the version and precache list of the build in
/// `dist` (the shell `/`, every same-origin file index.html references, the
/// files the manifest references, and `lazy`: the modules the app loads on
/// demand, which must work offline too).
pub fn stamp_service_worker(dist: &Path, lazy: &[String]) -> Result<()> {
    let index_path = dist.join("index.html");
    let index = std::fs::read_to_string(&index_path)
        .with_context(|| format!("reading {}", index_path.display()))?;
    let mut urls: BTreeSet<String> = same_origin_files(&index);
    urls.extend(lazy.iter().cloned());
    // Files a referenced manifest names (its icons).
    let manifests: Vec<String> = urls
        .iter()
        .filter(|u| u.ends_with(".webmanifest") || u.ends_with("manifest.json"))
        .cloned()
        .collect();
    for manifest in manifests {
        let path = file_of(dist, &manifest);
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {} (linked from index.html)", path.display()))?;
        urls.extend(same_origin_files(&text));
    }

    // The version covers the shell's bytes and every precached file's name and bytes.
    let mut hash = Fnv64::new();
    hash.write(b"/\0");
    hash.write(index.as_bytes());
    for url in &urls {
        let path = file_of(dist, url);
        let bytes = std::fs::read(&path).with_context(|| {
            format!(
                "{url} is referenced by the build but {} is missing",
                path.display()
            )
        })?;
        hash.write(b"\0");
        hash.write(url.as_bytes());
        hash.write(b"\0");
        hash.write(&bytes);
    }
    let version = format!("{:016x}", hash.finish());

    let mut precache = vec!["/".to_owned()];
    precache.extend(urls);
    let sw_path = dist.join("sw.js");
    let template = std::fs::read_to_string(&sw_path)
        .with_context(|| format!("reading {} (copied from public/sw.js)", sw_path.display()))?;
    let stamped = stamp(&template, &version, &precache)?;
    std::fs::write(&sw_path, stamped).with_context(|| format!("writing {}", sw_path.display()))?;
    eprintln!(
        "stamped {}: version {version}, {} files to precache",
        sw_path.display(),
        precache.len()
    );
    Ok(())
}

/// The template with its placeholders filled in.
fn stamp(template: &str, version: &str, precache: &[String]) -> Result<String> {
    ensure!(
        template.contains(VERSION_PLACEHOLDER) && template.contains(PRECACHE_PLACEHOLDER),
        "sw.js has no {VERSION_PLACEHOLDER} / {PRECACHE_PLACEHOLDER} placeholder (stamped twice?)"
    );
    let list = precache
        .iter()
        .map(|url| json_string(url))
        .collect::<Vec<_>>()
        .join(", ");
    Ok(template
        .replace(VERSION_PLACEHOLDER, version)
        .replace(PRECACHE_PLACEHOLDER, &format!("[{list}]")))
}

/// The path in `dist` that serves `url` (an absolute path such as `/app.js`).
fn file_of(dist: &Path, url: &str) -> std::path::PathBuf {
    dist.join(url.trim_start_matches('/'))
}

/// Same-origin files that `text` (HTML, or a web manifest) references: every
/// quoted string, or unquoted `href=` / `src=` value, that is an absolute
/// path (`/…`, not `//host/…`) to a file (its last segment has a dot).
/// Paths under `/api/` and the service worker itself are left out.
///
/// Only quotes directly followed by `/` open a value, so an apostrophe in
/// the page's text cannot pair with an attribute's quote.
pub fn same_origin_files(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for (at, _) in text.match_indices('/') {
        let Some(&before) = at.checked_sub(1).and_then(|b| text.as_bytes().get(b)) else {
            continue;
        };
        let rest = &text[at..];
        let value = match before {
            b'"' | b'\'' => match rest.find(before as char) {
                Some(len) => &rest[..len],
                None => continue,
            },
            b'=' if ends_with_attr(&text[..at - 1]) => {
                // An unquoted attribute value (minified HTML): up to space or `>`.
                let len = rest
                    .find(|c: char| c.is_ascii_whitespace() || c == '>')
                    .unwrap_or(rest.len());
                &rest[..len]
            }
            _ => continue,
        };
        let url = value.split(['?', '#']).next().unwrap_or_default();
        if is_file_path(url) {
            found.insert(url.to_owned());
        }
    }
    found
}

/// Whether `before` ends with the name of an attribute holding a URL.
fn ends_with_attr(before: &str) -> bool {
    let lower = before.to_ascii_lowercase();
    ["href", "src"].iter().any(|attr| {
        lower
            .strip_suffix(attr)
            .is_some_and(|b| b.ends_with(|c: char| c.is_ascii_whitespace()))
    })
}

fn is_file_path(url: &str) -> bool {
    let Some(rest) = url.strip_prefix('/') else {
        return false;
    };
    let last = url.rsplit('/').next().unwrap_or_default();
    !rest.starts_with('/')
        && !url.starts_with("/api/")
        && url != "/sw.js"
        && last.contains('.')
        && !last.starts_with('.')
        && !url.contains("/../")
        && !url.contains("/./")
        && url
            .chars()
            .all(|c| !c.is_whitespace() && !c.is_control() && !matches!(c, '<' | '>' | '\\'))
}

/// A JSON (and JavaScript) string literal.
fn json_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 || c == '\u{2028}' || c == '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// 64-bit FNV-1a: tiny, std only, and good enough to tell builds apart.
pub struct Fnv64(u64);

impl Fnv64 {
    pub fn new() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }

    pub fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    pub fn finish(&self) -> u64 {
        self.0
    }
}

/// Whether a sw.js was stamped.
#[cfg(test)]
fn is_stamped(sw: &str) -> bool {
    !sw.contains(VERSION_PLACEHOLDER)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shape of a release index.html.
    const INDEX: &str = r#"<!DOCTYPE html><html lang="zh-CN"><head>
    <meta charset="utf-8">
    <link rel="manifest" href="/manifest.webmanifest">
    <link rel="apple-touch-icon" href="/apple-touch-icon.png">
    <link rel="icon" type="image/png" sizes="192x192" href="/icon-192.png">
    <title>安园 Anyuan</title>
<link rel="stylesheet" href="/style-0123456789abcdef.css" integrity="sha384-AbC/+=" crossorigin="anonymous"/>
<link rel="modulepreload" href="/anyuan-fedcba9876543210.js" crossorigin="anonymous" integrity="sha384-x">
<link rel="preload" href="/anyuan-fedcba9876543210_bg.wasm" crossorigin="anonymous" integrity="sha384-y" as="fetch" type="application/wasm"></head>
<body><script type="module">
import init, * as bindings from '/anyuan-fedcba9876543210.js';
const wasm = await init({ module_or_path: '/anyuan-fedcba9876543210_bg.wasm' });
window.wasmBindings = bindings;
dispatchEvent(new CustomEvent("TrunkApplicationStarted", {detail: {wasm}}));
</script>
<p>Anyuan's shell, it's '/' here</p><a href="/more">more</a> <a href="https://example.org/x.js">x</a> <a href="//cdn.example/y.js">y</a>
<img src="/api/avatar.png"> <img src="/sw.js"> <a href="/">home</a></body></html>"#;

    fn set(items: &[&str]) -> BTreeSet<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn finds_the_shells_files_and_nothing_else() {
        assert_eq!(
            same_origin_files(INDEX),
            set(&[
                "/anyuan-fedcba9876543210.js",
                "/anyuan-fedcba9876543210_bg.wasm",
                "/apple-touch-icon.png",
                "/icon-192.png",
                "/manifest.webmanifest",
                "/style-0123456789abcdef.css",
            ])
        );
    }

    #[test]
    fn finds_unquoted_attributes_of_minified_html() {
        let html = "<link rel=preload href=/a-0011223344556677_bg.wasm as=fetch>\
                    <script src=/b.js></script><link href=/c.css?v=2><link href=/more>";
        assert_eq!(
            same_origin_files(html),
            set(&["/a-0011223344556677_bg.wasm", "/b.js", "/c.css"])
        );
    }

    #[test]
    fn finds_the_icons_of_a_manifest() {
        let manifest = r#"{"name": "安园 Anyuan", "start_url": "/", "scope": "/",
            "icons": [{"src": "/icon-192.png", "sizes": "192x192"},
                      {"src": "/icon-maskable-512.png", "purpose": "maskable"}]}"#;
        assert_eq!(
            same_origin_files(manifest),
            set(&["/icon-192.png", "/icon-maskable-512.png"])
        );
    }

    #[test]
    fn stamps_the_template_once() {
        let template = "const VERSION = \"__ANYUAN_VERSION__\";\n\
                        const PRECACHE = /*__ANYUAN_PRECACHE__*/ [];\n";
        let out = stamp(
            template,
            "00ff",
            &["/".to_owned(), "/a \"b\".js".to_owned()],
        )
        .unwrap();
        assert_eq!(
            out,
            "const VERSION = \"00ff\";\nconst PRECACHE = [\"/\", \"/a \\\"b\\\".js\"];\n"
        );
        assert!(is_stamped(&out));
        assert!(stamp(&out, "00ff", &[]).is_err());
    }

    #[test]
    fn stamps_a_dist_and_the_version_follows_the_bytes() {
        let dir = std::env::temp_dir().join(format!("xtask-pwa-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let template = include_str!("../../public/sw.js");
        let write = |name: &str, text: &str| std::fs::write(dir.join(name), text).unwrap();
        let index = r#"<link rel="manifest" href="/manifest.webmanifest"><script src="/app-0123456789abcdef.js"></script>"#;
        write("index.html", index);
        write(
            "manifest.webmanifest",
            r#"{"icons": [{"src": "/icon-192.png"}]}"#,
        );
        write("app-0123456789abcdef.js", "one");
        write("icon-192.png", "png");
        write("split_a-0123456789abcdef.wasm", "lazy");
        let lazy = ["/split_a-0123456789abcdef.wasm".to_owned()];

        write("sw.js", template);
        stamp_service_worker(&dir, &lazy).unwrap();
        let first = std::fs::read_to_string(dir.join("sw.js")).unwrap();
        assert!(is_stamped(&first));
        assert!(first.contains(
            r#"const PRECACHE = ["/", "/app-0123456789abcdef.js", "/icon-192.png", "/manifest.webmanifest", "/split_a-0123456789abcdef.wasm"];"#
        ));

        // A changed lazy module: a new version.
        write("split_a-0123456789abcdef.wasm", "lazy2");
        write("sw.js", template);
        stamp_service_worker(&dir, &lazy).unwrap();
        assert_ne!(std::fs::read_to_string(dir.join("sw.js")).unwrap(), first);
        write("split_a-0123456789abcdef.wasm", "lazy");

        // Same files: same sw.js. A changed icon: a new version.
        write("sw.js", template);
        stamp_service_worker(&dir, &lazy).unwrap();
        assert_eq!(std::fs::read_to_string(dir.join("sw.js")).unwrap(), first);
        write("icon-192.png", "png2");
        write("sw.js", template);
        stamp_service_worker(&dir, &lazy).unwrap();
        assert_ne!(std::fs::read_to_string(dir.join("sw.js")).unwrap(), first);

        // A referenced file that is missing fails the build.
        std::fs::remove_file(dir.join("icon-192.png")).unwrap();
        write("sw.js", template);
        assert!(stamp_service_worker(&dir, &lazy).is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
