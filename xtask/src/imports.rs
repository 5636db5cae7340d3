//! Short names for the functions the main wasm module imports from its JS
//! glue.
//!
//! wasm-bindgen names each import `__wbg_<name>_<16 hex digits>`: 243 of
//! them in the main module, each written once in the wasm and once in the
//! JS. The hex digits are random to brotli, so together they cost about
//! 4.5 KB of the first load. [`shorten_files`] gives every import of the glue's
//! module a short name (`a`, `b`, … `Z`, `aa`, …) in both files, before
//! wasm-opt and terser run.

use std::collections::HashMap;
use std::path::Path;

use anyhow::{Context as _, Result, bail};
use wasm_encoder::reencode::{Reencode as _, RoundtripReencoder};

/// Shortens the imports of `wasm` from its glue module, in place, and in
/// `js`. The glue module is the one import module named `…_bg.js`
/// (wasm-bindgen's `./<out-name>_bg.js`; trunk renames the files after, so
/// the file name does not tell).
pub fn shorten_files(wasm: &Path, js: &Path) -> Result<()> {
    let bytes = std::fs::read(wasm)?;
    let module = glue_module(&bytes).with_context(|| format!("in {}", wasm.display()))?;
    let (new_wasm, renames) = shorten_wasm(&bytes, &module)?;
    let new_js = shorten_js(&std::fs::read_to_string(js)?, &renames)?;
    std::fs::write(wasm, new_wasm)?;
    std::fs::write(js, new_js)?;
    Ok(())
}

/// The one module the wasm imports from whose name ends in `_bg.js`.
fn glue_module(wasm: &[u8]) -> Result<String> {
    let mut modules = std::collections::BTreeSet::new();
    for payload in wasmparser::Parser::new(0).parse_all(wasm) {
        if let wasmparser::Payload::ImportSection(reader) = payload? {
            for import in reader.into_imports() {
                let module = import?.module;
                if module.ends_with("_bg.js") {
                    modules.insert(module.to_owned());
                }
            }
        }
    }
    match modules.len() {
        1 => Ok(modules.pop_first().expect("one module")),
        n => bail!("expected imports from one `…_bg.js` glue module, found {n}: {modules:?}"),
    }
}

/// The wasm with every import from `module` renamed, and the renames
/// (old name → new name). Other sections are copied byte for byte.
fn shorten_wasm(wasm: &[u8], module: &str) -> Result<(Vec<u8>, HashMap<String, String>)> {
    let mut out = wasm_encoder::Module::new();
    let mut renames = HashMap::new();
    for payload in wasmparser::Parser::new(0).parse_all(wasm) {
        let payload = payload.context("reading the wasm module")?;
        if let wasmparser::Payload::ImportSection(reader) = &payload {
            let mut section = wasm_encoder::ImportSection::new();
            for import in reader.clone().into_imports() {
                let import = import.context("reading an import")?;
                let ty = RoundtripReencoder
                    .entity_type(import.ty)
                    .map_err(|e| anyhow::anyhow!("import {}: {e:?}", import.name))?;
                let name = if import.module == module {
                    let short = short_name(renames.len());
                    renames.insert(import.name.to_owned(), short.clone());
                    short
                } else {
                    import.name.to_owned()
                };
                section.import(import.module, &name, ty);
            }
            out.section(&section);
        } else if let Some((id, range)) = payload.as_section() {
            let data = &wasm[range.start as usize..range.end as usize];
            out.section(&wasm_encoder::RawSection { id, data });
        }
    }
    Ok((out.finish(), renames))
}

