use reqwest::StatusCode;

use crate::helpers::*;

#[tokio::test]
async fn a_cross_site_post_to_a_server_function_is_refused() {
    let app = spawn_app().await;
    let path = <app::auth::api::SignIn as leptos::server_fn::ServerFn>::PATH;
    let form = [("email", TEACHER), ("password", PASSWORD)];

    let forged = client()
        .post(format!("{}{}", app.address, path))
        .header("origin", "https://evil.example")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);

    let fetch_says_cross_site = client()
        .post(format!("{}{}", app.address, path))
        .header("sec-fetch-site", "cross-site")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(fetch_says_cross_site.status(), StatusCode::FORBIDDEN);

    let same_site = client()
        .post(format!("{}{}", app.address, path))
        .header("origin", app.address.clone())
        .form(&form)
        .send()
        .await
        .unwrap();
    assert!(same_site.status().is_success(), "{}", same_site.status());
}

#[tokio::test]
async fn pages_carry_security_headers_and_a_script_nonce() {
    let app = spawn_app().await;
    let res = client()
        .get(format!("{}/sign-in", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let headers = res.headers().clone();
    let csp = headers["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["referrer-policy"], "same-origin");
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .unwrap()
        .split('\'')
        .next()
        .unwrap()
        .to_owned();
    let html = res.text().await.unwrap();
    assert!(
        html.contains(&format!("nonce=\"{nonce}\"")),
        "the page's scripts carry the nonce"
    );
    assert!(html.contains("Remember me"));
}

#[tokio::test]
async fn signed_out_visitors_are_sent_to_sign_in() {
    let app = spawn_app().await;
    let res = client()
        .get(format!("{}/", app.address))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert!(res.status().is_redirection(), "{}", res.status());
    assert_eq!(res.headers()["location"], "/sign-in");

    let res = client()
        .get(format!("{}/children/1", app.address))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["location"], "/sign-in?next=/children/1");

    let res = client()
        .get(format!("{}/no-such-page", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_signed_in_parent_sees_their_children_rendered_on_the_server() {
    let app = spawn_app().await;
    let parent = app.signed_in(PARENT).await;
    let html = parent
        .get(format!("{}/", app.address))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Your children"), "{html}");
    assert!(html.contains("Year 2") && html.contains("Year 5"), "{html}");
}
