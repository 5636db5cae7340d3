//! Builds the PWA into a dist directory:
//!
//! 0. the static files: public/'s service worker, manifest and icons copied,
//!    the CSS under a content-hashed name, index.html from its template;
//! 1. `cargo build --release` for wasm32 with `--emit-relocs` (wasm-split
//!    needs the relocations to move functions between modules);
//! 2. wasm-split cuts the module at the app's split points (src/routes.rs;
//!    real only in this build, which sets `--cfg anyuan_split`): a main
//!    module (the sign-in screen), one module per split point (the signed-in
//!    app, and each page module it opens) and chunks of the code several of
//!    them share, plus the JS link module that loads them on demand;
//! 3. wasm-bindgen makes the main module's JS glue (`--keep-lld-exports`, so
//!    the chunks can still import what they share with the main module);
//! 4. wasm-opt `-Oz` on every module;
//! 5. every file gets the build's content hash in its name (so the server
//!    can mark them immutable), cross-references are rewritten, and
//!    index.html gets the script that starts the app.
//!
//! Finally the service worker is stamped with the build's version and every
//! file to precache, the lazy modules included (xtask/src/pwa.rs). All of it
//! is written to a staging directory that replaces `dist` only at the end,
//! so a server running on `dist` never sees half a build.
//!
//! This replaced `trunk build`, which cannot split: it runs wasm-bindgen
//! before any hook and without `--keep-lld-exports`, and always builds the
//! Rust app itself.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail, ensure};

use crate::ctx::{Ctx, run};

/// The app's binary and package name.
const APP: &str = "anyuan";
/// The loader module wasm-split writes, as the main module imports it.
const LINK_MODULE: &str = "__wasm_split.js";
/// The split point of the signed-in app, as `routes::signed_in` (src/routes.rs)
/// names it.
const SIGNED_IN_SPLIT: &str = "signed_in";

/// What the pipeline wrote into dist/ (file names, not paths).
#[derive(Debug)]
pub struct Output {
    /// The main module's JS glue, which index.html imports.
    pub main_js: String,
    /// The main wasm module.
    pub main_wasm: String,
    /// The loader of the lazy modules (imported by `main_js`).
    pub link_js: String,
    /// The lazily loaded wasm modules.
    pub chunks: Vec<String>,
    /// Those of `chunks` that a signed-in start loads: the signed-in app's
    /// module and the chunks it shares with the page modules.
    pub signed_in: Vec<String>,
}

/// Builds the whole PWA and puts it in place of `dist`.
pub fn build(ctx: &Ctx, dist: &Path) -> Result<Output> {
    let input = compile(ctx)?;
    // Next to `dist`, so the final rename stays on one file system.
    let name = dist.file_name().and_then(|n| n.to_str()).unwrap_or("dist");
    let next = dist.with_file_name(format!(".{name}.next"));
    let out = build_into(ctx, &input, &next)?;
    if dist.exists() {
        std::fs::remove_dir_all(dist).with_context(|| format!("clearing {}", dist.display()))?;
    }
    std::fs::rename(&next, dist)
        .with_context(|| format!("moving {} to {}", next.display(), dist.display()))?;
    Ok(out)
}

/// Empties `dir` (creating it if need be).
fn fresh_dir(dir: &Path) -> Result<()> {
    if dir.exists() {
        std::fs::remove_dir_all(dir).with_context(|| format!("clearing {}", dir.display()))?;
    }
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))
}

/// Every step after cargo, into the empty directory `dist`.
fn build_into(ctx: &Ctx, input: &Path, dist: &Path) -> Result<Output> {
    fresh_dir(dist)?;
    static_files(ctx, dist)?;
    let staging = ctx.target_dir.join("pwa-split");
    fresh_dir(&staging)?;

    let (chunks, signed_in) = split(input, &staging)?;
    bindgen(ctx, &staging)?;
    let main_wasm = staging.join(format!("{APP}_bg.wasm"));
    crate::imports::shorten_files(&main_wasm, &staging.join(format!("{APP}.js")))?;
    // The main module first: it takes longest.
    let mut wasm_files = vec![main_wasm];
    wasm_files.extend(chunks.iter().cloned());
    optimize_all(ctx, &wasm_files)?;
    let out = publish(&staging, &chunks, &signed_in, dist)?;
    crate::ctx::each_in_parallel(&[&out.main_js, &out.link_js], |js| {
        minify_js(ctx, &dist.join(js))
    })?;
    inject_start_script(&dist.join("index.html"), &out)?;
    let lazy: Vec<String> = out.chunks.iter().map(|c| format!("/{c}")).collect();
    crate::pwa::stamp_service_worker(dist, &lazy)?;
    // Last: the service worker's final bytes are compressed too.
    crate::compress::precompress_dir(dist)?;
    Ok(out)
}

