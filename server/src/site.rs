//! The browser's files as Markwell serves them. The build writes them to the
//! site's `pkg/` folder: `markwell.js`, `markwell_bg.wasm` and
//! `markwell.css`, and the staff page families' files, which the app fetches
//! by names relative to its own. On start, the build is copied into a folder
//! named by a hash of all its files (`pkg/3f9a…/`), each file compressed once
//! with brotli and gzip beside it (in the background, the first time). Pages
//! ask for that folder's files, so a browser keeps them for a year without
//! asking again, and a new build comes under a new folder. A phone gets the
//! brotli copy, the smallest, with no compressing per request.

use std::{
    io::Write,
    path::{Path, PathBuf},
    sync::atomic::{AtomicU64, Ordering},
};

use anyhow::Context;
use app::ssr::{AppState, Bundle};
use axum::{
    extract::{Request, State},
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use sha2::{Digest, Sha256};
use tower::ServiceExt;
use tower_http::services::ServeDir;

/// Where the bundle is served: `/pkg/…`.
pub const PKG_ROUTE: &str = "/pkg/{*file}";

/// Characters of the content hash in a folder's name: 64 bits, so two
/// builds never share one.
const HASH_LENGTH: usize = 16;

/// Earlier builds' folders kept beside the current one: a tab opened before
/// a new build still fetches its page families' files from its own.
const EARLIER_BUILDS_KEPT: usize = 2;

/// What a hashed file may be kept for: a year, without asking again.
const FOR_GOOD: &str = "public, max-age=31536000, immutable";

/// Copies the build into its hashed folder with compressed copies (only
/// what isn't there yet, so a restart takes no time), removes all but the
/// latest earlier builds' folders, and answers where the files are. With no
/// build in `pkg/` (`make dev`, which serves its own files, and the API
/// tests), the plain names.
pub fn prepare(site_root: &Path) -> anyhow::Result<Bundle> {
    let pkg = site_root.join("pkg");
    if ![Bundle::JS, Bundle::WASM, Bundle::CSS]
        .iter()
        .all(|name| pkg.join(name).is_file())
    {
        return Ok(Bundle::plain());
    }
    let files = build_files(&pkg)?;
    let mut hash = Sha256::new();
    for (name, contents) in &files {
        hash.update((name.len() as u64).to_le_bytes());
        hash.update(name.as_bytes());
        hash.update((contents.len() as u64).to_le_bytes());
        hash.update(contents);
    }
    let folder = hex::encode(hash.finalize())[..HASH_LENGTH].to_owned();
    let dir = pkg.join(&folder);
    std::fs::create_dir_all(&dir).with_context(|| format!("making {}", dir.display()))?;
    let mut to_compress = Vec::new();
    for (name, contents) in &files {
        let path = dir.join(name);
        if !path.is_file() {
            write_whole(&path, contents)?;
        }
        if COPIES
            .iter()
            .any(|(suffix, _)| !compressed(&path, suffix).is_file())
        {
            to_compress.push(path);
        }
    }
    remove_earlier_builds(&pkg, &folder)?;
    // Brotli's best takes half a minute over the WebAssembly: it is done
    // beside the serving, which sends each file as it is until its copies
    // are in place (gzipped on the way for browsers that ask). The start of
    // the app first.
    if !to_compress.is_empty() {
        to_compress.sort_by_key(|path| !path.ends_with(Bundle::WASM));
        std::thread::spawn(move || {
            for path in to_compress {
                if let Err(error) = compress(&path) {
                    tracing::warn!("compressing {}: {error:#}", path.display());
                }
            }
        });
    }
    let families = match files
        .iter()
        .find(|(name, _)| name == Bundle::FAMILY_MANIFEST)
    {
        Some((_, manifest)) => {
            serde_json::from_slice(manifest).context("reading the page families' manifest")?
        }
        None => Default::default(),
    };
    Ok(Bundle { folder, families })
}

/// The build's files: every file directly in `pkg/`, by name.
fn build_files(pkg: &Path) -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(pkg)? {
        let entry = entry?;
        if !entry.file_type()?.is_file() {
            continue;
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        let contents = std::fs::read(entry.path()).with_context(|| format!("reading {name}"))?;
        files.push((name, contents));
    }
    files.sort();
    Ok(files)
}

/// Compresses a file's contents.
type Compressor = fn(&[u8]) -> anyhow::Result<Vec<u8>>;

/// The compressed copies written beside each hashed file.
const COPIES: [(&str, Compressor); 2] = [("br", brotli), ("gz", gzip)];

fn compressed(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(format!(".{suffix}"));
    PathBuf::from(name)
}

/// Writes a file's missing compressed copies.
pub fn compress(path: &Path) -> anyhow::Result<()> {
    let contents = std::fs::read(path)?;
    for (suffix, compressor) in COPIES {
        let copy = compressed(path, suffix);
        if !copy.is_file() {
            write_whole(&copy, &compressor(&contents)?)?;
        }
    }
    Ok(())
}

fn is_build_folder(name: &str) -> bool {
    name.len() == HASH_LENGTH && name.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Whether a path asks for a file in a build's hashed folder:
/// `/pkg/<hash>/…`.
pub fn is_hashed(path: &str) -> bool {
    let mut parts = path.trim_start_matches('/').split('/');
    parts.next() == Some("pkg")
        && parts.next().is_some_and(is_build_folder)
        && parts.next().is_some_and(|name| !name.is_empty())
}

/// Written beside and renamed into place, so a server starting meanwhile
/// never serves half a file. Each writing gets a name of its own: two may
/// write the same copy at once (the background compression a start begins,
/// and another start, or `compress` called directly).
fn write_whole(path: &Path, contents: &[u8]) -> anyhow::Result<()> {
    static WRITINGS: AtomicU64 = AtomicU64::new(0);
    let writing = WRITINGS.fetch_add(1, Ordering::Relaxed);
    let mut partial = PathBuf::from(path);
    partial.set_extension(format!("part{}-{writing}", std::process::id()));
    let mut file = std::fs::File::create(&partial)
        .with_context(|| format!("writing {}", partial.display()))?;
    file.write_all(contents)?;
    file.sync_all()?;
    std::fs::rename(&partial, path)?;
    Ok(())
}

fn brotli(contents: &[u8]) -> anyhow::Result<Vec<u8>> {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &contents[..], &mut out, &params)?;
    Ok(out)
}

fn gzip(contents: &[u8]) -> anyhow::Result<Vec<u8>> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(contents)?;
    Ok(encoder.finish()?)
}

