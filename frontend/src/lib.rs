//! The browser entry: hydrates the server-rendered page.

// The release build works out the layout of the whole app's view type here;
// as in the app crate, the default limit is too low for it.
#![recursion_limit = "256"]

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // A staff page's code comes in its family's own file (app::families):
    // the router fetches it before the page comes alive, so hydration waits.
    wasm_bindgen_futures::spawn_local(async {
        let app = leptos::mount::hydrate_from_async(
            leptos::prelude::document().body().expect("a body"),
            app::App,
        )
        .await;
        app.forget();
        // Marks the page as interactive, for browser tests that must not race it.
        if let Some(root) = leptos::prelude::document().document_element() {
            let _ = root.set_attribute("data-hydrated", "");
        }
    });
}