/// Files copied from public/ to the root of dist/ as they are.
const COPIED: [&str; 6] = [
    "sw.js",
    "manifest.webmanifest",
    "icons/icon-192.png",
    "icons/icon-512.png",
    "icons/icon-maskable-512.png",
    "icons/apple-touch-icon.png",
];
/// The stylesheet, as index.html names it before hashing.
const CSS: &str = "style.css";

/// Copies public/'s files, writes the CSS as `style-<hash>.css` and
/// index.html with that name.
fn static_files(ctx: &Ctx, dist: &Path) -> Result<()> {
    let public = ctx.root.join("public");
    for file in COPIED {
        let name = Path::new(file)
            .file_name()
            .context("a copied file without a name")?;
        std::fs::copy(public.join(file), dist.join(name))
            .with_context(|| format!("copying public/{file}"))?;
    }
    let css = std::fs::read(public.join(CSS)).context("reading public/style.css")?;
    let mut hash = crate::pwa::Fnv64::new();
    hash.write(&css);
    let css_name = format!("style-{:016x}.css", hash.finish());
    std::fs::write(dist.join(&css_name), css)?;

    let html =
        std::fs::read_to_string(ctx.root.join("index.html")).context("reading index.html")?;
    let link = format!("href=\"/{CSS}\"");
    ensure!(html.contains(&link), "index.html does not link {link}");
    std::fs::write(
        dist.join("index.html"),
        html.replace(&link, &format!("href=\"/{css_name}\"")),
    )?;
    Ok(())
}

/// `cargo build --release --target wasm32-unknown-unknown` with
/// relocations kept; returns the wasm file.
fn compile(ctx: &Ctx) -> Result<PathBuf> {
    let mut cmd = ctx.cargo();
    cmd.args([
        "build",
        "--release",
        "--target",
        "wasm32-unknown-unknown",
        "-p",
        APP,
        "--bin",
        APP,
    ]);
    // Only the wasm target gets the flags (build scripts and proc macros are
    // unaffected), and only this build: tests and clippy keep their caches.
    let env = std::env::var("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS").unwrap_or_default();
    cmd.env(
        "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS",
        wasm_rustflags(&env),
    );
    run(&mut cmd)?;
    Ok(ctx
        .target_dir
        .join("wasm32-unknown-unknown/release")
        .join(format!("{APP}.wasm")))
}

/// The flags every wasm build of the app uses, as `.cargo/config.toml`
/// gives them to tests and clippy: `erase_components` type-erases each
/// component's view (Leptos's cfg), which cut the lazy modules by 126 KB
/// brotli and the first load by 16 KB. The environment variable this build
/// sets replaces the config's flags, so they are repeated here.
const WASM_CFG: &str = "--cfg erase_components";

/// Turns the split points of src/routes.rs into real ones (wasm imports
/// that wasm-split links); other builds call the functions directly.
const SPLIT_CFG: &str = "--cfg anyuan_split";

/// `env` (the caller's own flags for the wasm target) with [`WASM_CFG`],
/// [`SPLIT_CFG`] and the relocations wasm-split needs, each once.
fn wasm_rustflags(env: &str) -> String {
    let mut flags = env.trim().to_owned();
    for flag in [WASM_CFG, SPLIT_CFG, "-Clink-args=--emit-relocs"] {
        if !flags.contains(flag) {
            flags = format!("{flags} {flag}").trim().to_owned();
        }
    }
    flags
}

