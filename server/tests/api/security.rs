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

async fn wrong_password(app: &TestApp, email: &str, forwarded_for: &str) -> reqwest::Response {
    let path = <app::auth::api::SignIn as leptos::server_fn::ServerFn>::PATH;
    client()
        .post(format!("{}{}", app.address, path))
        .header("x-forwarded-for", forwarded_for)
        .form(&[("email", email), ("password", "not-the-password-1")])
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_client_is_counted_as_itself() {
    let app = spawn_app_with(|config| {
        config.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
    })
    .await;
    let res = wrong_password(&app, TEACHER, "203.0.113.5").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        app.last_audited_address().await.as_deref(),
        Some("203.0.113.5")
    );

    // One client behind the proxy locks itself out, not the whole school.
    for i in 0..app::auth::accounts::FAILURES_PER_ADDRESS {
        let email = format!("nobody{i}@nowhere.example");
        wrong_password(&app, &email, "203.0.113.5").await;
    }
    let locked = wrong_password(&app, "someone@nowhere.example", "203.0.113.5").await;
    assert_eq!(locked.status(), StatusCode::TOO_MANY_REQUESTS);
    let other = wrong_password(&app, "someone@nowhere.example", "198.51.100.9").await;
    assert_eq!(other.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn a_forwarded_address_from_an_untrusted_client_is_ignored() {
    let app = spawn_app().await;
    let res = wrong_password(&app, TEACHER, "203.0.113.5").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        app.last_audited_address().await.as_deref(),
        Some("127.0.0.1")
    );
}

#[tokio::test]
async fn over_https_cookies_are_host_only_and_secure_and_browsers_keep_to_https() {
    let app = spawn_app_with(|config| {
        config.base_url = "https://markwell.school.example".to_owned();
    })
    .await;
    let path = <app::auth::api::SignIn as leptos::server_fn::ServerFn>::PATH;
    // The proxy rewrote Host; the public origin is still this site's own.
    let res = client()
        .post(format!("{}{}", app.address, path))
        .header("origin", "https://markwell.school.example")
        .form(&[("email", TEACHER), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "{}", res.status());
    expect_https_session(&res);
}
