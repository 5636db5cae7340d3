//! Every string the user reads, in Chinese (first) and English.
//!
//! Strings are fields of one struct, so a missing translation is a compile
//! error, not a blank on screen. The chosen language is remembered on the
//! device (local storage) and mirrored to `<html lang>`.

use anyuan_core::Lang;
use gloo_storage::{LocalStorage, Storage};
use leptos::prelude::*;

const LANG_KEY: &str = "anyuan.lang";

/// Declares a module's strings: a struct with one `&'static str` field per
/// key and its Chinese and English instances, each key's two texts side by
/// side so a missing translation cannot happen.
macro_rules! strings {
    ($(#[$meta:meta])* $name:ident, $zh:ident, $en:ident { $($key:ident: $z:literal, $e:literal;)* }) => {
        $(#[$meta])*
        #[derive(Debug)]
        pub struct $name {
            $(pub $key: &'static str,)*
        }
        /// Chinese.
        pub static $zh: $name = $name { $($key: $z,)* };
        /// English.
        pub static $en: $name = $name { $($key: $e,)* };
    };
}

pub mod drill;
pub mod duty;
pub mod lesson;
pub mod registry;

/// The user-interface strings of one language.
#[derive(Debug)]
pub struct Strings {
    pub drill: &'static drill::DrillStrings,
    pub lesson: &'static lesson::LessonStrings,
    pub registry: &'static registry::RegistryStrings,
    pub export_csv: &'static str,
    pub export_xlsx: &'static str,
    pub duty: &'static duty::DutyStrings,
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
    pub update_available: &'static str,
    pub update_reload: &'static str,
    pub update_later: &'static str,
    pub loading_local: &'static str,
    pub module_load_failed: &'static str,
    pub retry: &'static str,
    pub nav_classes: &'static str,
    pub waiting: &'static str,
    pub synced_at: &'static str,
    pub refused: &'static str,
    pub login_title: &'static str,
    pub login_name: &'static str,
    pub login_password: &'static str,
    pub login_submit: &'static str,
    pub login_busy_button: &'static str,
    pub login_wrong: &'static str,
    pub login_busy: &'static str,
    pub login_offline: &'static str,
    pub classes_title: &'static str,
    pub classes_empty: &'static str,
    pub classes_add: &'static str,
    pub classes_edit: &'static str,
    pub classes_name: &'static str,
    pub classes_grade: &'static str,
    pub classes_size: &'static str,
    pub classes_students: &'static str,
    pub classes_admin_only: &'static str,
    pub edit: &'static str,
    pub save: &'static str,
    pub cancel: &'static str,
    pub saved_on_device: &'static str,
    pub save_failed: &'static str,
    pub sync_title: &'static str,
    pub sync_connection: &'static str,
    pub sync_last: &'static str,
    pub sync_never: &'static str,
    pub sync_now: &'static str,
    pub sync_running: &'static str,
    pub sync_problem_offline: &'static str,
    pub sync_problem_expired: &'static str,
    pub sync_problem_busy: &'static str,
    pub sync_problem_server: &'static str,
    pub refused_title: &'static str,
    pub refused_none: &'static str,
    pub refused_resend: &'static str,
    pub refused_discard: &'static str,
    pub refused_discard_confirm: &'static str,
    pub account_title: &'static str,
    pub signout: &'static str,
    pub signout_anyway: &'static str,
    pub signout_unsynced: &'static str,
    pub storage_title: &'static str,
    pub storage_persisted: &'static str,
    pub storage_not_persisted: &'static str,
    pub storage_unknown: &'static str,
    pub nav_admin: &'static str,
    pub admin_title: &'static str,
    pub admin_units: &'static str,
    pub admin_unit_name: &'static str,
    pub admin_unit_type: &'static str,
    pub admin_school: &'static str,
    pub admin_kindergarten: &'static str,
    pub admin_unit_add: &'static str,
    pub admin_unit: &'static str,
    pub admin_accounts: &'static str,
    pub admin_loading: &'static str,
    pub admin_needs_network: &'static str,
    pub admin_account_new: &'static str,
    pub admin_display_name: &'static str,
    pub admin_role: &'static str,
    pub admin_initial_password: &'static str,
    pub admin_account_create: &'static str,
    pub admin_account_created: &'static str,
    pub admin_new_password: &'static str,
    pub admin_reset_password: &'static str,
    pub admin_disable: &'static str,
    pub admin_enable: &'static str,
    pub admin_disabled: &'static str,
    pub admin_done: &'static str,
    pub admin_staff_title: &'static str,
    pub admin_staff_text: &'static str,
    pub back_to_more: &'static str,
}

pub static ZH: Strings = Strings {
    drill: &drill::ZH,
    lesson: &lesson::ZH,
    registry: &registry::ZH,
    export_csv: "导出CSV",
    export_xlsx: "导出Excel",
    duty: &duty::ZH,
    app_name: "安园",
    app_tagline: "护校安园 · 校园安全工作台",
    skip_to_content: "跳到主要内容",
    nav_label: "主导航",
    nav_today: "今日",
    nav_more: "更多",
    lang_switch: "EN",
    lang_switch_label: "EN: switch to English",
    online: "在线",
    offline: "离线",
    today_title: "今日",
    today_nothing_due: "今天没有待办事项",
    today_nothing_due_hint: "正在进行的演练、您的值班和气象预警都会显示在这里。",
    more_title: "更多",
    settings_language: "语言",
    settings_language_hint: "界面语言保存在本设备上。",
    about_title: "关于安园",
    about_text: "安园记录学校的应急演练、值班、安全教育课和班级，以及领导小组、应急预案、安全队伍、专项检查、宣传培训和线索举报等台帐。没有网络时也能记录，数据先存在本设备上，联网后自动同步。",
    not_found_title: "找不到此页面",
    not_found_text: "您打开的地址不存在，可能已被移动。",
    not_found_home: "返回今日",
    update_available: "新版本可用",
    update_reload: "更新",
    update_later: "稍后",
    loading_local: "正在打开本设备上的数据…",
    module_load_failed: "网络中断，安园的这一部分未能载入。请联网后重试。",
    retry: "重试",
    nav_classes: "班级",
    waiting: "待同步",
    synced_at: "已同步",
    refused: "被拒",
    login_title: "登录",
    login_name: "账号",
    login_password: "密码",
    login_submit: "登录",
    login_busy_button: "正在登录…",
    login_wrong: "账号或密码不正确，请重试。",
    login_busy: "尝试次数过多，请稍后再试。",
    login_offline: "无法连接服务器。首次登录需要联网，请检查网络后重试。",
    classes_title: "班级",
    classes_empty: "还没有班级。",
    classes_add: "新增班级",
    classes_edit: "修改班级",
    classes_name: "班级名称",
    classes_grade: "年级",
    classes_size: "人数",
    classes_students: "人",
    classes_admin_only: "只有学校管理员可以新增或修改班级。",
    edit: "修改",
    save: "保存",
    cancel: "取消",
    saved_on_device: "已保存到本设备，联网后自动同步。",
    save_failed: "无法保存此更改。",
    sync_title: "同步",
    sync_connection: "连接",
    sync_last: "上次同步",
    sync_never: "尚未同步",
    sync_now: "立即同步",
    sync_running: "正在同步…",
    sync_problem_offline: "无法连接服务器。更改已安全保存在本设备，联网后自动同步。",
    sync_problem_expired: "登录已过期。请重新登录，本设备上的更改不会丢失。",
    sync_problem_busy: "服务器繁忙，稍后自动重试。",
    sync_problem_server: "服务器暂时出错，稍后自动重试。",
    refused_title: "被服务器拒绝的更改",
    refused_none: "没有被拒绝的更改。",
    refused_resend: "修改后重新提交",
    refused_discard: "放弃此更改",
    refused_discard_confirm: "确认放弃（不可恢复）",
    account_title: "账号",
    signout: "退出登录",
    signout_anyway: "仍然退出",
    signout_unsynced: "还有 {n} 条更改尚未同步。退出后它们仍保存在本设备上，您下次登录时会自动同步。",
    storage_title: "本地存储",
    storage_persisted: "浏览器已承诺长期保存本设备上的数据。",
    storage_not_persisted: "浏览器可能在空间不足时清理数据，请尽快联网同步。",
    storage_unknown: "此浏览器无法报告存储状态。",
    nav_admin: "管理",
    admin_title: "管理",
    admin_units: "单位",
    admin_unit_name: "单位名称",
    admin_unit_type: "类型",
    admin_school: "学校",
    admin_kindergarten: "幼儿园",
    admin_unit_add: "新增单位",
    admin_unit: "所属单位",
    admin_accounts: "账号",
    admin_loading: "正在读取账号…",
    admin_needs_network: "账号管理需要联网。请联网后重试。",
    admin_account_new: "新建账号",
    admin_display_name: "姓名",
    admin_role: "角色",
    admin_initial_password: "初始密码（至少8位）",
    admin_account_create: "创建账号",
    admin_account_created: "账号已创建。",
    admin_new_password: "新密码",
    admin_reset_password: "重置密码",
    admin_disable: "停用",
    admin_enable: "启用",
    admin_disabled: "已停用",
    admin_done: "已完成。",
    admin_staff_title: "此页供管理员使用",
    admin_staff_text: "管理页用于添加单位、新建账号和重置密码，只有学校管理员和区管理员可以使用；您的账号是教职工，所以这里没有您可用的内容。需要新账号或重置密码时，请联系本校管理员。",
    back_to_more: "返回“更多”",
};

pub static EN: Strings = Strings {
    drill: &drill::EN,
    lesson: &lesson::EN,
    registry: &registry::EN,
    export_csv: "Export CSV",
    export_xlsx: "Export Excel",
    duty: &duty::EN,
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
    about_text: "Anyuan records a school's drills, duty, safety lessons and classes, and its registries: leading group, emergency plans, safety team, special checks, training and clue reports. It works without a network, keeps records on this device first and syncs when a network is there.",
    not_found_title: "Page not found",
    not_found_text: "The address you opened does not exist or has moved.",
    not_found_home: "Back to Today",
    update_available: "Update available",
    update_reload: "Update",
    update_later: "Later",
    loading_local: "Opening the data on this device…",
    module_load_failed: "The network dropped before this part of Anyuan loaded. Reconnect, then try again.",
    retry: "Try again",
    nav_classes: "Classes",
    waiting: "Waiting",
    synced_at: "Synced",
    refused: "Refused",
    login_title: "Sign in",
    login_name: "Account",
    login_password: "Password",
    login_submit: "Sign in",
    login_busy_button: "Signing in…",
    login_wrong: "The account or password is wrong. Please try again.",
    login_busy: "Too many attempts. Please wait a moment and try again.",
    login_offline: "Cannot reach the server. Signing in needs a network once; check the connection and try again.",
    classes_title: "Classes",
    classes_empty: "No classes yet.",
    classes_add: "Add a class",
    classes_edit: "Edit class",
    classes_name: "Class name",
    classes_grade: "Grade",
    classes_size: "Number of students",
    classes_students: "students",
    classes_admin_only: "Only school administrators can add or edit classes.",
    edit: "Edit",
    save: "Save",
    cancel: "Cancel",
    saved_on_device: "Saved on this device; it syncs by itself when a network is there.",
    save_failed: "This change cannot be saved.",
    sync_title: "Sync",
    sync_connection: "Connection",
    sync_last: "Last sync",
    sync_never: "Not yet",
    sync_now: "Sync now",
    sync_running: "Syncing…",
    sync_problem_offline: "Cannot reach the server. Changes are safe on this device and sync when a network is there.",
    sync_problem_expired: "Your session has expired. Sign in again; the changes on this device are kept.",
    sync_problem_busy: "The server is busy; retrying shortly.",
    sync_problem_server: "The server had a problem; retrying shortly.",
    refused_title: "Changes the server refused",
    refused_none: "No refused changes.",
    refused_resend: "Fix and resend",
    refused_discard: "Discard this change",
    refused_discard_confirm: "Confirm discard (cannot be undone)",
    account_title: "Account",
    signout: "Sign out",
    signout_anyway: "Sign out anyway",
    signout_unsynced: "{n} changes have not synced yet. They stay on this device and sync when you next sign in.",
    storage_title: "Storage on this device",
    storage_persisted: "The browser has agreed to keep this device's data.",
    storage_not_persisted: "The browser may clear data when space runs low; sync often.",
    storage_unknown: "This browser cannot report the storage state.",
    nav_admin: "Admin",
    admin_title: "Administration",
    admin_units: "Units",
    admin_unit_name: "Unit name",
    admin_unit_type: "Type",
    admin_school: "School",
    admin_kindergarten: "Kindergarten",
    admin_unit_add: "Add unit",
    admin_unit: "Unit",
    admin_accounts: "Accounts",
    admin_loading: "Loading accounts…",
    admin_needs_network: "Managing accounts needs a network. Please try again when online.",
    admin_account_new: "New account",
    admin_display_name: "Name",
    admin_role: "Role",
    admin_initial_password: "Initial password (at least 8 characters)",
    admin_account_create: "Create account",
    admin_account_created: "Account created.",
    admin_new_password: "New password",
    admin_reset_password: "Reset password",
    admin_disable: "Disable",
    admin_enable: "Enable",
    admin_disabled: "Disabled",
    admin_done: "Done.",
    admin_staff_title: "This page is for administrators",
    admin_staff_text: "Administration is where units are added, accounts created and passwords reset; only school and district admins use it. Your account is staff, so there is nothing here for you. For a new account or a password reset, ask your school's admin.",
    back_to_more: "Back to More",
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