/// wasm-split: writes `<APP>_split.wasm`, the lazy modules and the link
/// module into `staging`; returns the lazy modules' paths and the file
/// names of those the signed-in app loads.
fn split(input: &Path, staging: &Path) -> Result<(Vec<PathBuf>, Vec<String>)> {
    let wasm = std::fs::read(input).with_context(|| format!("reading {}", input.display()))?;
    let main_out = staging.join(format!("{APP}_split.wasm"));
    let main_module = format!("./{APP}.js");
    let link_name = format!("./{LINK_MODULE}");
    let split = wasm_split_cli_support::transform({
        let mut opts = wasm_split_cli_support::Options::new(&wasm);
        opts.output_dir = staging;
        opts.main_out_path = &main_out;
        opts.main_module = &main_module;
        opts.link_name = &link_name;
        opts
    })
    .map_err(|e| anyhow::anyhow!("wasm-split failed: {e:?}"))?;
    let signed_in = signed_in_files(&split.prefetch_map)?;
    Ok((split.split_modules, signed_in))
}

/// The files of the signed-in app's split point in wasm-split's prefetch
/// map (split name → file stems of its module and the chunks it needs).
fn signed_in_files(
    prefetch: &std::collections::HashMap<String, Vec<String>>,
) -> Result<Vec<String>> {
    let stems = prefetch.get(SIGNED_IN_SPLIT).with_context(|| {
        format!("wasm-split made no split point `{SIGNED_IN_SPLIT}` (src/routes.rs)")
    })?;
    Ok(stems.iter().map(|stem| format!("{stem}.wasm")).collect())
}

/// wasm-bindgen on the split main module: `<APP>.js` and `<APP>_bg.wasm`.
fn bindgen(ctx: &Ctx, staging: &Path) -> Result<()> {
    let mut cmd = ctx.cmd("wasm-bindgen");
    cmd.args([
        "--target",
        "web",
        "--keep-lld-exports",
        "--no-typescript",
        "--out-name",
        APP,
    ])
    .arg("--out-dir")
    .arg(staging)
    .arg(staging.join(format!("{APP}_split.wasm")));
    run(&mut cmd)
}

/// [`optimize`] on every file, as many at once as there are cores.
fn optimize_all(ctx: &Ctx, files: &[PathBuf]) -> Result<()> {
    crate::ctx::each_in_parallel(files, |file| optimize(ctx, file))
}

/// `wasm-opt -Oz` in place (as trunk runs it for `data-wasm-opt="z"`).
fn optimize(ctx: &Ctx, file: &Path) -> Result<()> {
    let out = file.with_extension("opt.wasm");
    let mut cmd = ctx.cmd("wasm-opt");
    cmd.arg("-Oz").arg(file).arg("-o").arg(&out);
    run(&mut cmd)?;
    std::fs::rename(&out, file)?;
    Ok(())
}

/// Minifies a JS file in place with terser (as an ES module: its exports
/// and the strings that name other files stay as they are). The
/// wasm-bindgen glue is 69 KB of readable JS; minified it is 31 KB, 2 KB
/// less after brotli.
pub fn minify_js(ctx: &Ctx, file: &Path) -> Result<()> {
    let out = file.with_extension("min.js");
    run(ctx
        .cmd("terser")
        .arg(file)
        .args(["--module", "--compress", "--mangle", "--output"])
        .arg(&out))?;
    std::fs::rename(&out, file)?;
    Ok(())
}

