//! The browser's files: pages ask for them in a folder named by a hash of
//! the build, browsers may keep them for a year, and they travel compressed
//! beforehand with brotli or gzip, as the browser accepts.

use std::io::Read;

use reqwest::{header, StatusCode};

use app::ssr::Bundle;

use crate::helpers::*;

/// A build's files, as the site build writes them: the start of the app, and
/// one page family's file with the manifest naming it.
fn build(pkg: &std::path::Path, version: &str) {
    std::fs::create_dir_all(pkg).unwrap();
    let js = format!(
        "// {version}\nexport default async function () {{}}\nexport function hydrate() {{}}\n"
    );
    std::fs::write(pkg.join("markwell.js"), js).unwrap();
    // Compressible, as real WebAssembly is.
    let wasm: Vec<u8> = format!("\0asm {version} ").repeat(20_000).into_bytes();
    std::fs::write(pkg.join("markwell_bg.wasm"), wasm).unwrap();
    std::fs::write(
        pkg.join("markwell.css"),
        format!("/* {version} */ body {{ margin: 0 }}"),
    )
    .unwrap();
    std::fs::write(pkg.join("split_admin_1.wasm"), format!("\0asm {version}")).unwrap();
    std::fs::write(
        pkg.join("__wasm_split_manifest.json"),
        r#"{"admin_1": ["split_admin_1"]}"#,
    )
    .unwrap();
}

/// Every `/pkg/…` name the page asks for.
fn asked_for(page: &str) -> Vec<String> {
    page.match_indices("/pkg/")
        .map(|(at, _)| {
            page[at..]
                .split(['"', '\''])
                .next()
                .unwrap()
                .trim_end_matches('\\')
                .to_owned()
        })
        .collect()
}

#[tokio::test]
async fn the_browsers_files_are_kept_for_good_and_sent_compressed() {
    let site = tempfile::tempdir().unwrap();
    let pkg = site.path().join("pkg");
    build(&pkg, "first");
    let root = site.path().display().to_string();
    let app = spawn_app_with(|config| config.site_root = root.clone()).await;
    let page = client()
        .get(format!("{}/sign-in", app.address))
        .header(header::ACCEPT, "text/html")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let names = asked_for(&page);
    let find = |ext: &str| {
        names
            .iter()
            .find(|n| n.ends_with(ext))
            .unwrap_or_else(|| panic!("no {ext} in {names:?}"))
            .clone()
    };
    let (js, wasm, css) = (find(".js"), find(".wasm"), find(".css"));
    for name in [&js, &wasm, &css] {
        assert!(server::site::is_hashed(name), "{name} carries no hash");
    }
    // The compressed copies are written beside the serving, once.
    for name in [&js, &wasm, &css] {
        let file = site.path().join(name.trim_start_matches('/'));
        for suffix in ["br", "gz"] {
            let copy = format!("{}.{suffix}", file.display());
            for _ in 0..600 {
                if std::path::Path::new(&copy).is_file() {
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
        }
    }
    let original = std::fs::read(pkg.join("markwell_bg.wasm")).unwrap();
    for (accepts, sent) in [
        ("br, gzip", Some("br")),
        ("gzip", Some("gzip")),
        ("identity", None),
    ] {
        let res = client()
            .get(format!("{}{wasm}", app.address))
            .header(header::ACCEPT_ENCODING, accepts)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{accepts}");
        assert_eq!(
            res.headers()[header::CACHE_CONTROL],
            "public, max-age=31536000, immutable"
        );
        let encoding = res
            .headers()
            .get(header::CONTENT_ENCODING)
            .map(|v| v.to_str().unwrap().to_owned());
        assert_eq!(encoding.as_deref(), sent, "{accepts}");
        let body = res.bytes().await.unwrap();
        let mut unpacked = Vec::new();
        match sent {
            Some("br") => {
                brotli::Decompressor::new(&body[..], 4096)
                    .read_to_end(&mut unpacked)
                    .unwrap();
            }
            Some(_) => {
                flate2::read::GzDecoder::new(&body[..])
                    .read_to_end(&mut unpacked)
                    .unwrap();
            }
            None => unpacked = body.to_vec(),
        }
        assert_eq!(unpacked, original, "{accepts}");
        if sent.is_some() {
            assert!(
                body.len() * 10 < original.len(),
                "{accepts}: {} bytes",
                body.len()
            );
        }
    }
    for name in [&js, &css] {
        let res = client()
            .get(format!("{}{name}", app.address))
            .header(header::ACCEPT_ENCODING, "br")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.headers()[header::CONTENT_ENCODING], "br");
        assert_eq!(
            res.headers()[header::CACHE_CONTROL],
            "public, max-age=31536000, immutable"
        );
    }
    // The plain name is still there for `make dev`, checked on every visit.
    let res = client()
        .get(format!("{}/pkg/markwell_bg.wasm", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()[header::CACHE_CONTROL], "no-cache");

    // A family's file comes from the same folder, kept as long.
    let family = js.replace("markwell.js", "split_admin_1.wasm");
    let res = client()
        .get(format!("{}{family}", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.headers()[header::CACHE_CONTROL],
        "public, max-age=31536000, immutable"
    );

    // A new build, as the next start finds it: a new folder, named in the
    // manifest's place; the last build's stays for tabs still open on it.
    build(&pkg, "second");
    let bundle = server::site::prepare(site.path()).unwrap();
    assert!(bundle.hashed());
    assert_ne!(bundle.path(Bundle::WASM), wasm);
    assert_ne!(bundle.path(Bundle::CSS), css);
    assert_eq!(bundle.families["admin_1"], ["split_admin_1"]);
    let first = site.path().join(wasm.trim_start_matches('/'));
    assert!(first.is_file());
    // The same build again: the same folder.
    assert_eq!(server::site::prepare(site.path()).unwrap(), bundle);
    // Two builds later, the first has gone.
    for version in ["third", "fourth"] {
        std::thread::sleep(std::time::Duration::from_millis(20));
        build(&pkg, version);
        server::site::prepare(site.path()).unwrap();
    }
    assert!(!first.exists());
    assert!(site
        .path()
        .join(bundle.path(Bundle::WASM).trim_start_matches('/'))
        .is_file());
    let copy = site
        .path()
        .join(bundle.path(Bundle::JS).trim_start_matches('/'));
    server::site::compress(&copy).unwrap();
    assert!(copy.with_extension("js.br").is_file());
}
