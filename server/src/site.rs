//! The browser's files as Markwell serves them. The build writes
//! `markwell.js`, `markwell_bg.wasm` and `markwell.css` to the site's `pkg/`
//! folder; on start, each is given a second name with a hash of its
//! contents (`markwell.3f9a….js`), and compressed once with brotli and gzip
//! beside it (in the background, the first time). Pages ask for the hashed names, so a browser keeps those files
//! for a year without asking again, and a new build's files come under new
//! names. A phone gets the brotli copy, the smallest, with no compressing
//! per request.

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

/// Characters of the content hash in a name: 64 bits, so two builds'
/// files never share one.
const HASH_LENGTH: usize = 16;

/// What a hashed file may be kept for: a year, without asking again.
const FOR_GOOD: &str = "public, max-age=31536000, immutable";

/// Gives the build's files their hashed names and compressed copies (only
/// what isn't there yet, so a restart takes no time), removes earlier
/// builds' copies, and answers the names. With no build in `pkg/` (`make
/// dev`, which serves its own files, and the API tests), the plain names.
pub fn prepare(site_root: &Path) -> anyhow::Result<Bundle> {
    let pkg = site_root.join("pkg");
    let plain = Bundle::plain();
    let files = [&plain.js, &plain.wasm, &plain.css];
    if !files.iter().all(|name| pkg.join(name).is_file()) {
        return Ok(plain);
    }
    let mut hashed = Vec::new();
    let mut to_compress = Vec::new();
    for name in files {
        let contents =
            std::fs::read(pkg.join(name)).with_context(|| format!("reading {}", name))?;
        let named = hashed_name(name, &contents);
        let path = pkg.join(&named);
        if !path.is_file() {
            write_whole(&path, &contents)?;
        }
        if COPIES
            .iter()
            .any(|(suffix, _)| !compressed(&path, suffix).is_file())
        {
            to_compress.push(path);
        }
        hashed.push(named);
    }
    remove_earlier_builds(&pkg, &hashed)?;
    // Brotli's best takes half a minute over the WebAssembly: it is done
    // beside the serving, which sends each file as it is until its copies
    // are in place (gzipped on the way for browsers that ask).
    if !to_compress.is_empty() {
        std::thread::spawn(move || {
            for path in to_compress {
                if let Err(error) = compress(&path) {
                    tracing::warn!("compressing {}: {error:#}", path.display());
                }
            }
        });
    }
    let [js, wasm, css] = <[String; 3]>::try_from(hashed).expect("three files");
    Ok(Bundle {
        js,
        wasm,
        css,
        hashed: true,
    })
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

/// `markwell.js` with `contents` → `markwell.<hash>.js`.
fn hashed_name(name: &str, contents: &[u8]) -> String {
    let hash = hex::encode(Sha256::digest(contents));
    let (stem, extension) = name.rsplit_once('.').unwrap_or((name, ""));
    format!("{stem}.{}.{extension}", &hash[..HASH_LENGTH])
}

/// Whether a file name (or a path ending in one) carries a content hash.
pub fn is_hashed(name: &str) -> bool {
    let name = name.rsplit('/').next().unwrap_or(name);
    let name = name
        .strip_suffix(".br")
        .or_else(|| name.strip_suffix(".gz"))
        .unwrap_or(name);
    let mut parts = name.rsplit('.');
    let (_extension, hash) = (parts.next(), parts.next());
    parts.next().is_some()
        && hash.is_some_and(|h| h.len() == HASH_LENGTH && h.bytes().all(|b| b.is_ascii_hexdigit()))
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

/// Hashed files of earlier builds, and their compressed copies.
fn remove_earlier_builds(pkg: &Path, current: &[String]) -> anyhow::Result<()> {
    for entry in std::fs::read_dir(pkg)? {
        let name = entry?.file_name().to_string_lossy().into_owned();
        let base = name
            .strip_suffix(".br")
            .or_else(|| name.strip_suffix(".gz"))
            .unwrap_or(&name);
        if is_hashed(base) && !current.iter().any(|c| c == base) {
            let _ = std::fs::remove_file(pkg.join(&name));
        }
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
    fn names_carry_the_contents_hash() {
        let one = hashed_name("markwell_bg.wasm", b"one");
        let two = hashed_name("markwell_bg.wasm", b"two");
        assert!(one.starts_with("markwell_bg.") && one.ends_with(".wasm"));
        assert_ne!(one, two);
        assert_eq!(one, hashed_name("markwell_bg.wasm", b"one"));
        assert!(is_hashed(&one));
        assert!(is_hashed(&format!("/pkg/{one}.br")));
        assert!(!is_hashed("markwell.js"));
        assert!(!is_hashed("/pkg/markwell_bg.wasm"));
        assert!(!is_hashed("/pkg/markwell.notahexhash00000.css"));
    }
}