/// Copies the pipeline's files into `dist` under hashed names and rewrites
/// the references between them.
///
/// The main JS and the link module import each other, so their names cannot
/// each hash their own bytes; every file gets one hash of the whole build
/// instead (taken before renaming): any change renames them all, and a name
/// never stands for two contents.
fn publish(
    staging: &Path,
    chunks: &[PathBuf],
    signed_in: &[String],
    dist: &Path,
) -> Result<Output> {
    let main_js = format!("{APP}.js");
    let main_wasm = format!("{APP}_bg.wasm");
    let mut files: Vec<String> = vec![main_js.clone(), main_wasm.clone(), LINK_MODULE.to_owned()];
    for chunk in chunks {
        let name = chunk
            .file_name()
            .and_then(|n| n.to_str())
            .context("a chunk without a UTF-8 file name")?;
        files.push(name.to_owned());
    }
    files.sort();
    files.dedup();

    let mut hash = crate::pwa::Fnv64::new();
    let mut contents = Vec::new();
    for name in &files {
        let bytes = std::fs::read(staging.join(name)).with_context(|| format!("reading {name}"))?;
        hash.write(name.as_bytes());
        hash.write(b"\0");
        hash.write(&bytes);
        contents.push(bytes);
    }
    let hash = format!("{:016x}", hash.finish());
    let hashed = |name: &str| -> String {
        // `anyuan_bg.wasm` → `anyuan-<hash>_bg.wasm` (trunk's shape, which the
        // server recognises as content-hashed); others `<stem>-<hash>.<ext>`.
        let (stem, ext) = name.rsplit_once('.').unwrap_or((name, ""));
        match stem.strip_suffix("_bg") {
            Some(base) => format!("{base}-{hash}_bg.{ext}"),
            None => format!("{stem}-{hash}.{ext}"),
        }
    };

    for (name, bytes) in files.iter().zip(contents) {
        let bytes = if name.ends_with(".js") {
            let text = String::from_utf8(bytes).with_context(|| format!("{name} is not UTF-8"))?;
            relink(&text, &files, &hashed).into_bytes()
        } else {
            bytes
        };
        std::fs::write(dist.join(hashed(name)), bytes)?;
    }

    let out = Output {
        main_js: hashed(&main_js),
        main_wasm: hashed(&main_wasm),
        link_js: hashed(LINK_MODULE),
        chunks: chunks
            .iter()
            .filter_map(|c| c.file_name().and_then(|n| n.to_str()).map(hashed))
            .collect(),
        signed_in: signed_in.iter().map(|f| hashed(f)).collect(),
    };
    let main = std::fs::read_to_string(dist.join(&out.main_js))?;
    ensure!(
        main.contains(&out.link_js),
        "{} does not import the loader {} (did wasm-bindgen keep the split imports?)",
        out.main_js,
        out.link_js
    );
    Ok(out)
}

/// `text` (a JS file) with every import or fetch of one of `files` renamed
/// by `hashed`. Only `from "./f"` and `new URL("./f"` change: the keys of the
/// wasm's import object keep the names the module was linked with.
fn relink(text: &str, files: &[String], hashed: &dyn Fn(&str) -> String) -> String {
    let mut text = text.to_owned();
    for file in files {
        for (before, after) in [("from \"./", "\""), ("new URL(\"./", "\"")] {
            text = text.replace(
                &format!("{before}{file}{after}"),
                &format!("{before}{}{after}", hashed(file)),
            );
        }
    }
    text
}

/// Marks where the start script goes in index.html.
const START_MARK: &str = "<!-- anyuan:start -->";

