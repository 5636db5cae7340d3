//! Inline SVG icons (no icon font, no downloads). Decorative: hidden from
//! screen readers, the text beside them carries the meaning.

use leptos::prelude::*;

#[component]
pub fn IconToday() -> impl IntoView {
    view! {
        <svg class="icon" viewBox="0 0 24 24" aria-hidden="true">
            <rect x="3" y="5" width="18" height="16" rx="2"/>
            <path d="M3 10h18M8 3v4M16 3v4"/>
        </svg>
    }
}

#[component]
pub fn IconMore() -> impl IntoView {
    view! {
        <svg class="icon" viewBox="0 0 24 24" aria-hidden="true">
            <circle cx="5" cy="12" r="1.5"/>
            <circle cx="12" cy="12" r="1.5"/>
            <circle cx="19" cy="12" r="1.5"/>
        </svg>
    }
}

#[component]
pub fn IconShield() -> impl IntoView {
    view! {
        <svg class="icon brand-icon" viewBox="0 0 24 24" aria-hidden="true">
            <path d="M12 3l8 3v6c0 4.5-3.4 8.3-8 9-4.6-.7-8-4.5-8-9V6z"/>
            <path d="M8.5 12l2.5 2.5 4.5-5"/>
        </svg>
    }
}

#[component]
pub fn IconClasses() -> impl IntoView {
    view! {
        <svg class="icon" viewBox="0 0 24 24" aria-hidden="true">
            <path d="M3 8l9-4 9 4-9 4z"/>
            <path d="M7 10v5c0 1.5 2.2 3 5 3s5-1.5 5-3v-5"/>
        </svg>
    }
}

#[component]
pub fn IconDrill() -> impl IntoView {
    view! {
        <svg class="icon" viewBox="0 0 24 24" aria-hidden="true">
            <path d="M12 8v5l3 2M10 2h4M12 2v2"/>
            <path d="M12 22a8 8 0 1 0 0-16 8 8 0 0 0 0 16z"/>
        </svg>
    }
}

/// Duty watch: a badge with a clock.
#[component]
pub fn IconDuty() -> impl IntoView {
    view! {
        <svg class="icon" viewBox="0 0 24 24" aria-hidden="true">
            <circle cx="12" cy="12" r="8"/>
            <path d="M12 8v4l3 2"/>
        </svg>
    }
}

/// An open book: safety lessons.
#[component]
pub fn IconLesson() -> impl IntoView {
    view! {
        <svg class="icon" viewBox="0 0 24 24" aria-hidden="true">
            <path d="M2 5c3-1.5 7-1.5 10 1v14c-3-2.5-7-2.5-10-1z"/>
            <path d="M22 5c-3-1.5-7-1.5-10 1v14c3-2.5 7-2.5 10-1z"/>
        </svg>
    }
}