/// Earlier builds' folders, all but the latest few.
fn remove_earlier_builds(pkg: &Path, current: &str) -> anyhow::Result<()> {
    let mut earlier = Vec::new();
    for entry in std::fs::read_dir(pkg)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if is_build_folder(&name) && name != current && entry.file_type()?.is_dir() {
            earlier.push((entry.metadata()?.modified()?, entry.path()));
        }
    }
    earlier.sort();
    earlier.reverse();
    for (_, path) in earlier.into_iter().skip(EARLIER_BUILDS_KEPT) {
        let _ = std::fs::remove_dir_all(path);
    }
    Ok(())
}

/// `GET /pkg/…`: a file of the bundle, brotli or gzip as the browser
/// accepts, kept for good when its name is hashed and checked again each
/// time when not.
pub async fn pkg_file(State(state): State<AppState>, request: Request) -> Response {
    let hashed = is_hashed(request.uri().path());
    let files = ServeDir::new(&*state.leptos_options.site_root)
        .precompressed_br()
        .precompressed_gzip();
    let mut response = match files.oneshot(request).await {
        Ok(response) => response.into_response(),
        Err(never) => match never {},
    };
    if matches!(response.status(), StatusCode::OK | StatusCode::NOT_MODIFIED) {
        response.headers_mut().insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static(if hashed { FOR_GOOD } else { "no-cache" }),
        );
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_builds_folder_is_kept_for_good() {
        assert!(is_hashed("/pkg/0123456789abcdef/markwell_bg.wasm"));
        assert!(is_hashed("/pkg/0123456789abcdef/chunk_3.wasm.br"));
        assert!(!is_hashed("/pkg/markwell_bg.wasm"));
        assert!(!is_hashed("/pkg/0123456789abcdef/"));
        assert!(!is_hashed("/pkg/0123456789abcdeg/markwell.js"));
        assert!(!is_hashed("/pkg/0123456789abcde/markwell.js"));
        assert!(!is_hashed("/other/0123456789abcdef/markwell.js"));
    }
}