/// Replaces index.html's start marker with the preloads and the module
/// script that starts the app. The script is its own file, named with the
/// build's hash (its only content is the hashed names), because the
/// server's Content-Security-Policy allows no inline script.
fn inject_start_script(index: &Path, out: &Output) -> Result<()> {
    let html =
        std::fs::read_to_string(index).with_context(|| format!("reading {}", index.display()))?;
    if !html.contains(START_MARK) {
        bail!(
            "{} has no {START_MARK} marker for the start script",
            index.display()
        );
    }
    let Output {
        main_js,
        main_wasm,
        link_js,
        ..
    } = out;
    // `anyuan-<hash>.js` → `start-<hash>.js`.
    let start_js = match main_js.split_once('-') {
        Some((_, hashed)) => format!("start-{hashed}"),
        None => bail!("{main_js} has no build hash in its name"),
    };
    let dir = index.parent().unwrap_or(Path::new("."));
    std::fs::write(
        dir.join(&start_js),
        format!("import init from \"/{main_js}\"; init({{ module_or_path: \"/{main_wasm}\" }});\n"),
    )?;
    let script = format!(
        "<link rel=\"modulepreload\" href=\"/{main_js}\">\n    \
         <link rel=\"modulepreload\" href=\"/{link_js}\">\n    \
         <link rel=\"preload\" href=\"/{main_wasm}\" as=\"fetch\" type=\"application/wasm\" crossorigin>\n    \
         <script type=\"module\" src=\"/{start_js}\"></script>"
    );
    std::fs::write(index, html.replace(START_MARK, &script))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_start_script_is_a_hashed_file_not_inline_so_the_csp_allows_it() {
        let dir = std::env::temp_dir().join(format!("anyuan-start-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let index = dir.join("index.html");
        std::fs::write(&index, format!("<head>{START_MARK}</head><body></body>")).unwrap();
        let out = Output {
            main_js: "anyuan-0123456789abcdef.js".into(),
            main_wasm: "anyuan-0123456789abcdef_bg.wasm".into(),
            link_js: "__wasm_split-0123456789abcdef.js".into(),
            chunks: vec![],
            signed_in: vec![],
        };
        inject_start_script(&index, &out).unwrap();
        let html = std::fs::read_to_string(&index).unwrap();
        assert!(
            html.contains(r#"<script type="module" src="/start-0123456789abcdef.js"></script>"#),
            "{html}"
        );
        assert!(!html.contains("import init"), "no inline script: {html}");
        let start = std::fs::read_to_string(dir.join("start-0123456789abcdef.js")).unwrap();
        assert!(start.contains(r#"import init from "/anyuan-0123456789abcdef.js""#));
        assert!(start.contains("/anyuan-0123456789abcdef_bg.wasm"));
        // The service worker precaches what index.html references.
        assert!(crate::pwa::same_origin_files(&html).contains("/start-0123456789abcdef.js"));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn wasm_flags_match_the_cargo_config_and_keep_the_callers() {
        let config = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../.cargo/config.toml"),
        )
        .unwrap();
        let config_flags: Vec<&str> = WASM_CFG.split(' ').collect();
        let quoted = config_flags
            .iter()
            .map(|f| format!("\"{f}\""))
            .collect::<Vec<_>>()
            .join(", ");
        assert!(
            config.contains(&quoted),
            ".cargo/config.toml must give wasm builds [{quoted}]"
        );
        assert_eq!(
            wasm_rustflags(""),
            "--cfg erase_components --cfg anyuan_split -Clink-args=--emit-relocs"
        );
        assert_eq!(
            wasm_rustflags(" -Cfoo --cfg erase_components"),
            "-Cfoo --cfg erase_components --cfg anyuan_split -Clink-args=--emit-relocs"
        );
    }

    #[test]
    fn relink_renames_imports_and_fetches_but_not_import_object_keys() {
        let files = [
            "__wasm_split.js".to_owned(),
            "anyuan.js".to_owned(),
            "chunk_1.wasm".to_owned(),
        ];
        let hashed = |f: &str| f.replace('.', "-00ff.");
        let glue = "import * as import1 from \"./__wasm_split.js\"\n\
                    imports = { \"./__wasm_split.js\": import1 };";
        assert_eq!(
            relink(glue, &files, &hashed),
            "import * as import1 from \"./__wasm_split-00ff.js\"\n\
             imports = { \"./__wasm_split.js\": import1 };"
        );
        let loader = "import { initSync } from \"./anyuan.js\";\n\
                      fetch(new URL(\"./chunk_1.wasm\", import.meta.url));";
        assert_eq!(
            relink(loader, &files, &hashed),
            "import { initSync } from \"./anyuan-00ff.js\";\n\
             fetch(new URL(\"./chunk_1-00ff.wasm\", import.meta.url));"
        );
    }

    #[test]
    fn the_signed_in_files_are_those_of_its_split_point() {
        let stems = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let mut prefetch = std::collections::HashMap::from([
            ("drills".to_owned(), stems(&["chunk_3", "split_drills"])),
            (
                "signed_in".to_owned(),
                stems(&["chunk_3", "chunk_4", "split_signed_in"]),
            ),
        ]);
        assert_eq!(
            signed_in_files(&prefetch).unwrap(),
            ["chunk_3.wasm", "chunk_4.wasm", "split_signed_in.wasm"]
        );
        prefetch.remove("signed_in");
        assert!(
            signed_in_files(&prefetch).is_err(),
            "no signed-in split point"
        );
    }
}
