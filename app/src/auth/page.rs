//! The sign-in page.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::api::SignIn;
use crate::ui::{ErrorNote, TextField};

#[component]
pub fn SignInPage() -> impl IntoView {
    let action = ServerAction::<SignIn>::new();
    let error = Signal::derive(move || action.value().get().and_then(|result| result.err()));
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    // "app" when running as an installed web app, for the usage statistics.
    let client = RwSignal::new("browser".to_owned());
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(window) = web_sys::window() {
            if let Ok(Some(query)) = window.match_media("(display-mode: standalone)") {
                if query.matches() {
                    client.set("app".to_owned());
                }
            }
        }
    });
    view! {
        <Title text="Sign in · Markwell" />
        <main class="sign-in" id="main">
            <div class="sign-in-card">
                <p class="brand">"Markwell"</p>
                <h1>"Sign in"</h1>
                <ActionForm action=action attr:novalidate=true>
                    <ErrorNote error id="sign-in-error" />
                    <TextField
                        name="email"
                        label="Email address"
                        kind="email"
                        autocomplete="username"
                        error
                    />
                    <TextField
                        name="password"
                        label="Password"
                        kind="password"
                        autocomplete="current-password"
                        error
                    />
                    <div class="check">
                        <input id="remember" name="remember" type="checkbox" value="on" />
                        <label for="remember">"Remember me"</label>
                    </div>
                    <input type="hidden" name="client" prop:value=client />
                    <input type="hidden" name="next" prop:value=next />
                    <button type="submit" class="primary" disabled=move || action.pending().get()>
                        "Sign in"
                    </button>
                </ActionForm>
            </div>
        </main>
    }
}
