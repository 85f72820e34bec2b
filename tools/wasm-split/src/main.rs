//! Splits the browser's WebAssembly where the app marks code `#[lazy]`.
//! Usage: wasm-split INPUT.wasm OUT_DIR MAIN_OUT.wasm
//!
//! Writes the main module to MAIN_OUT (for wasm-bindgen), each split and
//! shared chunk to OUT_DIR beside `__wasm_split.js`, the loader that fetches
//! them relative to itself, and `__wasm_split_manifest.json`: which files each
//! split needs, for the server's preload links.
use std::path::Path;

use anyhow::{anyhow, bail, Context};

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, out_dir, main_out] = args.as_slice() else {
        bail!("usage: wasm-split INPUT.wasm OUT_DIR MAIN_OUT.wasm");
    };
    let wasm = std::fs::read(input).with_context(|| format!("reading {input}"))?;
    let mut options = wasm_split_cli_support::Options::new(&wasm);
    options.output_dir = Path::new(out_dir);
    options.main_out_path = Path::new(main_out);
    // wasm-bindgen names the main module's glue markwell.js; the loader and
    // the glue import each other by these relative names.
    options.main_module = "./markwell.js";
    options.link_name = "./__wasm_split.js";
    let split = wasm_split_cli_support::transform(options)
        .map_err(|e| anyhow!("splitting the WebAssembly: {e:?}"))?;
    let manifest = serde_json::to_string(&split.prefetch_map)?;
    std::fs::write(
        Path::new(out_dir).join("__wasm_split_manifest.json"),
        manifest,
    )?;
    Ok(())
}