/// `js` with every identifier that `renames` names replaced. The glue
/// writes the imports as the keys of one object (`__wbg_body_5f97…:
/// function(arg0) {…}`); the hashed names appear nowhere else.
fn shorten_js(js: &str, renames: &HashMap<String, String>) -> Result<String> {
    let mut out = String::with_capacity(js.len());
    let mut found = 0;
    let mut rest = js;
    while let Some(start) = rest.find(is_ident_char) {
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        let end = rest.find(|c| !is_ident_char(c)).unwrap_or(rest.len());
        let word = &rest[..end];
        match renames.get(word) {
            Some(short) => {
                out.push_str(short);
                found += 1;
            }
            None => out.push_str(word),
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    if found < renames.len() {
        bail!(
            "the JS glue names {found} of the wasm's {} imports",
            renames.len()
        );
    }
    Ok(out)
}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '$'
}

/// The `n`th short name: `a`…`z`, `A`…`Z`, then `aa`, `ab`, … (property
/// names, so a keyword such as `do` is allowed).
fn short_name(mut n: usize) -> String {
    const LETTERS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let mut name = Vec::new();
    loop {
        name.push(LETTERS[n % LETTERS.len()]);
        n /= LETTERS.len();
        if n == 0 {
            break;
        }
        n -= 1;
    }
    name.reverse();
    String::from_utf8(name).expect("ASCII letters")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A module importing two functions from the glue and one from elsewhere.
    fn module() -> Vec<u8> {
        let mut types = wasm_encoder::TypeSection::new();
        types.ty().function([], []);
        let mut imports = wasm_encoder::ImportSection::new();
        let f = wasm_encoder::EntityType::Function(0);
        imports.import("./app_bg.js", "__wbg_body_5f971cbc6950ca4f", f);
        imports.import("./__wasm_split.js", "__wasm_split_load", f);
        imports.import("./app_bg.js", "__wbg_remove_b28d816f9e896ff9", f);
        let mut exports = wasm_encoder::ExportSection::new();
        exports.export("start", wasm_encoder::ExportKind::Func, 1);
        let mut m = wasm_encoder::Module::new();
        m.section(&types).section(&imports).section(&exports);
        m.finish()
    }

    fn imports_of(wasm: &[u8]) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for payload in wasmparser::Parser::new(0).parse_all(wasm) {
            if let wasmparser::Payload::ImportSection(r) = payload.unwrap() {
                for i in r.into_imports() {
                    let i = i.unwrap();
                    out.push((i.module.to_owned(), i.name.to_owned()));
                }
            }
        }
        out
    }

    #[test]
    fn renames_the_glue_imports_in_the_wasm_and_the_js() {
        let (wasm, renames) = shorten_wasm(&module(), "./app_bg.js").unwrap();
        wasmparser::Validator::new().validate_all(&wasm).unwrap();
        assert_eq!(
            imports_of(&wasm),
            [
                ("./app_bg.js".to_owned(), "a".to_owned()),
                (
                    "./__wasm_split.js".to_owned(),
                    "__wasm_split_load".to_owned()
                ),
                ("./app_bg.js".to_owned(), "b".to_owned()),
            ]
        );
        let js = "const import0 = { __proto__: null, __wbg_body_5f971cbc6950ca4f: function(arg0) { \
                  return x.__wbg_body; }, __wbg_remove_b28d816f9e896ff9: function() {} };";
        assert_eq!(
            shorten_js(js, &renames).unwrap(),
            "const import0 = { __proto__: null, a: function(arg0) { \
             return x.__wbg_body; }, b: function() {} };"
        );
    }

    #[test]
    fn files_find_the_glue_module_among_the_imports() {
        let dir = crate::test::TempDir::new("xtask-imports").unwrap();
        let (wasm, js) = (
            dir.path().join("app-0f3a_bg.wasm"),
            dir.path().join("app-0f3a.js"),
        );
        std::fs::write(&wasm, module()).unwrap();
        std::fs::write(
            &js,
            "({__wbg_body_5f971cbc6950ca4f(){}, __wbg_remove_b28d816f9e896ff9(){}})",
        )
        .unwrap();
        shorten_files(&wasm, &js).unwrap();
        assert_eq!(std::fs::read_to_string(&js).unwrap(), "({a(){}, b(){}})");
        let names: Vec<String> = imports_of(&std::fs::read(&wasm).unwrap())
            .into_iter()
            .map(|(_, name)| name)
            .collect();
        assert_eq!(names, ["a", "__wasm_split_load", "b"]);

        // A wasm with no glue module to tell is refused, unchanged.
        let mut imports = wasm_encoder::ImportSection::new();
        imports.import("env", "f", wasm_encoder::EntityType::Function(0));
        let mut types = wasm_encoder::TypeSection::new();
        types.ty().function([], []);
        let mut m = wasm_encoder::Module::new();
        m.section(&types).section(&imports);
        let other = dir.path().join("other.wasm");
        std::fs::write(&other, m.clone().finish()).unwrap();
        assert!(shorten_files(&other, &js).is_err());
        assert_eq!(std::fs::read(&other).unwrap(), m.finish());
    }

    #[test]
    fn js_missing_an_import_is_an_error() {
        let (_, renames) = shorten_wasm(&module(), "./app_bg.js").unwrap();
        let js = "const import0 = { __wbg_body_5f971cbc6950ca4f: function() {} };";
        assert!(shorten_js(js, &renames).is_err());
    }

    #[test]
    fn short_names_are_distinct_letters() {
        let names: Vec<String> = (0..3000).map(short_name).collect();
        assert_eq!(&names[..3], ["a", "b", "c"]);
        assert_eq!(names[52], "aa");
        let unique: std::collections::HashSet<&String> = names.iter().collect();
        assert_eq!(unique.len(), names.len());
        assert!(
            names
                .iter()
                .all(|n| n.bytes().all(|b| b.is_ascii_alphabetic()))
        );
    }
}
