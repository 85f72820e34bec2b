//! Components every feature uses.

use std::collections::BTreeMap;

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::error::{AppError, Problems};

pub mod chart;
pub mod form;
pub mod loading;
pub mod save_queue;

/// What the browser found wrong as someone left a field, parsed by the same
/// function the server uses, so the message comes at once and reads the
/// same. A field checked here replaces what the server last said about it;
/// the server's next answer starts afresh.
#[derive(Clone, Copy)]
pub struct InstantChecks {
    checked: RwSignal<BTreeMap<&'static str, Option<String>>>,
}

impl InstantChecks {
    pub fn new() -> InstantChecks {
        InstantChecks {
            checked: RwSignal::new(BTreeMap::new()),
        }
    }

    /// The result of parsing `field` as it was left.
    pub fn note<T>(self, field: &'static str, parsed: Result<T, AppError>) {
        let message = parsed.err().and_then(|e| e.for_field(field));
        self.checked
            .update(|checked| _ = checked.insert(field, message));
    }

    /// The checks for a form sent by `action`, started afresh at each answer.
    /// Answers them, the server's answer alone (for the note at the top of
    /// the form, which must not take focus from where someone is typing) and
    /// both together (beside each field).
    pub fn for_form<S: form::Sendable>(
        action: form::FormAction<S>,
    ) -> (
        InstantChecks,
        Signal<Option<AppError>>,
        Signal<Option<AppError>>,
    ) {
        let checks = InstantChecks::new();
        let answer = Signal::derive(move || action.value().get().and_then(|result| result.err()));
        let error = checks.over(answer);
        Effect::new(move |_| {
            action.version().track();
            checks.clear();
        });
        (checks, answer, error)
    }

    /// Forgets every check: the server has answered.
    pub fn clear(self) {
        self.checked.update(BTreeMap::clear);
    }

    /// The form's error: these checks over what the server said.
    pub fn over(self, server: Signal<Option<AppError>>) -> Signal<Option<AppError>> {
        Signal::derive(move || {
            let server = server.get();
            if let Some(other) = server.as_ref().filter(|e| e.problems().next().is_none()) {
                return Some(other.clone());
            }
            let checked = self.checked.get();
            let mut problems = Problems::default();
            for (field, message) in &checked {
                if let Some(message) = message {
                    problems.add(field, message.clone());
                }
            }
            for problem in server.iter().flat_map(|e| e.problems()) {
                if !checked.contains_key(problem.field) {
                    problems.add(problem.field, problem.message);
                }
            }
            problems.finish().err()
        })
    }
}

impl Default for InstantChecks {
    fn default() -> Self {
        InstantChecks::new()
    }
}

/// An error about a whole form (not one field), shown above it. When the
/// server names mistakes in fields, each shows beside its own field and
/// focus goes to the first of them on the form, where the person fixes it.
#[component]
pub fn ErrorNote(error: Signal<Option<AppError>>, #[prop(into)] id: String) -> impl IntoView {
    let note = NodeRef::<leptos::html::P>::new();
    let message = move || match error.get()? {
        invalid @ AppError::Invalid { .. } => {
            let lines: Vec<String> = invalid
                .problems()
                .filter(|p| p.field.is_empty())
                .map(|p| p.message.to_owned())
                .collect();
            (!lines.is_empty()).then(|| lines.join(" "))
        }
        other => Some(other.to_string()),
    };
    Effect::new(move |_| {
        if !matches!(error.get(), Some(AppError::Invalid { .. })) {
            return;
        }
        // Where the submit left focus. On a busy machine the next frame can
        // come after the person has moved on to another field: they stay
        // where they are, and what they type goes where they are typing.
        let left_at = document().active_element();
        // After this change has marked the fields aria-invalid.
        request_animation_frame(move || {
            if document().active_element() != left_at {
                return;
            }
            // The form may be gone by then (saved again and redrawn).
            let first = note
                .try_get_untracked()
                .flatten()
                .and_then(|note| note.closest("form").ok().flatten())
                .and_then(|form| form.query_selector("[aria-invalid='true']").ok().flatten());
            if let Some(field) =
                first.and_then(|f| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(f).ok())
            {
                let _ = field.focus();
            }
        });
    });
    view! {
        <p id=id class="error-note" role="alert" aria-live="assertive" node_ref=note>
            {message}
        </p>
    }
}

