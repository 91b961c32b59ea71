//! The main navigation: a side rail on tablets and desktops, a bottom bar on phones (the
//! CSS decides). Every target is at least 44 px and reachable with Tab.

use leptos::prelude::*;
use leptos_router::components::A;

struct Destination {
    href: &'static str,
    label: &'static str,
    /// An SVG path (24×24 view box) drawn with `currentColor`.
    icon: &'static str,
}

const DESTINATIONS: [Destination; 5] = [
    Destination { href: "/", label: "Home", icon: "M3 11l9-7 9 7v9a1 1 0 0 1-1 1h-5v-6H9v6H4a1 1 0 0 1-1-1z" },
    Destination { href: "/plans", label: "Plans", icon: "M4 20V10m6 10V4m6 16v-7m4 7H2" },
    Destination { href: "/reviews", label: "Reviews", icon: "M9 11l2 2 4-4M5 3h14v18H5z" },
    Destination { href: "/people", label: "People", icon: "M16 19v-1a4 4 0 0 0-8 0v1M12 11a3 3 0 1 0 0-6 3 3 0 0 0 0 6M20 19v-1a3 3 0 0 0-3-3M4 19v-1a3 3 0 0 1 3-3" },
    Destination { href: "/settings", label: "Settings", icon: "M12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM4 12h2m12 0h2M12 4v2m0 12v2M6.3 6.3l1.4 1.4m8.6 8.6l1.4 1.4M6.3 17.7l1.4-1.4m8.6-8.6l1.4-1.4" },
];

#[component]
pub fn Navigation() -> impl IntoView {
    view! {
        <nav class="nav" aria-label="Main">
            <ul>
                {DESTINATIONS
                    .iter()
                    .map(|d| {
                        view! {
                            <li>
                                // `A` marks the current page with aria-current="page"; the
                                // home link matches exactly so it is not current everywhere.
                                <A href=crate::ui::href(d.href) exact=true>
                                    <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">
                                        <path d=d.icon></path>
                                    </svg>
                                    <span>{d.label}</span>
                                </A>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </nav>
    }
}
