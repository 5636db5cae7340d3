//! Every string the user reads, in Chinese (first) and English.
//!
//! Strings are fields of one struct, so a missing translation is a compile
//! error, not a blank on screen. The chosen language is remembered on the
//! device (local storage) and mirrored to `<html lang>`.

use anyuan_core::Lang;
use gloo_storage::{LocalStorage, Storage};
use leptos::prelude::*;

const LANG_KEY: &str = "anyuan.lang";

/// The user-interface strings of one language.
#[derive(Debug)]
pub struct Strings {
    pub app_name: &'static str,
    pub app_tagline: &'static str,
    pub skip_to_content: &'static str,
    pub nav_label: &'static str,
    pub nav_today: &'static str,
    pub nav_more: &'static str,
    pub lang_switch: &'static str,
    pub lang_switch_label: &'static str,
    pub online: &'static str,
    pub offline: &'static str,
    pub today_title: &'static str,
    pub today_nothing_due: &'static str,
    pub today_nothing_due_hint: &'static str,
    pub more_title: &'static str,
    pub settings_language: &'static str,
    pub settings_language_hint: &'static str,
    pub about_title: &'static str,
    pub about_text: &'static str,
    pub not_found_title: &'static str,
    pub not_found_text: &'static str,
    pub not_found_home: &'static str,
}

pub static ZH: Strings = Strings {
    app_name: "安园",
    app_tagline: "护校安园 · 校园安全工作台",
    skip_to_content: "跳到主要内容",
    nav_label: "主导航",
    nav_today: "今日",
    nav_more: "更多",
    lang_switch: "EN",
    lang_switch_label: "Switch to English",
    online: "在线",
    offline: "离线",
    today_title: "今日",
    today_nothing_due: "今天没有待办事项",
    today_nothing_due_hint: "正在进行的演练、您的值班和气象预警都会显示在这里。",
    more_title: "更多",
    settings_language: "语言",
    settings_language_hint: "界面语言保存在本设备上。",
    about_title: "关于安园",
    about_text: "安园是区教育系统“护校安园”工作的离线优先记录工具：演练、值班、安全教育课、隐患台帐和信息报送。没有网络时也能记录，联网后自动同步。",
    not_found_title: "找不到此页面",
    not_found_text: "您打开的地址不存在，可能已被移动。",
    not_found_home: "返回今日",
};

pub static EN: Strings = Strings {
    app_name: "Anyuan",
    app_tagline: "Safe campus · school-safety workbench",
    skip_to_content: "Skip to main content",
    nav_label: "Main navigation",
    nav_today: "Today",
    nav_more: "More",
    lang_switch: "中文",
    lang_switch_label: "切换到中文",
    online: "Online",
    offline: "Offline",
    today_title: "Today",
    today_nothing_due: "Nothing due today",
    today_nothing_due_hint: "A running drill, your duty shift and weather alerts appear here.",
    more_title: "More",
    settings_language: "Language",
    settings_language_hint: "The interface language is kept on this device.",
    about_title: "About Anyuan",
    about_text: "Anyuan is the offline-first logbook for the district's \"protecting schools, safe campuses\" work: drills, duty, safety lessons, the hazard ledger and reporting. It records without a network and syncs when one is there.",
    not_found_title: "Page not found",
    not_found_text: "The address you opened does not exist or has moved.",
    not_found_home: "Back to Today",
};

/// The strings of a language.
pub fn strings(lang: Lang) -> &'static Strings {
    match lang {
        Lang::Zh => &ZH,
        Lang::En => &EN,
    }
}

/// The language context shared through `provide_context`.
#[derive(Clone, Copy, Debug)]
pub struct I18n {
    pub lang: RwSignal<Lang>,
}

impl I18n {
    /// Reads the remembered language (Chinese when none) and keeps
    /// `<html lang>` and local storage in step with it.
    pub fn from_device() -> I18n {
        let stored = LocalStorage::get::<String>(LANG_KEY).ok();
        let lang = RwSignal::new(stored.as_deref().map(Lang::from_tag).unwrap_or_default());
        Effect::new(move |_| {
            let lang = lang.get();
            if let Some(html) = document().document_element() {
                let _ = html.set_attribute("lang", lang.tag());
            }
            let _ = LocalStorage::set(LANG_KEY, lang.tag());
        });
        I18n { lang }
    }

    /// The current strings (reactive when called inside a closure).
    pub fn t(self) -> &'static Strings {
        strings(self.lang.get())
    }
}

/// The language context; the app provides it at the root.
pub fn use_i18n() -> I18n {
    expect_context::<I18n>()
}