/// A page-sized answer to 401, 403 and 404 that says what to do next, with
/// the matching HTTP status when rendered on the server.
#[component]
pub fn ErrorPanel(error: AppError) -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::error::set_status(error.status());
    let (title, help) = match &error {
        AppError::SignedOut => ("Please sign in", "Your session has ended. Sign in again to carry on."),
        AppError::Forbidden => (
            "Not available to your account",
            "This part of Markwell is for other roles. If you think you should have it, ask your school's admin.",
        ),
        AppError::NotFound => (
            "We couldn't find that page",
            "It may have moved, or it may not be shared with your account. Go back to your home page and try from there.",
        ),
        _ => ("Something went wrong", "Please try again in a moment. Nothing was changed."),
    };
    let signed_out = error == AppError::SignedOut;
    view! {
        <section class="error-panel" aria-labelledby="error-title">
            <h1 id="error-title">{title}</h1>
            <p>{help}</p>
            <p>
                {if signed_out {
                    view! { <a class="button" href="/sign-in">"Sign in"</a> }.into_any()
                } else {
                    view! { <a class="button" href="/">"Go to your home page"</a> }.into_any()
                }}
            </p>
        </section>
    }
}

/// A labelled text input with its error message beside it, tied together
/// for screen readers. The input is uncontrolled, so nothing typed is lost
/// when the server answers with an error.
#[component]
pub fn TextField(
    /// The form field's name, which is also the server function's argument.
    name: &'static str,
    label: &'static str,
    error: Signal<Option<AppError>>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] autocomplete: Option<&'static str>,
    /// Guidance shown under the label, such as the password rules.
    #[prop(optional)]
    hint: Option<&'static str>,
    /// What the field holds when the page opens (for editing).
    #[prop(optional, into)]
    value: Option<String>,
    /// The element id, when two forms on one page share a field name.
    #[prop(optional)]
    id: Option<&'static str>,
    /// The id of a `<datalist>` of suggestions offered as one types.
    #[prop(optional)]
    suggestions: Option<&'static str>,
    /// Several lines of text: a text area this many rows high.
    #[prop(optional)]
    rows: Option<u32>,
) -> impl IntoView {
    let id = id.unwrap_or(name);
    let message_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let described_by = match hint {
        Some(_) => format!("{hint_id} {message_id}"),
        None => message_id.clone(),
    };
    let invalid = move || error.get().and_then(|e| e.for_field(name)).map(|_| "true");
    view! {
        <div class="field">
            <label for=id>{label}</label>
            {hint.map(|hint| view! { <p id=hint_id class="hint">{hint}</p> })}
            {match rows {
                Some(rows) => view! {
                    <textarea
                        id=id
                        name=name
                        rows=rows
                        aria-describedby=described_by
                        aria-invalid=invalid
                    >{value}</textarea>
                }.into_any(),
                None => view! {
                    <input
                        id=id
                        name=name
                        type=kind
                        autocomplete=autocomplete
                        list=suggestions
                        value=value
                        aria-describedby=described_by
                        aria-invalid=invalid
                    />
                }.into_any(),
            }}
            <FieldError error name id=message_id />
        </div>
    }
}

/// The message the server gave about one field, where the field is; for
/// a field that isn't one labelled input (a column of drop-downs, say).
#[component]
pub fn FieldError(
    error: Signal<Option<AppError>>,
    name: &'static str,
    id: String,
) -> impl IntoView {
    view! {
        <p id=id class="error-note" role="alert" aria-live="assertive">
            {move || {
                error
                    .get()
                    .and_then(|e| e.for_field(name))
                    .map(|message| {
                        message
                            .lines()
                            .map(|line| view! { <span class="line">{line.to_owned()}</span> })
                            .collect_view()
                    })
            }}
        </p>
    }
}

/// A labelled drop-down with its error message beside it.
#[component]
pub fn SelectField(
    name: &'static str,
    label: &'static str,
    error: Signal<Option<AppError>>,
    /// (value, label) pairs, in order.
    options: Vec<(&'static str, &'static str)>,
    /// The value chosen when the page opens.
    #[prop(optional, into)]
    selected: String,
) -> impl IntoView {
    let message_id = format!("{name}-error");
    let invalid = move || error.get().and_then(|e| e.for_field(name)).map(|_| "true");
    view! {
        <div class="field">
            <label for=name>{label}</label>
            <select id=name name=name aria-describedby=message_id.clone() aria-invalid=invalid>
                {options
                    .into_iter()
                    .map(|(value, text)| {
                        view! { <option value=value selected=value == selected>{text}</option> }
                    })
                    .collect_view()}
            </select>
            <FieldError error name id=message_id />
        </div>
    }
}

