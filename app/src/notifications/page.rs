//! The parent's notifications: the count in the top bar, kept up to date
//! by the live stream, and the list.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use super::api::{MyNotifications, UnreadCount};
use crate::ui::{loading::load, ErrorPanel};

/// Counts each "something new for you" the live stream brings; the parent's
/// pages that show classroom records read again when it moves.
#[derive(Debug, Clone, Copy)]
pub struct Pulse(pub RwSignal<u32>);

/// Moves when the list has marked notifications read, so the count follows.
#[derive(Debug, Clone, Copy)]
struct Seen(RwSignal<u32>);

/// The pulse, where a parent's frame provides it (0 elsewhere).
pub fn use_pulse() -> impl Fn() -> u32 + Copy + Send + Sync + 'static {
    let pulse = use_context::<Pulse>();
    move || pulse.map_or(0, |p| p.0.get())
}

/// For the parent's frame: the pulse and the live stream that moves it,
/// shared by every page inside the frame.
pub fn provide_live() {
    let pulse = Pulse(RwSignal::new(0));
    provide_context(pulse);
    provide_context(Seen(RwSignal::new(0)));
    #[cfg(feature = "hydrate")]
    Effect::new(move || listen::open(pulse));
}

/// "Notifications" in the parent's top bar, with the unread count.
#[component]
pub fn NotificationsLink() -> impl IntoView {
    let pulse = use_context::<Pulse>().unwrap_or(Pulse(RwSignal::new(0)));
    let seen = use_context::<Seen>().unwrap_or(Seen(RwSignal::new(0)));
    let unread = load(move || (pulse.0.get(), seen.0.get()), |_| UnreadCount {});
    view! {
        <A href="/notifications" attr:class="notifications-link">
            "Notifications"
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match unread.await {
                        Ok(count) if count > 0 => view! {
                            <span class="badge">
                                <span aria-hidden="true">{count}</span>
                                <span class="visually-hidden">{format!("{count} unread")}</span>
                            </span>
                        }.into_any(),
                        _ => ().into_any(),
                    }
                })}
            </Transition>
        </A>
    }
}

#[component]
pub fn NotificationsPage() -> impl IntoView {
    let pulse = use_pulse();
    let seen = use_context::<Seen>();
    let list = load(pulse, |_| MyNotifications {});
    view! {
        <Title text="Notifications · Markwell" />
        <p><A href="/">"← Your children"</A></p>
        <h1>"Notifications"</h1>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                let answer = list.await;
                if let Some(seen) = seen {
                    seen.0.update(|n| *n += 1);
                }
                match answer {
                    Ok(items) if items.is_empty() => view! {
                        <p class="empty">"Nothing yet. You'll see behaviour, achievements and new reports here as the school records them."</p>
                    }.into_any(),
                    Ok(items) => view! {
                        <ul class="plain notifications">
                            {items.into_iter().map(|n| {
                                let href = n.link();
                                view! {
                                    <li class=if n.unread { "notification unread" } else { "notification" }>
                                        <A href=href>
                                            {n.unread.then(|| view! { <span class="new">"New"</span> " " })}
                                            <strong>{format!("{}: {}", n.child, n.kind.label())}</strong>
                                            " · "
                                            {n.what}
                                        </A>
                                        <p class="hint">{n.when}</p>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The browser's end of the parent's live stream.
#[cfg(feature = "hydrate")]
mod listen {
    use wasm_bindgen::{closure::Closure, JsCast};
    use web_sys::{EventSource, MessageEvent};

    use super::Pulse;
    use crate::notifications::model::LIVE_PATH;
    use leptos::prelude::*;

    pub fn open(pulse: Pulse) {
        let Ok(source) = EventSource::new(LIVE_PATH) else {
            return;
        };
        let on_notified = Closure::<dyn FnMut(MessageEvent)>::new(move |_| {
            pulse.0.update(|n| *n += 1);
        });
        let _ = source
            .add_event_listener_with_callback("notified", on_notified.as_ref().unchecked_ref());
        let kept = StoredValue::new_local((source, on_notified));
        on_cleanup(move || kept.with_value(|(source, _)| source.close()));
    }
}