/// A confirmation a page shows when a change sends the browser back to it
/// with `?done=…`. Each feature lists its own with [`done_notices!`], so the
/// server function that redirects and the page that confirms share one name.
pub trait Done: Copy + 'static {
    const ALL: &'static [Self];
    /// What the address carries.
    fn key(self) -> &'static str;
    /// What the page says.
    fn message(self) -> &'static str;

    /// `path` with this confirmation in its query.
    fn on(self, path: &str) -> String {
        let join = if path.contains('?') { '&' } else { '?' };
        format!("{path}{join}done={}", self.key())
    }
}

/// A table's column heading whose button sorts by that column; pressed
/// again, it turns the order round. `sort` holds the column sorted by and
/// whether it runs high to low; a column starts high to low when
/// `starts_descending` (counts and shares, say).
#[component]
pub fn SortHeading<C>(
    column: C,
    label: &'static str,
    sort: RwSignal<(C, bool)>,
    #[prop(optional)] starts_descending: bool,
    /// Right-aligned, as figures are.
    #[prop(optional)]
    numeric: bool,
) -> impl IntoView
where
    C: Copy + PartialEq + Send + Sync + 'static,
{
    let aria_sort = move || {
        let (by, descending) = sort.get();
        (by == column).then_some(if descending {
            "descending"
        } else {
            "ascending"
        })
    };
    view! {
        <th scope="col" aria-sort=aria_sort class:num=numeric>
            <button
                type="button"
                class="sort"
                on:click=move |_| sort.update(|(by, descending)| {
                    if *by == column {
                        *descending = !*descending;
                    } else {
                        *by = column;
                        *descending = starts_descending;
                    }
                })
            >
                {label}
                <span class="arrow" aria-hidden="true">
                    {move || match sort.get() {
                        (by, true) if by == column => "▼",
                        (by, false) if by == column => "▲",
                        _ => "",
                    }}
                </span>
            </button>
        </th>
    }
}

/// Declares a feature's confirmations: `Name => ("key", "What the page says."),`.
macro_rules! done_notices {
    ($(#[$meta:meta])* $vis:vis enum $name:ident {
        $($variant:ident => ($key:literal, $message:literal),)*
    }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        $vis enum $name {
            $($variant,)*
        }

        impl $name {
            /// `path` with this confirmation in its query.
            pub fn on(self, path: &str) -> String {
                <Self as $crate::ui::Done>::on(self, path)
            }
        }

        impl $crate::ui::Done for $name {
            const ALL: &'static [Self] = &[$($name::$variant,)*];

            fn key(self) -> &'static str {
                match self {
                    $($name::$variant => $key,)*
                }
            }

            fn message(self) -> &'static str {
                match self {
                    $($name::$variant => $message,)*
                }
            }
        }
    };
}

pub(crate) use done_notices;

/// The confirmation the page's address asks for, if it is one of `D`'s.
pub fn use_done<D: Done>() -> Signal<Option<&'static str>> {
    let query = leptos_router::hooks::use_query_map();
    Signal::derive(move || {
        let key = query.read().get("done")?;
        D::ALL
            .iter()
            .find(|done| done.key() == key)
            .map(|done| done.message())
    })
}

/// A confirmation shown after a change, read out by screen readers.
#[component]
pub fn Notice(message: Signal<Option<&'static str>>) -> impl IntoView {
    move || {
        message
            .get()
            .map(|message| view! { <p class="notice" role="status">{message}</p> })
    }
}

/// While `unsaved` says so, leaving the page (closing the tab, reloading,
/// following a link out of Markwell) asks first, with `why`. For every
/// page that saves as people type.
pub fn ask_before_leaving(unsaved: impl Fn() -> bool + 'static, why: &'static str) {
    let handle = window_event_listener(leptos::ev::beforeunload, move |ev| {
        if unsaved() {
            ev.prevent_default();
            ev.set_return_value(why);
        }
    });
    on_cleanup(move || handle.remove());
}

/// The `:id` in the page's route, read as a record id; 0, which matches no
/// record, when it isn't a number, so the page answers "not found".
pub fn route_id() -> impl Fn() -> i64 + Copy + Send + Sync + 'static {
    let params = use_params_map();
    move || {
        params
            .read()
            .get("id")
            .and_then(|id| id.parse().ok())
            .unwrap_or(0)
    }
}
